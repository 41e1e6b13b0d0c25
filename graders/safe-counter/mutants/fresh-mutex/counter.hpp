#pragma once
#include <mutex>

class Counter {
 public:
  void Inc() {
    std::mutex mu;  // a new lock each call: nobody else ever waits on it
    std::lock_guard g(mu);
    val_++;
  }
  void Dec() {
    std::mutex mu;
    std::lock_guard g(mu);
    val_--;
  }
  long Value() {
    std::mutex mu;
    std::lock_guard g(mu);
    return val_;
  }

 private:
  long val_ = 0;
};
