#pragma once
// hostile case: a thread bomb
// expected verdict: crash
#include <chrono>
#include <thread>
#include <vector>
inline int probe() {
  std::vector<std::thread> ts;
  for (;;) ts.emplace_back([] { std::this_thread::sleep_for(std::chrono::hours(1)); });
}
