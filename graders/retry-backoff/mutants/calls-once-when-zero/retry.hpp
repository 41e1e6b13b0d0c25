#pragma once
#include <functional>

#include "gox/error.hpp"
#include "gox/time.hpp"

inline gox::error Retry(const std::function<gox::error()>& operation, int attempts) {
  gox::time::Duration delay = gox::time::Second;
  gox::error err;
  int i = 0;
  do {
    if (i > 0) {
      gox::time::Sleep(delay);
      delay *= 2;
    }
    err = operation();
    if (!err) return nullptr;
  } while (++i < attempts);
  return gox::errorf("failed after {} attempts: {}", attempts, gox::wrap(err));
}
