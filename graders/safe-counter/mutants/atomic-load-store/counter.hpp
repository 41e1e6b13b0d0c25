#pragma once
#include <atomic>

class Counter {
 public:
  void Inc() { val_.store(val_.load() + 1); }
  void Dec() { val_.store(val_.load() - 1); }
  long Value() { return val_.load(); }

 private:
  std::atomic<long> val_{0};
};
