#pragma once
// hostile case: locking a std::mutex it already holds (a thread blocked forever in the kernel)
// expected verdict: timeout
#include <mutex>
inline int probe() {
  static std::mutex m;
  m.lock();
  m.lock();
  return 0;
}
