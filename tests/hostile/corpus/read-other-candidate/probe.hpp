#pragma once
// hostile case: reading another candidate's submission
// expected verdict: passed
#include <fstream>
inline int probe() {
  std::ifstream in("@CORPUS@/good-zero/probe.hpp");
  return in.good() ? 1 : 0;
}
