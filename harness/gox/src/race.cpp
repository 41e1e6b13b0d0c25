// Race-build halves of the runtime's internal synchronisation: compiled
// without instrumentation so TSan never derives happens-before from them.
#include "gox/detail/race.hpp"

#if defined(GOX_RACE)

#include <thread>

#include "gox/detail/park.hpp"
#include "gox/detail/spin_lock.hpp"

namespace gox::detail {

GOX_NO_TSAN void spin_lock::lock() noexcept {
  spin_acquire(locked_);
  __tsan_ignore_thread_begin();
}

GOX_NO_TSAN bool spin_lock::try_lock() noexcept {
  if (locked_.load(std::memory_order_relaxed) || locked_.exchange(true, std::memory_order_acquire))
    return false;
  __tsan_ignore_thread_begin();
  return true;
}

GOX_NO_TSAN void spin_lock::unlock() noexcept {
  __tsan_ignore_thread_end();
  locked_.store(false, std::memory_order_release);
}

GOX_NO_TSAN void waiter::signal() noexcept {
  const boost::fibers::waker wk = w;
  signaled.store(true, std::memory_order_release);
  wk.wake();
}

GOX_NO_TSAN bool waiter::is_signaled() const noexcept {
  return signaled.load(std::memory_order_acquire);
}

}  // namespace gox::detail

#endif
