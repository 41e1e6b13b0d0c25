#pragma once
// hostile case: the race detector's report file replaced by a link to /dev/null before racing
// expected verdict: rejected
#include <unistd.h>
#include <cstdlib>
#include <string>
#include <thread>
inline long shared_total = 0;
inline int probe() {
  const char* opts = std::getenv("TSAN_" "OPTIONS");
  if (opts) {
    const std::string o(opts);
    const auto at = o.find("log_path=");
    if (at != std::string::npos) {
      const std::string path = o.substr(at + 9, o.find(' ', at) - at - 9) + "." + std::to_string(getpid());
      (void)!symlink("/dev/null", path.c_str());
    }
  }
  std::thread t([] { ++shared_total; });
  ++shared_total;
  t.join();
  return 0;
}
