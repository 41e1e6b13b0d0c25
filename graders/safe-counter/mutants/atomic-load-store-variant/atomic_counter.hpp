#pragma once
#include <atomic>

// Follow-up answered with a load then a store: each is atomic, the
// increment is not.
class AtomicCounter {
 public:
  void Inc() { v_.store(v_.load() + 1); }
  void Dec() { v_.store(v_.load() - 1); }
  long Value() { return v_.load(); }

 private:
  std::atomic<long> v_{0};
};
