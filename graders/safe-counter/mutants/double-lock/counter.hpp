#pragma once
#include "gox/sync.hpp"

class Counter {
 public:
  void Inc() {
    mu_.Lock();
    val_++;
    mu_.Unlock();
  }
  void Dec() {
    mu_.Lock();
    val_ = Value() - 1;  // Value locks mu_ again
    mu_.Unlock();
  }
  long Value() {
    mu_.Lock();
    long v = val_;
    mu_.Unlock();
    return v;
  }

 private:
  gox::Mutex mu_;
  long val_ = 0;
};
