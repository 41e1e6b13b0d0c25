#pragma once
#include <functional>

#include "gox/error.hpp"
#include "gox/time.hpp"

inline gox::error Retry(const std::function<gox::error()>& operation, int attempts) {
  static gox::time::Duration delay;
  if (attempts <= 0) return gox::errorf("no attempts ({})", attempts);
  delay = gox::time::Second;
  gox::error err;
  for (int i = 0; i < attempts; ++i) {
    if (i > 0) {
      gox::time::Sleep(delay);
      delay *= 2;
    }
    err = operation();
    if (!err) return nullptr;
  }
  return gox::errorf("failed after {} attempts: {}", attempts, gox::wrap(err));
}
