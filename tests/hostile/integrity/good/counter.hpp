#pragma once
// Reference: the Go original, line for line.
#include <mutex>

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
  long Value() {
    std::lock_guard lock(mu_);  // defer c.mu.Unlock()
    return val_;
  }

 private:
  gox::Mutex mu_;
  long val_ = 0;
};
