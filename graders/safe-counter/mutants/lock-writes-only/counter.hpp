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
    val_--;
    mu_.Unlock();
  }
  long Value() { return val_; }  // "reads are safe"

 private:
  gox::Mutex mu_;
  long val_ = 0;
};
