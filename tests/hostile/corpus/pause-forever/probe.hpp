#pragma once
// hostile case: pause() with every catchable signal ignored
// expected verdict: timeout
#include <csignal>
#include <unistd.h>
inline int probe() {
  for (int s = 1; s < 32; ++s) std::signal(s, SIG_IGN);
  for (;;) pause();
}
