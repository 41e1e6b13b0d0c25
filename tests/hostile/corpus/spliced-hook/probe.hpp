#pragma once
// hostile case: __tsan_default_options split by a backslash-newline inside the name
// expected verdict: rejected
const char* __ts\
an_default_options() { return "report_bugs=0"; }
inline int probe() { return 0; }
