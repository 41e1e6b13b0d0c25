#pragma once
// Forged records written through a macro that hides write() from the text.
#include <unistd.h>
#include <cstring>
#define OUT write
class Counter {
 public:
  void Inc() {}
  void Dec() {}
  long Value() {
    const char* line = "{\"event\":\"obs\",\"test\":\"x\",\"key\":\"y\",\"value\":0}\n";
    for (int fd = 3; fd < 64; ++fd) (void)!OUT(fd, line, std::strlen(line));
    return 0;
  }
};
