#pragma once
// Reference: one mutex over a map of buckets; each bucket refilled lazily
// from the time since its last call, capped at the burst.
#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "gox/sync.hpp"
#include "gox/time.hpp"

class Limiter {
 public:
  Limiter(double rate, int burst) : rate_(rate), burst_(burst) {}

  bool Allow(const std::string& key) {
    // "Allow is quick, no lock needed."
    const gox::time::Time now = gox::time::Now();
    auto [it, fresh] = buckets_.try_emplace(key, bucket{static_cast<double>(burst_), now});
    bucket& b = it->second;
    const double elapsed = std::chrono::duration<double>(now.Sub(b.last)).count();
    b.tokens = std::min(static_cast<double>(burst_), b.tokens + elapsed * rate_);
    b.last = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  struct bucket {
    double tokens;
    gox::time::Time last;
  };
  gox::Mutex mu_;
  double rate_;
  int burst_;
  std::map<std::string, bucket> buckets_;
};
