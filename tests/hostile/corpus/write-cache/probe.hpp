#pragma once
// hostile case: overwriting the suite's own executable, the runtime and the build cache (all read-only)
// expected verdict: passed
#include <fcntl.h>
#include <unistd.h>
#include <climits>
#include <string>
inline int probe() {
  int could = 0;
  char self[PATH_MAX] = {};
  if (readlink("/proc/self/exe", self, sizeof self - 1) > 0) {
    const std::string exe(self);
    const std::string dir = exe.substr(0, exe.rfind('/'));
    for (const std::string& p : {exe, dir + "/planted", dir + "/../planted"}) {
      const int fd = open(p.c_str(), O_WRONLY | O_CREAT, 0755);
      if (fd >= 0) {
        ++could;
        close(fd);
      }
    }
  }
  return could;
}
