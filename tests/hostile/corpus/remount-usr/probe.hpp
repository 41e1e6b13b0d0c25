#pragma once
// hostile case: remounting /usr writable (MS_REMOUNT|MS_BIND), then writing into it
// expected verdict: passed
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>
inline int probe() {
  int could = 0;
  if (mount(nullptr, "/usr", nullptr, MS_REMOUNT | MS_BIND, nullptr) == 0) ++could;
  if (mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND, nullptr) == 0) ++could;
  const int fd = open("/usr/gograde-escaped", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    ++could;
    close(fd);
  }
  return could;
}
