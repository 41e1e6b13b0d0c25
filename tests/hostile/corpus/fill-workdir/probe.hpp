#pragma once
// hostile case: filling its working directory with 1 MiB files until a write fails (the host's disk must never see them)
// expected verdict: passed
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <string>
inline int probe() {
  static char block[1 << 20];
  for (int i = 0; i < 100000; ++i) {
    const int fd = open(("f" + std::to_string(i)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return errno == ENOSPC ? 0 : 1;
    const bool ok = write(fd, block, sizeof block) == static_cast<ssize_t>(sizeof block);
    const int err = errno;
    close(fd);
    if (!ok) return err == ENOSPC ? 0 : 2;
  }
  return 3;  // 100 GiB written: the working directory was the host's disk
}
