#pragma once
// Shared by the exploration build's two halves: explore.cpp (ThreadSanitizer's
// entry points as scheduling points) and explore_os.cpp (OS threads, locks,
// condition variables and sleeps as the deterministic scheduler's own).
// Built only with GOX_EXPLORE.

#if defined(GOX_EXPLORE)

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace gox::detail {

struct fiber_record;

/// The calling fiber when OS threads, locks and sleeps act as the
/// deterministic scheduler's fibers, locks and timers: a fiber of a run on the
/// deterministic scheduler with exploration on, holding none of the runtime's
/// spin locks. Null anywhere else (plain threads, the parallel scheduler,
/// before and after a run, inside the runtime).
fiber_record* explore_fiber() noexcept;

/// True while the calling fiber's run is being torn down.
bool explore_run_ending() noexcept;

/// An OS lock (or a static's initialisation guard) taken by this thread
/// outside the scheduler's view: no switch is offered until it is released
/// (another fiber of the thread waiting on it would block the thread itself).
void os_lock_taken(int rc) noexcept;
void os_lock_released() noexcept;

/// The C library's definition of `name` (RTLD_NEXT: the one after this
/// executable's, which replaces it), found once.
template <class Fn>
Fn next_definition(std::atomic<Fn>& cache, const char* name) noexcept {
  Fn f = cache.load(std::memory_order_acquire);
  if (!f) {
    f = reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
    if (!f) {
      static const char msg[] = "gox: explore build: a C library function it replaces was not found\n";
      (void)!::write(2, msg, sizeof msg - 1);
      std::abort();
    }
    cache.store(f, std::memory_order_release);
  }
  return f;
}

}  // namespace gox::detail

#endif  // GOX_EXPLORE
