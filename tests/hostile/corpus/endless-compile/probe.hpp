#pragma once
// hostile case: constant evaluation that never ends
// expected verdict: compile_error
constexpr unsigned long long spin() {
  unsigned long long n = 0;
  for (unsigned long long i = 0; i < (1ULL << 62); ++i) n += i ^ (n >> 3);
  return n;
}
inline int probe() {
  constexpr unsigned long long v = spin();
  return static_cast<int>(v & 0);
}
