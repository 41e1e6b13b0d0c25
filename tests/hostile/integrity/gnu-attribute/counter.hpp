#pragma once
// Non-standard attributes, which change how code is compiled and linked:
// the scan lets __attribute__ through, the check on the AST does not.
class Counter {
 public:
  __attribute__((noinline)) void Inc() { ++v_; }
  [[gnu::weak]] void Dec();
  long Value() { return v_; }

 private:
  long v_ = 0;
};
inline void Counter::Dec() { --v_; }
