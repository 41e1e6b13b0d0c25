#pragma once
// hostile case: std::set_terminate to exit 0, then throwing
// expected verdict: failed
#include <exception>
#include <stdexcept>
#include <unistd.h>
inline int probe() {
  std::set_terminate([] { _exit(0); });
  throw std::runtime_error("boom");
}
