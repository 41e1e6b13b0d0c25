#pragma once
// hostile case: sleeping forever on a plain thread sleep
// expected verdict: timeout
#include <chrono>
#include <thread>
inline int probe() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}
