#pragma once
// hostile case: killing its parent (and the grader's process group)
// expected verdict: passed
#include <signal.h>
#include <unistd.h>
inline int probe() {
  kill(getppid(), SIGKILL);
  kill(1, SIGKILL);
  return 0;
}
