#pragma once
// frank also answered the follow-up in its own file.
#include <atomic>

class AtomicCounter {
 public:
  void Inc() { n_.fetch_add(1); }
  void Dec() { n_.fetch_sub(1); }
  long Value() { return n_.load(); }

 private:
  std::atomic<long> n_{0};
};
