#pragma once
// hostile case: _exit(0)
// expected verdict: crash
#include <unistd.h>
inline int probe() { _exit(0); }
