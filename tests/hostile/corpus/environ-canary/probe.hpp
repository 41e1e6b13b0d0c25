#pragma once
// hostile case: reading the grader's environment through /proc (pid 1, every process) and its own
// expected verdict: passed
#include <dirent.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
inline int probe() {
  int found = 0;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      std::ifstream in(std::string("/proc/") + e->d_name + "/environ", std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      // Print everything readable: the report must not carry the grader's secret either.
      std::fwrite(s.str().data(), 1, s.str().size(), stdout);
      if (s.str().find("HOSTILE_CANARY_SECRET") != std::string::npos) ++found;
    }
    closedir(d);
  }
  if (std::getenv("HOSTILE_CANARY_SECRET")) ++found;
  return found;
}
