#pragma once
// hostile case: a correct submission doing a little work
// expected verdict: passed
#include <string>
inline int probe() {
  std::string s;
  for (int i = 0; i < 1000; ++i) s += 'x';
  return s.size() == 1000 ? 0 : 1;
}
