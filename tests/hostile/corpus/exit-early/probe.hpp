#pragma once
// hostile case: exit(0) before the tests finish
// expected verdict: timeout
#include <cstdlib>
inline int probe() { std::exit(0); }
