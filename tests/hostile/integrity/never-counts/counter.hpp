#pragma once
// A Counter that never counts: the honest grade the forging cases start from.
class Counter {
 public:
  void Inc() {}
  void Dec() {}
  long Value() { return 0; }
};
