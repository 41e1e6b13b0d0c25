// Exploration build: scheduling points between the program's own memory
// operations, with no change to its source.
//
// The deterministic scheduler switches fibers only inside gox calls, so a bug
// that lives between two atomic operations (`v.store(v.load() + 1)`) or two
// plain accesses of fibers that never block cannot show there. Compiling the
// program with ThreadSanitizer's instrumentation (-fsanitize=thread, clang or
// g++) turns each of those operations into a call (`__tsan_atomic64_load`,
// `__tsan_read8`, ...). An exploration binary links this file instead of
// TSan's runtime: each atomic entry point first offers the scheduler a switch,
// then performs the operation itself; each plain-access entry point only
// offers the switch (the instrumented code does the access). Which fiber runs
// next is the deterministic scheduler's seeded choice, so a seed replays the
// same interleaving exactly.
//
// A switch is offered only in a program fiber of a run on the deterministic
// scheduler with config::explore set, never while this thread holds one of
// the runtime's spin locks, an OS lock taken outside the run's view, or a
// function-local static's initialisation guard, nor in a run being torn
// down. (OS threads, locks and sleeps inside the run are its own: see
// explore_os.cpp.) Anywhere else
// (plain threads, the parallel scheduler, before and after a run) the entry
// points only do the operation, sequentially consistent whatever order was
// asked (stronger than asked, so always correct).
//
// Built only with GOX_EXPLORE (the exploration flavour of gox); never linked
// together with TSan's runtime, which defines the same symbols.

#if defined(GOX_EXPLORE)

#include <boost/fiber/operations.hpp>

#include <atomic>
#include <cstdlib>
#include <cstddef>
#include <cstdint>

#include "explore.hpp"
#include "gox/detail/spin_lock.hpp"
#include "runtime_state.hpp"

namespace gox::detail {

namespace {
thread_local int spin_locks_held = 0;
// OS locks taken outside the scheduler's view (see os_lock_taken), and
// function-local statics being initialised, by this thread. A fiber switched
// out while holding one, and another fiber of the thread taking it, would
// block the thread itself: the whole run would hang. So no switch is offered
// while any is held.
thread_local int os_locks_held = 0;

void offer_switch(bool plain_access) noexcept {
  if (spin_locks_held != 0 || os_locks_held != 0) return;
  // Only a run's own scheduler thread, where Boost's context of the running
  // fiber is live (at exit, static destructors run instrumented code too).
  runtime_state* rt = thread_runtime();
  if (!rt || rt->cfg.sched != sched_kind::deterministic) return;
  const explore_kind k = rt->cfg.explore;
  if (k == explore_kind::off || (plain_access && k != explore_kind::accesses)) return;
  if (rt->killing.load(std::memory_order_relaxed)) return;
  fiber_record* rec = current_record();
  if (!rec || rec->immune) return;
  yield_point(false);
}
}  // namespace

void spin_lock::lock() noexcept {
  spin_acquire(locked_);
  ++spin_locks_held;
}

bool spin_lock::try_lock() noexcept {
  if (locked_.load(std::memory_order_relaxed) || locked_.exchange(true, std::memory_order_acquire))
    return false;
  ++spin_locks_held;
  return true;
}

void spin_lock::unlock() noexcept {
  --spin_locks_held;
  locked_.store(false, std::memory_order_release);
}

void os_lock_taken(int rc) noexcept {
  if (rc == 0) ++os_locks_held;
}
void os_lock_released() noexcept {
  if (os_locks_held > 0) --os_locks_held;  // (an unlock by a thread that did not lock)
}

fiber_record* explore_fiber() noexcept {
  if (spin_locks_held != 0) return nullptr;
  runtime_state* rt = thread_runtime();
  if (!rt || rt->cfg.sched != sched_kind::deterministic || rt->cfg.explore == explore_kind::off) return nullptr;
  fiber_record* rec = current_record();
  return rec && !rec->system ? rec : nullptr;
}

bool explore_run_ending() noexcept {
  runtime_state* rt = thread_runtime();
  return rt && rt->killing.load(std::memory_order_relaxed);
}

}  // namespace gox::detail

