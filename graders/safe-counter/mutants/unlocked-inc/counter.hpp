#pragma once
#include <mutex>

#include "gox/sync.hpp"

class Counter {
 public:
  void Inc() { val_++; }
  void Dec() {
    std::lock_guard g(mu_);
    val_--;
  }
  long Value() {
    std::lock_guard g(mu_);
    return val_;
  }

 private:
  gox::Mutex mu_;
  long val_ = 0;
};
