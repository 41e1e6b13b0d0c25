#pragma once
// hostile case: an ordinary wrong answer, graded among the hostile ones
// expected verdict: failed
inline int probe() { return 42; }