using gox::detail::offer_switch;

extern "C" {
// A function-local static's initialisation holds its guard (another fiber
// reaching it meanwhile would wait on the thread's futex forever): counted
// like an OS lock from acquire (when it returns 1: this caller initialises)
// to release or abort.
int __cxa_guard_acquire(std::int64_t* g) {
  using fn = int (*)(std::int64_t*);
  static std::atomic<fn> real{nullptr};
  const int first = gox::detail::next_definition(real, "__cxa_guard_acquire")(g);
  if (first) gox::detail::os_lock_taken(0);
  return first;
}
#define GOX_EXPLORE_GUARD_END(name)                              \
  void name(std::int64_t* g) {                                   \
    using fn = void (*)(std::int64_t*);                          \
    static std::atomic<fn> real{nullptr};                        \
    gox::detail::next_definition(real, #name)(g);                \
    gox::detail::os_lock_released();                             \
  }
GOX_EXPLORE_GUARD_END(__cxa_guard_release)
GOX_EXPLORE_GUARD_END(__cxa_guard_abort)
#undef GOX_EXPLORE_GUARD_END
}  // extern "C"

// The entry points ThreadSanitizer's instrumentation calls (the ABI of
// compiler-rt's tsan_interface.h and tsan_interface_atomic.h; memory orders
// are passed as ints, relaxed = 0 ... seq_cst = 5, and ignored here).
extern "C" {

void __tsan_init() {}
void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
void __tsan_vptr_read(void**) {}
void __tsan_vptr_update(void**, void*) {}
void __tsan_read_range(void*, unsigned long) { offer_switch(true); }
void __tsan_write_range(void*, unsigned long) { offer_switch(true); }

#define GOX_EXPLORE_ACCESS(n)                                       \
  void __tsan_read##n(void*) { offer_switch(true); }                \
  void __tsan_write##n(void*) { offer_switch(true); }               \
  void __tsan_unaligned_read##n(const void*) { offer_switch(true); } \
  void __tsan_unaligned_write##n(void*) { offer_switch(true); }     \
  void __tsan_volatile_read##n(void*) { offer_switch(true); }       \
  void __tsan_volatile_write##n(void*) { offer_switch(true); }      \
  void __tsan_read##n##_pc(void*, void*) { offer_switch(true); }    \
  void __tsan_write##n##_pc(void*, void*) { offer_switch(true); }
GOX_EXPLORE_ACCESS(1)
GOX_EXPLORE_ACCESS(2)
GOX_EXPLORE_ACCESS(4)
GOX_EXPLORE_ACCESS(8)
GOX_EXPLORE_ACCESS(16)
#undef GOX_EXPLORE_ACCESS

// A read-modify-write: the switch point, then the builtin `op`.
#define GOX_EXPLORE_RMW(n, T, name, op)                    \
  T __tsan_atomic##n##_##name(volatile T* a, T v, int) {   \
    offer_switch(false);                                   \
    return op(a, v, __ATOMIC_SEQ_CST);                     \
  }
#define GOX_EXPLORE_ATOMIC(n, T)                                                                   \
  T __tsan_atomic##n##_load(const volatile T* a, int) {                                            \
    offer_switch(false);                                                                           \
    return __atomic_load_n(a, __ATOMIC_SEQ_CST);                                                   \
  }                                                                                                \
  void __tsan_atomic##n##_store(volatile T* a, T v, int) {                                         \
    offer_switch(false);                                                                           \
    __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                                      \
  }                                                                                                \
  GOX_EXPLORE_RMW(n, T, exchange, __atomic_exchange_n)                                             \
  GOX_EXPLORE_RMW(n, T, fetch_add, __atomic_fetch_add)                                             \
  GOX_EXPLORE_RMW(n, T, fetch_sub, __atomic_fetch_sub)                                             \
  GOX_EXPLORE_RMW(n, T, fetch_and, __atomic_fetch_and)                                             \
  GOX_EXPLORE_RMW(n, T, fetch_or, __atomic_fetch_or)                                               \
  GOX_EXPLORE_RMW(n, T, fetch_xor, __atomic_fetch_xor)                                             \
  GOX_EXPLORE_RMW(n, T, fetch_nand, __atomic_fetch_nand)                                           \
  int __tsan_atomic##n##_compare_exchange_strong(volatile T* a, T* c, T v, int, int) {             \
    offer_switch(false);                                                                           \
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);         \
  }                                                                                                \
  int __tsan_atomic##n##_compare_exchange_weak(volatile T* a, T* c, T v, int, int) {               \
    offer_switch(false);                                                                           \
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);         \
  }                                                                                                \
  T __tsan_atomic##n##_compare_exchange_val(volatile T* a, T c, T v, int, int) {                   \
    offer_switch(false);                                                                           \
    __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);               \
    return c;                                                                                      \
  }
