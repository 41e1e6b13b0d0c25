#pragma once
// hostile case: writing outside its work dir: the source tree, the cache, HOME, /etc (all must fail)
// expected verdict: passed
#include <fcntl.h>
#include <unistd.h>
#include <cstdlib>
#include <string>
inline int probe() {
  int escaped = 0;
  const std::string targets[] = {std::string("@SOURCE_ROOT@/escaped-write"), "/etc/gograde-escaped",
                                 "/usr/gograde-escaped", "/root/gograde-escaped",
                                 std::string("@CANARY_DIR@/escaped-write")};
  for (const auto& t : targets) {
    const int fd = open(t.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ++escaped;
      close(fd);
    }
  }
  return escaped;
}
