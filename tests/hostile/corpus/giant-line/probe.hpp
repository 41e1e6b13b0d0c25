#pragma once
// hostile case: a null directive padded by 50,000 spaces (a backtracking scanner overflows its stack)
// expected verdict: passed
@GIANT_LINE@
inline int probe() { return 0; }
