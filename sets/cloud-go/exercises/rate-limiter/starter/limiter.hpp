#pragma once
// Token-bucket rate limiter per key: see README.md. Allow may be called
// concurrently and never blocks.
#include <string>

#include "gox/sync.hpp"
#include "gox/time.hpp"

class Limiter {
 public:
  Limiter(double rate, int burst) {
    (void)rate;
    (void)burst;  // TODO
  }
  bool Allow(const std::string& key) {
    (void)key;
    return true;  // TODO
  }
};
