#pragma once
#include <atomic>

// Spreads updates over stripes so callers rarely touch the same cache line.
class Counter {
 public:
  void Inc() { stripe().fetch_add(1); }
  void Dec() { stripe().fetch_sub(1); }
  long Value() {
    long sum = 0;
    for (auto& s : stripes_) sum += s.load();  // one stripe after another
    return sum;
  }

 private:
  static constexpr int kStripes = 4;
  std::atomic<long>& stripe() { return stripes_[next_.fetch_add(1) % kStripes]; }
  std::atomic<long> stripes_[kStripes] = {};
  std::atomic<unsigned> next_{0};
};
