#include "gox/time.hpp"

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <thread>

#include "gox/detail/park.hpp"
#include "gox/panic.hpp"
#include "gox/runtime.hpp"

namespace gox::time {

using detail::nanos;

namespace {

void send_now(const chan<Time>& ch) {
  Time t(detail::wall_now());
  detail::chan_try_send(ch.impl(), &t);
}

detail::timer_handle arm(const chan<Time>& ch, Duration d, Duration period) {
  return detail::add_timer(detail::mono_now() + d.count(), period.count(),
                           [ch] { send_now(ch); });
}

}  // namespace

std::string Time::String() const {
  std::time_t secs = static_cast<std::time_t>(ns_ / 1000000000);
  long frac = static_cast<long>(ns_ % 1000000000);
  if (frac < 0) {
    frac += 1000000000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string s = buf;
  if (frac) {
    char f[16];
    std::snprintf(f, sizeof f, ".%09ld", frac);
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    s += fs;
  }
  return s + "Z";
}

Time Now() { return Time(detail::wall_now()); }
Duration Since(Time t) { return Now().Sub(t); }

std::string to_string(Duration d) {
  // Go's Duration.String, for the common ranges.
  std::int64_t n = d.count();
  if (n == 0) return "0s";
  std::string sign = n < 0 ? "-" : "";
  std::uint64_t u = n < 0 ? static_cast<std::uint64_t>(-n) : static_cast<std::uint64_t>(n);
  auto frac = [](std::uint64_t v, std::uint64_t unit) {
    std::string s = std::to_string(v / unit);
    std::uint64_t r = v % unit;
    if (r) {
      std::string f = std::to_string(r + unit).substr(1);
      while (f.back() == '0') f.pop_back();
      s += "." + f;
    }
    return s;
  };
  if (u < 1000) return sign + std::to_string(u) + "ns";
  if (u < 1000000) return sign + frac(u, 1000) + "µs";
  if (u < 1000000000) return sign + frac(u, 1000000) + "ms";
  std::uint64_t secs = u / 1000000000;
  std::uint64_t sub = u % 1000000000;
  std::string s = sign;
  if (secs >= 3600) s += std::to_string(secs / 3600) + "h";
  if (secs >= 60) s += std::to_string((secs / 60) % 60) + "m";
  s += frac((secs % 60) * 1000000000 + sub, 1000000000) + "s";
  return s;
}

void Sleep(Duration d, source_location loc) {
  if (d.count() <= 0) return;
  if (!in_run()) {
    std::this_thread::sleep_for(d);
    return;
  }
  detail::waiter w;
  detail::prepare(w, "sleep", loc);
  detail::waiter* wp = &w;
  auto h = detail::add_timer(detail::mono_now() + d.count(), 0, [wp] { wp->signal(); });
  if (!detail::park(w)) {
    if (!detail::stop_timer(h)) detail::timer_barrier();  // its callback holds &w
    detail::unwind();
  }
}

bool Timer::Stop() { return h_ && detail::stop_timer(*h_); }

bool Timer::Reset(Duration d) {
  const bool was_active = Stop();
  if (fn_) *h_ = detail::add_func_timer(detail::mono_now() + d.count(), *fn_);
  else *h_ = arm(ch_, d, Duration(0));
  return was_active;
}

Timer AfterFunc(Duration d, std::function<void()> f) {
  Timer t;
  t.fn_ = std::make_shared<std::function<void()>>(std::move(f));
  t.h_ = std::make_shared<detail::timer_handle>(
      detail::add_func_timer(detail::mono_now() + d.count(), *t.fn_));
  return t;
}

Timer NewTimer(Duration d) {
  Timer t;
  t.ch_ = make_chan<Time>(1);
  t.C = t.ch_;
  t.h_ = std::make_shared<detail::timer_handle>(arm(t.ch_, d, Duration(0)));
  return t;
}

recv_chan<Time> After(Duration d) { return NewTimer(d).C; }

void Ticker::Stop() {
  if (h_) detail::stop_timer(*h_);
}

void Ticker::Reset(Duration d) {
  if (d.count() <= 0) detail::throw_panic("non-positive interval for Ticker.Reset");
  Stop();
  *h_ = arm(ch_, d, d);
}

Ticker NewTicker(Duration d) {
  if (d.count() <= 0) detail::throw_panic("non-positive interval for NewTicker");
  Ticker t;
  t.ch_ = make_chan<Time>(1);
  t.C = t.ch_;
  t.h_ = std::make_shared<detail::timer_handle>(arm(t.ch_, d, d));
  return t;
}

}  // namespace gox::time
