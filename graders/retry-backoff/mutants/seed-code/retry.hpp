#pragma once
#include <functional>

#include "gox/error.hpp"
#include "gox/time.hpp"

inline gox::error Retry(const std::function<gox::error()>& operation, int attempts) {
  gox::time::Duration delay = gox::time::Second;
  for (int i = 0; i < attempts; i++) {
    gox::error err = operation();
    if (!err) return nullptr;
    gox::time::Sleep(delay);
    delay *= 2;
  }
  return gox::errorf("failed after {} retries", attempts);
}
