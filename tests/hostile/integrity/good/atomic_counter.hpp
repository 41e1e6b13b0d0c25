#pragma once
// Reference for the follow-up: one word of state, updated with atomic
// read-modify-write operations (Go: atomic.AddInt64 / atomic.LoadInt64).
#include <atomic>

class AtomicCounter {
 public:
  void Inc() { v_.fetch_add(1); }
  void Dec() { v_.fetch_sub(1); }
  long Value() { return v_.load(); }

 private:
  std::atomic<long> v_{0};
};
