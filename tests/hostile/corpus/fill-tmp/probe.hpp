#pragma once
// hostile case: filling /tmp with one ever-growing file
// expected verdict: output_limit
#include <fcntl.h>
#include <unistd.h>
inline int probe() {
  const int fd = open("/tmp/fill", O_WRONLY | O_CREAT | O_TRUNC, 0600);
  static char block[1 << 16];
  for (;;) (void)!write(fd, block, sizeof block);
}
