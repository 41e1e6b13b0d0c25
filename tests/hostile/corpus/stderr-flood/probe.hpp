#pragma once
// hostile case: flooding stderr
// expected verdict: output_limit
#include <unistd.h>
inline int probe() {
  const char line[] = "flood flood flood flood flood flood flood flood\n";
  for (;;) (void)!write(2, line, sizeof line - 1);
}
