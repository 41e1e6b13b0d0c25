#pragma once
// hostile case: inline assembly built by token pasting (no asm in the text)
// expected verdict: rejected
#define GLUE(a, b) a##b
inline int probe() {
  GLUE(as, m)("" ::: "memory");
  return 0;
}
