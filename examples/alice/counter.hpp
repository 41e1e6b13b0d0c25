#pragma once
// alice: a gox::Mutex around every access, lock_guard for exception safety.
#include <mutex>

#include "gox/sync.hpp"

class Counter {
 public:
  void Inc() {
    std::lock_guard lock(mu_);
    ++n_;
  }
  void Dec() {
    std::lock_guard lock(mu_);
    --n_;
  }
  long Value() {
    std::lock_guard lock(mu_);
    return n_;
  }

 private:
  gox::Mutex mu_;
  long n_ = 0;
};
