#pragma once
// hostile case: unbounded recursion
// expected verdict: crash
inline int down(volatile int n) {
  volatile char pad[512];
  pad[0] = static_cast<char>(n);
  return down(n + 1) + pad[0];
}
inline int probe() { return down(0); }
