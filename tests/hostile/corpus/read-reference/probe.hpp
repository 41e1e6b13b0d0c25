#pragma once
// hostile case: reading the reference solution
// expected verdict: passed
#include <fstream>
inline int probe() {
  std::ifstream in("@SOURCE_ROOT@/tests/hostile/set/reference/hostile-probe/probe.hpp");
  return in.good() ? 1 : 0;
}
