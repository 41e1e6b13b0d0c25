#pragma once
// hostile case: a daemon (double fork, new session) meant to outlive the grade and write later
// expected verdict: passed
#include <fcntl.h>
#include <unistd.h>
inline int probe() {
  if (fork() == 0) {
    setsid();
    if (fork() == 0) {
      for (int i = 0; i < 120; ++i) {
        sleep(1);
        const int fd = open("@CANARY_DIR@/daemon-was-here", O_WRONLY | O_CREAT, 0644);
        if (fd >= 0) close(fd);
      }
      _exit(0);
    }
    _exit(0);
  }
  return 0;
}
