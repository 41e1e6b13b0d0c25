#pragma once
// spin_lock: the runtime's internal lock for channel, mutex and wait-group state.
//
// Critical sections are a few dozen instructions and never block, so a
// test-and-test-and-set lock with a yield fallback beats a futex.
//
// Race build: TSan must see only the happens-before edges gox annotates, never
// the runtime's own locking (it would order unrelated fibers that merely used
// the same channel). So the methods are out of line and uninstrumented, and
// while the lock is held the holder's memory accesses are not recorded: the
// runtime state it guards is not the program's data.
//
// Exploration build: out of line as well, and counted per thread, so that a
// scheduling point in the program's code (a destructor run by a channel
// operation, say) never switches fibers while a runtime lock is held.

#include <atomic>
#include <thread>

#include "gox/detail/race.hpp"

namespace gox::detail {

/// Test-and-test-and-set acquisition of `locked`, yielding the thread after
/// a short spin.
inline void spin_acquire(std::atomic<bool>& locked) noexcept {
  for (;;) {
    if (!locked.exchange(true, std::memory_order_acquire)) return;
    int spins = 0;
    while (locked.load(std::memory_order_relaxed)) {
      if (++spins > 64) {
        std::this_thread::yield();
        spins = 0;
      }
    }
  }
}

class spin_lock {
 public:
#if defined(GOX_RACE) || defined(GOX_EXPLORE)
  void lock() noexcept;
  bool try_lock() noexcept;
  void unlock() noexcept;
#else
  void lock() noexcept { spin_acquire(locked_); }
  bool try_lock() noexcept {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }
#endif

 private:
  std::atomic<bool> locked_{false};
};

/// RAII guard that can be released early (before parking).
class spin_guard {
 public:
  explicit spin_guard(spin_lock& l) noexcept : l_(&l) { l_->lock(); }
  spin_guard(const spin_guard&) = delete;
  spin_guard& operator=(const spin_guard&) = delete;
  ~spin_guard() {
    if (l_) l_->unlock();
  }
  void unlock() noexcept {
    l_->unlock();
    l_ = nullptr;
  }

 private:
  spin_lock* l_;
};

}  // namespace gox::detail
