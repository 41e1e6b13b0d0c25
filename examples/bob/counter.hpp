#pragma once
// bob: "a read of a long is atomic on x86, so Value needs no lock".
#include "gox/sync.hpp"

class Counter {
 public:
  void Inc() {
    mu.Lock();
    count += 1;
    mu.Unlock();
  }
  void Dec() {
    mu.Lock();
    count -= 1;
    mu.Unlock();
  }
  long Value() {
    return count;
  }

 private:
  gox::Mutex mu;
  long count = 0;
};
