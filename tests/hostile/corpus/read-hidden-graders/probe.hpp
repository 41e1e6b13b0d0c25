#pragma once
// hostile case: reading the hidden graders and another exercise's reference
// expected verdict: passed
#include <fstream>
inline int probe() {
  int seen = 0;
  for (const char* p : {"@SOURCE_ROOT@/tests/hostile/set/graders/hostile-probe/rubric.toml",
                        "@SOURCE_ROOT@/graders/safe-counter/suites/hidden_test.cpp",
                        "@SOURCE_ROOT@/reference/safe-counter/counter.hpp"}) {
    std::ifstream in(p);
    seen += in.good();
  }
  return seen;
}
