#pragma once
// Parking and waking fibers: the one mechanism every blocking gox call uses.
//
// A blocking call: (1) `prepare` a waiter under its own lock, (2) link it into
// its wait list, (3) release the lock, (4) `park`. A waker takes the waiter off
// the list under the same lock, releases the lock, and only then marks it
// `signaled` and wakes it: the woken fiber may destroy the object it waited on
// (a WaitGroup on its stack) the moment it runs, so wakers touch nothing of
// that object after unlocking. A wake that arrives before the sleeper has suspended is not
// lost: Boost.Fiber queues it (the sleeper's thread only runs its dispatcher
// after the sleeper has switched out), and each park uses a fresh
// epoch-stamped waker, so a stale wake is a no-op.
//
// `park` returns false when the run is being torn down (deadlock, leak, panic):
// the caller unlinks its waiter if it is still linked and calls `unwind()`.
// Works for fibers outside any run (plain threads): they just block.

#include <boost/fiber/context.hpp>
#include <atomic>
#include <cstdint>
#include <string>

#include "gox/detail/race.hpp"
#include "gox/source_location.hpp"

namespace gox::detail {

struct fiber_record;

struct waiter {
  boost::fibers::waker w{};
  fiber_record* rec = nullptr;
  std::atomic<bool> signaled{false};  // set by the waker just before wake()

  /// Marks the waiter signaled and wakes its fiber. The waiter may be gone as
  /// soon as `signaled` is visible, so the waker is copied first.
#if defined(GOX_RACE)
  // Out of line and uninstrumented: this flag must not order fibers for TSan.
  void signal() noexcept;
  bool is_signaled() const noexcept;
#else
  void signal() noexcept {
    const boost::fibers::waker wk = w;
    signaled.store(true, std::memory_order_release);
    wk.wake();
  }
  bool is_signaled() const noexcept { return signaled.load(std::memory_order_acquire); }
#endif
};

/// Binds `w` to the calling fiber; records what it waits on for dumps.
void prepare(waiter& w, const char* reason, source_location loc) noexcept;
/// Suspends until woken. False: the run is ending, unlink and unwind().
bool park(waiter& w) noexcept;
/// Ends the calling fiber (throws detail::fiber_unwind).
[[noreturn]] void unwind();
/// Park, then unwind if the run is ending (for waits with nothing to unlink).
void park_or_unwind(waiter& w);
/// At a point where a fiber resumes without parking (yield): unwind it if
/// the run's outcome is decided.
void stop_if_killed();

/// Race build: a fiber parking on a buffered channel lends its TSan context
/// to the fiber that will complete its operation, which then annotates on
/// its behalf (Go's raceacquireg/racereleaseg): the edge must exist when the
/// operation completes, not when the parked fiber next runs. From
/// `race_lend` (called with `held` spin locks held, before the sudog is
/// visible) until `race_reclaim` (after settling) the fiber runs on its
/// thread's scratch context, so no two threads ever use one TSan context.
/// `race_sync_for` acquires then releases `addr` as `w`'s fiber; false if
/// `w` lent nothing (a plain thread), and the caller must record the address
/// for the sleeper to annotate itself once awake.
#if defined(GOX_RACE)
void race_lend(int held) noexcept;
void race_reclaim() noexcept;
bool race_sync_for(waiter* w, const void* addr) noexcept;
#else
inline void race_lend(int) noexcept {}
inline void race_reclaim() noexcept {}
inline bool race_sync_for(waiter*, const void*) noexcept { return true; }
#endif

/// Random numbers for select and jitter: the run's seeded PRNG under the
/// deterministic scheduler, a per-thread one otherwise.
std::uint64_t fastrand() noexcept;
inline std::uint64_t fastrandn(std::uint64_t n) noexcept { return n ? fastrand() % n : 0; }

}  // namespace gox::detail
