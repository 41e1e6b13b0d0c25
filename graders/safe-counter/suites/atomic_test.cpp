// The follow-up's AtomicCounter (atomic_counter.hpp), graded exactly as
// Counter is: the same hidden tests, compiled against the other class.
#define GOGRADE_ATOMIC_VARIANT 1
#include "hidden_test.cpp"
