#pragma once
// Reference: state under one mutex, op run outside it; the caller that finds
// the cooldown over becomes the one probe.
#include <functional>
#include <mutex>

#include "gox/error.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

inline const gox::error ErrOpen = gox::errors::New("circuit breaker is open");

enum class State { Closed, Open, HalfOpen };

class Breaker {
 public:
  Breaker(int threshold, gox::time::Duration cooldown) : threshold_(threshold), cooldown_(cooldown) {}

  gox::error Call(const std::function<gox::error()>& op) {
    bool probe = false;
    {
      std::lock_guard g(mu_);
      if (state_ == State::HalfOpen) return ErrOpen;  // one probe at a time
      if (state_ == State::Open) {
        if (gox::time::Since(opened_at_) < cooldown_) return ErrOpen;
        state_ = State::HalfOpen;
        probe = true;
      }
    }
    gox::error err = op();  // never under the lock
    std::lock_guard g(mu_);
    if (probe) {
      if (err) {
        state_ = State::Open;
        opened_at_ = gox::time::Now();
      } else {
        state_ = State::Closed;
        failures_ = 0;
      }
    } else if (!err) {
      failures_ = 0;
    } else if (++failures_ >= threshold_ && state_ == State::Closed) {
      state_ = State::Open;
      opened_at_ = gox::time::Now();
    }
    return err;
  }

  State state() {
    std::lock_guard g(mu_);
    return state_;
  }

 private:
  gox::Mutex mu_;
  State state_ = State::Closed;
  int failures_ = 0;
  gox::time::Time opened_at_;
  const int threshold_;
  const gox::time::Duration cooldown_;
};
