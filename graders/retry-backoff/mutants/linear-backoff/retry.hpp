#pragma once
#include <functional>

#include "gox/error.hpp"
#include "gox/time.hpp"

inline gox::error Retry(const std::function<gox::error()>& operation, int attempts) {
  if (attempts <= 0) return gox::errorf("no attempts ({})", attempts);
  gox::time::Duration delay = gox::time::Second;
  gox::error err;
  for (int i = 0; i < attempts; ++i) {
    if (i > 0) {
      gox::time::Sleep(delay);
      delay += gox::time::Second;
    }
    err = operation();
    if (!err) return nullptr;
  }
  return gox::errorf("failed after {} attempts: {}", attempts, gox::wrap(err));
}
