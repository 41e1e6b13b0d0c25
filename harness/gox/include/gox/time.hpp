#pragma once
/// gox::time: Go's time package on the run's clock.
///
/// Under the real clock these behave as Go's. Under virtual time (see
/// runtime.hpp) Now() starts at 2000-01-01T00:00:00Z and only moves when every
/// fiber is blocked, jumping straight to the next timer: Sleep(time::Hour)
/// returns in microseconds of wall time, and Now() reports exact instants.
///
/// Timer and Ticker channels have capacity 1 and a send that would block is
/// dropped (as Go's). Blocking calls park the fiber. Sleep outside a run
/// sleeps the thread; timers outside a run throw gox::panic.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gox/chan.hpp"
#include "gox/detail/timer.hpp"
#include "gox/source_location.hpp"

namespace gox::time {

using Duration = std::chrono::nanoseconds;
inline constexpr Duration Nanosecond{1};
inline constexpr Duration Microsecond{1000};
inline constexpr Duration Millisecond{1000000};
inline constexpr Duration Second{1000000000};
inline constexpr Duration Minute = 60 * Second;
inline constexpr Duration Hour = 60 * Minute;

/// An instant, as Unix nanoseconds on the run's clock.
class Time {
 public:
  Time() = default;
  explicit Time(std::int64_t unix_nanos) : ns_(unix_nanos) {}
  std::int64_t UnixNano() const noexcept { return ns_; }
  Duration Sub(Time u) const noexcept { return Duration(ns_ - u.ns_); }
  Time Add(Duration d) const noexcept { return Time(ns_ + d.count()); }
  bool Before(Time u) const noexcept { return ns_ < u.ns_; }
  bool After(Time u) const noexcept { return ns_ > u.ns_; }
  bool Equal(Time u) const noexcept { return ns_ == u.ns_; }
  bool IsZero() const noexcept { return ns_ == 0; }
  /// RFC 3339 in UTC with nanoseconds trimmed, e.g. "2000-01-01T00:00:03Z".
  std::string String() const;
  friend auto operator<=>(const Time&, const Time&) = default;

 private:
  std::int64_t ns_ = 0;
};

Time Now();
Duration Since(Time t);
/// "1.5s", "300ms", "2h0m0s" (Go's Duration.String).
std::string to_string(Duration d);

/// Pauses the calling fiber for at least d (returns at once for d <= 0).
void Sleep(Duration d, source_location loc = source_location::current());

/// A single-shot timer. Copies share the timer.
class Timer {
 public:
  recv_chan<Time> C;  ///< nil (never ready) for a timer made by AfterFunc
  /// Prevents the timer from firing; false if it had already fired or stopped.
  bool Stop();
  /// Re-arms the timer to fire after d; returns whether it had been active.
  bool Reset(Duration d);

 private:
  friend Timer NewTimer(Duration d);
  friend Timer AfterFunc(Duration d, std::function<void()> f);
  chan<Time> ch_;
  std::shared_ptr<detail::timer_handle> h_;
  std::shared_ptr<std::function<void()>> fn_;  // AfterFunc's
};
Timer NewTimer(Duration d);
/// time.AfterFunc(d, f): after d, runs f on its own fiber (named
/// "time.AfterFunc"). Stop before then and f never runs. Arming the timer
/// (AfterFunc, Reset) happens before f starts. A pending AfterFunc keeps no
/// run alive and is no leak, as in Go.
Timer AfterFunc(Duration d, std::function<void()> f);
/// time.After(d): NewTimer(d).C
recv_chan<Time> After(Duration d);

/// Delivers the time on C every period until stopped. Slow receivers miss
/// ticks (the channel holds one).
class Ticker {
 public:
  recv_chan<Time> C;
  void Stop();
  void Reset(Duration d);

 private:
  friend Ticker NewTicker(Duration d);
  chan<Time> ch_;
  std::shared_ptr<detail::timer_handle> h_;
};
/// Panics for d <= 0, as Go does.
Ticker NewTicker(Duration d);

}  // namespace gox::time
