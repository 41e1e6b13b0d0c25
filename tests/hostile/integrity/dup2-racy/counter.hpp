#pragma once
// A racy counter that points stderr at /dev/null first.
#include <fcntl.h>
#include <unistd.h>
class Counter {
 public:
  Counter() {
    const int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
  }
  void Inc() { ++v_; }
  void Dec() { --v_; }
  long Value() { return v_; }

 private:
  long v_ = 0;
};
