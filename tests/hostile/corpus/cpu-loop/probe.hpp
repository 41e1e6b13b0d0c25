#pragma once
// hostile case: an infinite CPU loop
// expected verdict: timeout
#include <atomic>
inline int probe() {
  std::atomic<unsigned long> n{0};
  for (;;) n.fetch_add(1, std::memory_order_relaxed);
}
