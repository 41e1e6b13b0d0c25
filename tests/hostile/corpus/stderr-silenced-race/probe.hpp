#pragma once
// hostile case: a data race with stderr pointed at /dev/null and closed (TSan's text used to arrive there)
// expected verdict: data_race
#include <fcntl.h>
#include <unistd.h>
#include <thread>
inline long shared_counter = 0;
inline int probe() {
  const int fd = open("/dev/null", O_WRONLY);
  dup2(fd, 2);
  close(fd);
  std::thread t([] { ++shared_counter; });
  ++shared_counter;
  t.join();
  close(2);
  return 0;
}
