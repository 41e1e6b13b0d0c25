#pragma once
// The run's clock and timer queue (internal; gox/time.hpp is the public face).
//
// Times are nanoseconds on the run's monotonic clock: steady_clock under the
// real clock, a counter starting at 0 under virtual time. Timer callbacks run
// on a scheduler thread, outside any fiber, with the runtime's lock held: they
// must not block or add/stop timers other than through their own re-arming.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "gox/detail/race.hpp"

namespace gox::detail {

using nanos = std::int64_t;

struct timer_node {
#if defined(GOX_RACE)
  timer_node() = default;
  timer_node(const timer_node&) = delete;
  timer_node& operator=(const timer_node&) = delete;
  ~timer_node();
  // The TSan context the timer fires in: it acquires what each setter of
  // this timer released (Go: setting a timer happens before it fires), and
  // nothing of other timers.
  void* tsan_ctx = nullptr;
#endif
  nanos when = 0;
  nanos period = 0;  // > 0: re-armed after each firing (Ticker)
  std::uint64_t seq = 0;
  std::function<void()> fire;
  // 0 pending, 1 fired (one-shot) or being fired, 2 stopped
  std::atomic<int> state{0};
};
using timer_handle = std::shared_ptr<timer_node>;

/// Monotonic time of the calling fiber's run (steady clock outside a run).
nanos mono_now() noexcept;
/// Wall time in Unix nanoseconds: virtual time starts at 2000-01-01T00:00:00Z.
std::int64_t wall_now() noexcept;
/// True if the calling fiber's run uses virtual time.
bool virtual_clock() noexcept;

/// Arms a timer in the calling fiber's run. Throws gox::panic outside a run.
timer_handle add_timer(nanos when, nanos period, std::function<void()> fire);
/// time.AfterFunc: a timer whose firing runs `f` on a new fiber. Arming it
/// happens before `f` starts.
timer_handle add_func_timer(nanos when, std::function<void()> f);
/// Stops a pending timer; true if it had not fired yet (Go's Timer.Stop).
bool stop_timer(const timer_handle& t) noexcept;

}  // namespace gox::detail

namespace gox::detail {
/// Returns once no timer callback of the calling fiber's run is running.
void timer_barrier() noexcept;
}  // namespace gox::detail
