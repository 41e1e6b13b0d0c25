#pragma once
// Retry with exponential backoff (see README.md).
#include <functional>

#include "gox/error.hpp"
#include "gox/time.hpp"

inline gox::error Retry(const std::function<gox::error()>& operation, int attempts) {
  // TODO
  (void)attempts;
  return operation();
}
