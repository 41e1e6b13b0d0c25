#pragma once
// carol: Dec reuses Value() to log underflow, while holding the lock.
#include <mutex>

#include "gox/sync.hpp"

class Counter {
 public:
  void Inc() {
    std::lock_guard g(mu_);
    v_++;
  }
  void Dec() {
    std::lock_guard g(mu_);
    if (Value() <= 0) underflows_++;
    v_--;
  }
  long Value() {
    std::lock_guard g(mu_);
    return v_;
  }

 private:
  gox::Mutex mu_;
  long v_ = 0;
  long underflows_ = 0;
};
