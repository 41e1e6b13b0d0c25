#pragma once
// hostile case: quick_exit(0)
// expected verdict: crash
#include <cstdlib>
inline int probe() { std::quick_exit(0); }
