#pragma once
/// gox sync: Go's sync package (Mutex, RWMutex, WaitGroup, Once) and
/// sync/atomic, fiber-aware.
///
/// Blocking parks the calling fiber, never its thread, so a fiber waiting on a
/// Mutex lets the other fibers of its thread run. Every type here is safe for
/// concurrent use by fibers on any scheduler thread and by plain threads. None
/// is copyable or movable (as in Go, where copying a lock is a bug).
///
/// Memory order (race build, as Go's race detector models it): Unlock
/// happens before the next Lock returns; RUnlock before the next Lock; Unlock
/// before the next RLock; Done (and Add with a negative delta) before Wait
/// returns; the function passed to Once.Do before any Do returns. One
/// departure, on the side of Go's memory model: Unlock merges into the
/// Mutex's clock where Go's detector overwrites it, so an Unlock by a fiber
/// that never synchronised with the previous holder keeps every earlier
/// Unlock ordered before the next Lock (tests/race/departure/).
///
/// Names: Go's (Lock, Unlock, ...) and the C++ Lockable ones (lock, unlock,
/// try_lock), so std::lock_guard / std::unique_lock work.

#include <atomic>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "gox/detail/chan_core.hpp"
#include "gox/source_location.hpp"

namespace gox {

/// sync.Mutex: not reentrant; Unlock of an unlocked Mutex panics. A Mutex may
/// be unlocked by a different fiber than the one that locked it (as in Go).
/// Like Go's, it has two modes. Normally Unlock frees the lock and wakes one
/// waiter, which competes for it with fibers arriving meanwhile (a running
/// fiber usually wins: no hand-over per Lock under contention, no convoy of
/// context switches). A waiter that lost the race goes back to the front of
/// the queue; once one has lost kStarveAfter times the Mutex starves: the
/// next Unlock hands it the lock directly and newcomers queue behind. Go
/// counts 1 ms of waiting; a count keeps the deterministic scheduler
/// deterministic.
class Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock(source_location loc = source_location::current());
  bool TryLock();
  void Unlock(source_location loc = source_location::current());

  void lock(source_location loc = source_location::current()) { Lock(loc); }
  bool try_lock() { return TryLock(); }
  void unlock() { Unlock(source_location{}); }  // called by std::lock_guard & co: no useful line

  static constexpr int kStarveAfter = 4;

 private:
  detail::spin_lock mu_;
  bool locked_ = false;
  bool woken_ = false;     // a woken waiter has not retried yet: wake no other
  bool starving_ = false;  // hand the lock over, no barging
  detail::waitq q_;
};

/// sync.RWMutex: many readers or one writer. A blocked Lock call excludes new
/// readers (writers do not starve). RUnlock/Unlock without the matching lock
/// panic.
class RWMutex {
 public:
  RWMutex() = default;
  RWMutex(const RWMutex&) = delete;
  RWMutex& operator=(const RWMutex&) = delete;

  void Lock(source_location loc = source_location::current());
  void Unlock(source_location loc = source_location::current());
  void RLock(source_location loc = source_location::current());
  void RUnlock(source_location loc = source_location::current());

  void lock(source_location loc = source_location::current()) { Lock(loc); }
  void unlock() { Unlock(source_location{}); }
  void lock_shared(source_location loc = source_location::current()) { RLock(loc); }
  void unlock_shared() { RUnlock(source_location{}); }

 private:
  detail::spin_lock mu_;
  bool writer_ = false;
  long readers_ = 0;
  detail::waitq readq_;
  detail::waitq writeq_;
  char reader_sem_ = 0;  // race addresses, as Go's readerSem / writerSem
  char writer_sem_ = 0;
};

/// sync.WaitGroup: Add(n) before starting work, Done() when each piece ends,
/// Wait() blocks until the counter is zero. A negative counter panics
/// ("sync: negative WaitGroup counter").
class WaitGroup {
 public:
  WaitGroup() = default;
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  void Add(long delta, source_location loc = source_location::current());
  void Done(source_location loc = source_location::current()) { Add(-1, loc); }
  void Wait(source_location loc = source_location::current());

 private:
  detail::spin_lock mu_;
  long counter_ = 0;
  detail::waitq q_;
  // Race build: an Add that raises the counter from zero reads this word, a
  // Wait that blocks writes it, so an Add not ordered before Wait (the Add
  // inside the goroutine) is reported even when the schedule hid it.
  std::uint64_t race_sema_ = 0;
};

/// sync.Once: Do(f) calls f exactly once across all callers; every Do returns
/// after that call has returned (or thrown: Once counts it as done, as Go does
/// for a panicking f).
class Once {
 public:
  template <class F>
  void Do(F&& f, source_location loc = source_location::current()) {
    if (done_.load(std::memory_order_acquire)) return;
    m_.Lock(loc);
    struct finish {
      Once* o;
      ~finish() {
        o->done_.store(true, std::memory_order_release);
        o->m_.Unlock();
      }
    } fin{this};
    if (!done_.load(std::memory_order_relaxed)) std::forward<F>(f)();
  }

 private:
  std::atomic<bool> done_{false};
  Mutex m_;
};

/// sync/atomic, Go's names over std::atomic (sequentially consistent, as
/// Go's atomics are).
template <class T>
class atomic {
  static_assert(std::is_integral_v<T> || std::is_pointer_v<T> || std::is_same_v<T, bool>);

 public:
  atomic() = default;
  explicit atomic(T v) : v_(v) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T Load() const { return v_.load(); }
  void Store(T v) { v_.store(v); }
  T Swap(T v) { return v_.exchange(v); }
  bool CompareAndSwap(T old_v, T new_v) { return v_.compare_exchange_strong(old_v, new_v); }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> && !std::is_same_v<U, bool>>>
  T Add(T delta) {
    return v_.fetch_add(delta) + delta;
  }

 private:
  std::atomic<T> v_{};
};

using AtomicInt32 = atomic<std::int32_t>;
using AtomicInt64 = atomic<std::int64_t>;
using AtomicUint32 = atomic<std::uint32_t>;
using AtomicUint64 = atomic<std::uint64_t>;
using AtomicBool = atomic<bool>;

}  // namespace gox
