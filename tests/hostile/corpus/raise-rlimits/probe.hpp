#pragma once
// hostile case: raising its own limits, then writing a huge file
// expected verdict: output_limit
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
inline int probe() {
  const rlimit inf{RLIM_INFINITY, RLIM_INFINITY};
  setrlimit(RLIMIT_FSIZE, &inf);
  setrlimit(RLIMIT_CPU, &inf);
  setrlimit(RLIMIT_NOFILE, &inf);
  const int fd = open("big", O_WRONLY | O_CREAT | O_TRUNC, 0600);
  static char block[1 << 16];
  for (;;) (void)!write(fd, block, sizeof block);
}
