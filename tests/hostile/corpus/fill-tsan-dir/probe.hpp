#pragma once
// hostile case: filling the race detector's (host) report folder with many files, each under the file size limit
// expected verdict: output_limit
#include <fcntl.h>
#include <unistd.h>
#include <cstdlib>
#include <string>
inline int probe() {
  const char* opts = std::getenv("TSAN_" "OPTIONS");
  if (!opts) return 0;
  const std::string o(opts);
  const auto at = o.find("log_path=");
  if (at == std::string::npos) return 0;
  const std::string path = o.substr(at + 9, o.find(' ', at) - at - 9);
  static char block[1 << 20];
  for (int i = 0;; ++i) {
    const int fd = open((path + ".fill" + std::to_string(i)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      (void)!write(fd, block, sizeof block);
      close(fd);
    }
  }
}
