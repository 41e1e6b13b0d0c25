#pragma once
// erin: ran out of time before compiling.
#include "gox/sync.hpp"

class Counter {
 public:
  void Inc() {
    mu_.Lock();
    value_++
    mu_.Unlock();
  }
  void Dec() {
    mu_.Lock();
    value_--;
    mu_.Unlock();
  }
  long Value() {
    mu_.Lock();
    long v = value_;
    mu_.Unlock();
    return v;
  }

 private:
  gox::Mutex mu_;
  long value_ = 0;
};
