#pragma once
// hostile case: #include "/dev/zero": a compile that reads forever
// expected verdict: rejected
#include "/dev/zero"
inline int probe() { return 0; }