GOX_EXPLORE_ATOMIC(8, std::int8_t)
GOX_EXPLORE_ATOMIC(16, std::int16_t)
GOX_EXPLORE_ATOMIC(32, std::int32_t)
GOX_EXPLORE_ATOMIC(64, std::int64_t)
#undef GOX_EXPLORE_ATOMIC
#undef GOX_EXPLORE_RMW

// 16-byte atomics: a scheduling point, then the operation under one lock (the
// exploration runs on one thread; plain threads need the lock).
namespace {
__extension__ typedef __int128 i128;
std::atomic<bool> wide_lock{false};
struct wide_guard {
  wide_guard() { gox::detail::spin_acquire(wide_lock); }
  ~wide_guard() { wide_lock.store(false, std::memory_order_release); }
};
}  // namespace
i128 __tsan_atomic128_load(const volatile i128* a, int) {
  offer_switch(false);
  wide_guard g;
  return *a;
}
void __tsan_atomic128_store(volatile i128* a, i128 v, int) {
  offer_switch(false);
  wide_guard g;
  *a = v;
}
#define GOX_EXPLORE_WIDE_RMW(name, expr)                      \
  i128 __tsan_atomic128_##name(volatile i128* a, i128 v, int) { \
    offer_switch(false);                                      \
    wide_guard g;                                             \
    const i128 old = *a;                                      \
    *a = (expr);                                              \
    return old;                                               \
  }
GOX_EXPLORE_WIDE_RMW(exchange, v)
GOX_EXPLORE_WIDE_RMW(fetch_add, old + v)
GOX_EXPLORE_WIDE_RMW(fetch_sub, old - v)
GOX_EXPLORE_WIDE_RMW(fetch_and, old & v)
GOX_EXPLORE_WIDE_RMW(fetch_or, old | v)
GOX_EXPLORE_WIDE_RMW(fetch_xor, old ^ v)
GOX_EXPLORE_WIDE_RMW(fetch_nand, ~(old & v))
#undef GOX_EXPLORE_WIDE_RMW
static int wide_cas(volatile i128* a, i128* c, i128 v) {
  wide_guard g;
  if (*a == *c) {
    *a = v;
    return 1;
  }
  *c = *a;
  return 0;
}
int __tsan_atomic128_compare_exchange_strong(volatile i128* a, i128* c, i128 v, int, int) {
  offer_switch(false);
  return wide_cas(a, c, v);
}
int __tsan_atomic128_compare_exchange_weak(volatile i128* a, i128* c, i128 v, int, int) {
  offer_switch(false);
  return wide_cas(a, c, v);
}
i128 __tsan_atomic128_compare_exchange_val(volatile i128* a, i128 c, i128 v, int, int) {
  offer_switch(false);
  wide_cas(a, &c, v);
  return c;
}

void __tsan_atomic_thread_fence(int) {
  offer_switch(false);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
void __tsan_atomic_signal_fence(int) {}

}  // extern "C"

#endif  // GOX_EXPLORE
