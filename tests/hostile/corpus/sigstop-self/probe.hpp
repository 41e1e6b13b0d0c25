#pragma once
// hostile case: SIGSTOP to itself
// expected verdict: timeout
#include <csignal>
inline int probe() {
  std::raise(SIGSTOP);
  return 0;
}
