#pragma once
// hostile case: a forged race report whose frames name the grader's files (to have them quoted as excerpts)
// expected verdict: data_race
#include <cstdio>
#include <string>
inline int probe() {
  const std::string here = __FILE__;
  const std::string dir = here.substr(0, here.rfind('/'));
  const std::string targets[] = {"@CANARY_DIR@/canary.txt", dir + "/./../../../../../../../../@CANARY_DIR@/canary.txt",
                                 dir + "/../../../../../../../../../etc/passwd", "/etc/passwd"};
  std::printf("==================\nWARNING: ThreadSanitizer: data race (pid=1)\n");
  bool previous = false;
  for (const auto& t : targets) {
    std::printf("  %s of size 8 at 0x7b0400000000 by thread T1:\n    #0 probe() %s:1:1 (suite+0x1234)\n\n",
                previous ? "Previous write" : "Write", t.c_str());
    previous = true;
  }
  std::printf("SUMMARY: ThreadSanitizer: data race\n==================\n");
  std::fflush(stdout);
  return 0;
}
