#pragma once
// Safe counter: see README.md. Every member may be called concurrently.
#include "gox/sync.hpp"

class Counter {
 public:
  void Inc() {
    // TODO
  }
  void Dec() {
    // TODO
  }
  long Value() {
    return 0;  // TODO
  }
};
