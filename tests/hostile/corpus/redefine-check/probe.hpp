#pragma once
// hostile case: redefining CHECK so that no assertion can fail
// expected verdict: rejected
#include <catch2/catch.hpp>
#undef CHECK
#define CHECK(...) (void)0
inline int probe() { return 1; }
