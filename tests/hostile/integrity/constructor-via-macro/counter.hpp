#pragma once
// A startup hook spelled through macros: gnu::constructor only after expansion.
#define HOOK gnu::constructor
#define RUN_FIRST [[HOOK]]
RUN_FIRST inline void first() {}
class Counter {
 public:
  void Inc() {}
  void Dec() {}
  long Value() { return 0; }
};
