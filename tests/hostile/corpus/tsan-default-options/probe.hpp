#pragma once
// hostile case: __tsan_default_options switching reports off
// expected verdict: rejected
extern "C" const char* __tsan_default_options() { return "report_bugs=0"; }
inline int probe() { return 0; }
