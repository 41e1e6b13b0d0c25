#pragma once
// hostile case: deleting and overwriting a file outside the sandbox (the canary)
// expected verdict: passed
#include <fcntl.h>
#include <unistd.h>
inline int probe() {
  int escaped = 0;
  if (unlink("@CANARY_DIR@/canary.txt") == 0) ++escaped;
  const int fd = open("@CANARY_DIR@/canary.txt", O_WRONLY | O_TRUNC);
  if (fd >= 0) {
    ++escaped;
    close(fd);
  }
  return escaped;
}
