#pragma once
// Catch2's own header, to reach its internals.
#include <catch2/catch.hpp>
class Counter {
 public:
  void Inc() {}
  void Dec() {}
  long Value() { return 0; }
};
