// The follow-up's AtomicCounter is judged exactly as Counter is.
#include "hidden_judge.cpp"
