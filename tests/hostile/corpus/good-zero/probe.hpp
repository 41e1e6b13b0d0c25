#pragma once
// hostile case: a correct submission, graded among the hostile ones
// expected verdict: passed
inline int probe() { return 0; }
