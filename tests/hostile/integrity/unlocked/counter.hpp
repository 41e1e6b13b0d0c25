#pragma once
// An honest answer with a data race: graded as one, among the hostile ones.
class Counter {
 public:
  void Inc() { ++v_; }
  void Dec() { --v_; }
  long Value() { return v_; }

 private:
  long v_ = 0;
};
