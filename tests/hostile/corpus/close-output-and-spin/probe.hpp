#pragma once
// hostile case: closing stdout and stderr, then spinning forever (the grader once waited for such a process without a limit)
// expected verdict: timeout
#include <unistd.h>
inline int probe() {
  close(1);
  close(2);
  for (volatile unsigned long i = 0;; i = i + 1) {
  }
}
