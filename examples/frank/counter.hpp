#pragma once
// frank: the follow-up answer, an atomic read-modify-write.
#include <atomic>

class Counter {
 public:
  void Inc() { n_.fetch_add(1, std::memory_order_relaxed); }
  void Dec() { n_.fetch_sub(1, std::memory_order_relaxed); }
  long Value() { return n_.load(std::memory_order_relaxed); }

 private:
  std::atomic<long> n_{0};
};
