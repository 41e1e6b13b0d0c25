#pragma once
// hostile case: __tsan_default_suppressions hiding every race
// expected verdict: rejected
extern "C" const char* __tsan_default_suppressions() { return "race:*\n"; }
inline int probe() { return 0; }
