#pragma once
// hostile case: printing Catch2's all-passed line, then _exit(0)
// expected verdict: crash
#include <cstdio>
#include <unistd.h>
inline int probe() {
  std::printf("===============================================================================\n"
              "All tests passed (2 assertions in 2 test cases)\n\n");
  std::fflush(stdout);
  _exit(0);
}
