#pragma once
// Circuit breaker: see README.md. Call may be called concurrently.
#include <functional>

#include "gox/error.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

inline const gox::error ErrOpen = gox::errors::New("circuit breaker is open");

enum class State { Closed, Open, HalfOpen };

class Breaker {
 public:
  Breaker(int threshold, gox::time::Duration cooldown) {
    (void)threshold;
    (void)cooldown;  // TODO
  }
  gox::error Call(const std::function<gox::error()>& op) {
    return op();  // TODO
  }
  State state() {
    return State::Closed;  // TODO
  }
};
