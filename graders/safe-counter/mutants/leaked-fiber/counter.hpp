#pragma once
#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

class Counter {
 public:
  Counter() {
    // "A flusher for later": waits for a value nobody ever sends.
    auto ch = flush_;
    gox::go([ch] { (void)ch.recv(); }, "flusher");
  }
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
    mu_.Lock();
    long v = val_;
    mu_.Unlock();
    return v;
  }

 private:
  gox::Mutex mu_;
  long val_ = 0;
  gox::chan<int> flush_ = gox::make_chan<int>(0);
};
