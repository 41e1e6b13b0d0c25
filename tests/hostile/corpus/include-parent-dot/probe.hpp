#pragma once
// hostile case: including the reference solution through ./.. (and a macro-named include)
// expected verdict: rejected
#include "./../../../../reference/hostile-probe/probe.hpp"
