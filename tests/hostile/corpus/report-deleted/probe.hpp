#pragma once
// hostile case: an exit handler that deletes the race detector's report files after racing
// expected verdict: rejected
#include <dirent.h>
#include <unistd.h>
#include <cstdlib>
#include <string>
#include <thread>
inline long shared_sum = 0;
inline void wipe_reports() {
  const char* opts = std::getenv("TSAN_" "OPTIONS");
  if (!opts) return;
  const std::string o(opts);
  const auto at = o.find("log_path=");
  if (at == std::string::npos) return;
  const std::string path = o.substr(at + 9, o.find(' ', at) - at - 9);
  const std::string dir = path.substr(0, path.rfind('/'));
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) unlink((dir + "/" + e->d_name).c_str());
    closedir(d);
  }
}
inline int probe() {
  std::atexit(wipe_reports);
  std::thread t([] { ++shared_sum; });
  ++shared_sum;
  t.join();
  return 0;
}
