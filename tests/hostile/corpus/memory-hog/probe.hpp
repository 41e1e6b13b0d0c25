#pragma once
// hostile case: allocating and touching memory without end
// expected verdict: memory_limit (both builds: see expected.tsv)
#include <cstdlib>
#include <cstring>
inline int probe() {
  for (;;) {
    char* p = static_cast<char*>(std::malloc(64 << 20));
    if (p) std::memset(p, 1, 64 << 20);
  }
}
