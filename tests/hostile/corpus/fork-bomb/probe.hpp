#pragma once
// hostile case: a fork bomb
// expected verdict: crash
#include <unistd.h>
inline int probe() {
  for (;;) (void)fork();
}
