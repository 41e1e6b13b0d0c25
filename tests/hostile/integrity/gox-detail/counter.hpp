#pragma once
// Reaching into gox's internals (the scheduler's state).
#include "gox/runtime.hpp"
#include "gox/detail/spin_lock.hpp"
class Counter {
 public:
  void Inc() {
    lock_.lock();
    ++v_;
    lock_.unlock();
  }
  void Dec() {
    lock_.lock();
    --v_;
    lock_.unlock();
  }
  long Value() {
    lock_.lock();
    long v = v_;
    lock_.unlock();
    return v;
  }

 private:
  gox::detail::spin_lock lock_;
  long v_ = 0;
};
