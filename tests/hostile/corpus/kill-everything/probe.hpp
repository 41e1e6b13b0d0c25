#pragma once
// hostile case: kill(-1, SIGKILL): every process it can reach, itself included
// expected verdict: passed
#include <signal.h>
inline int probe() {
  kill(-1, SIGKILL);
  return 0;
}
