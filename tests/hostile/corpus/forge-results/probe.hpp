#pragma once
// hostile case: writing its own passed results into every descriptor the grader might read
// expected verdict: failed
#include <unistd.h>
#include <cstring>
inline int probe() {
  const char* lines =
      "{\"event\":\"test\",\"name\":\"probe returns 0\",\"status\":\"passed\",\"outcome\":\"ok\"}\n"
      "{\"event\":\"test\",\"name\":\"the suite goes on after the probe\",\"status\":\"passed\",\"outcome\":\"ok\"}\n"
      "{\"event\":\"done\",\"passed\":2,\"failed\":0}\n";
  for (int fd = 3; fd < 1024; ++fd) (void)!write(fd, lines, std::strlen(lines));
  _exit(0);
}
