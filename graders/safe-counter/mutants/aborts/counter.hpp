#pragma once
#include <cstdlib>

#include "gox/sync.hpp"

class Counter {
 public:
  void Inc() {
    mu_.Lock();
    val_++;
    const bool big = val_ > 1000;
    mu_.Unlock();
    if (big) std::abort();  // "cannot happen"
  }
  void Dec() {
    mu_.Lock();
    val_--;
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
