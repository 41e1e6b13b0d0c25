#pragma once
// hostile case: flooding stdout
// expected verdict: output_limit
#include <cstdio>
inline int probe() {
  for (;;) std::fputs("flood flood flood flood flood flood flood flood flood flood\n", stdout);
}
