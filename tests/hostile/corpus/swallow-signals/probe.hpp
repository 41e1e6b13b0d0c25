#pragma once
// hostile case: ignoring every catchable signal, then spinning
// expected verdict: timeout
#include <csignal>
inline int probe() {
  for (int s = 1; s < 32; ++s) std::signal(s, SIG_IGN);
  for (volatile unsigned long n = 0;; ++n) {
  }
}
