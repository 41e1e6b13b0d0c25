#include "gox/runtime.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include "gox/detail/exception_type.hpp"
#include "gox/panic.hpp"
#include "runtime_state.hpp"
#include "stack_pool.hpp"
#include "explore.hpp"

namespace gox {
namespace detail {

thread_local runtime_state* tls_runtime = nullptr;
thread_local scheduler_algo* tls_algo = nullptr;  // the scheduler thread's algorithm
thread_local bool tls_thread_done = false;  // the scheduler thread's work is over

namespace {

using steady = std::chrono::steady_clock;

nanos steady_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

// futex on an atomic counter: the idle wait that TSan does not intercept, so
// the scheduler's own sleeping creates no happens-before between fibers.
void futex_wait(std::atomic<std::uint32_t>* addr, std::uint32_t expected, nanos timeout) noexcept {
  if (timeout <= 0) return;
  timespec ts{};
  const timespec* tsp = nullptr;
  if (timeout < INT64_MAX) {
    ts.tv_sec = timeout / 1000000000;
    ts.tv_nsec = timeout % 1000000000;
    tsp = &ts;
  }
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(addr), FUTEX_WAIT_PRIVATE, expected, tsp,
          nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>* addr) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(addr), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
          nullptr, 0);
}


bool timer_before(const timer_handle& a, const timer_handle& b) noexcept {
  // std heap functions build a max-heap: "less" means "fires later"
  return a->when != b->when ? a->when > b->when : a->seq > b->seq;
}

constexpr std::int64_t kVirtualEpoch = 946684800LL * 1000000000LL;  // 2000-01-01T00:00:00Z
constexpr int kMaxIdleAdvances = 10000;

}  // namespace

#if defined(GOX_RACE)
extern "C" {
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void AnnotateBenignRaceSized(const char* file, int line, const volatile void* mem, long size, const char* desc);
}

namespace {
thread_local void* tls_scratch_tsan = nullptr;  // see race_lend

// A TSan context for the runtime's own use (a thread's dispatcher or scratch
// context, a timer's). TSan hands a new context its creator's clock, as for a
// new thread; these have no creator in Go's sense, so they start with none.
GOX_NO_TSAN void* new_internal_tsan_context() noexcept {
  AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  void* f = __tsan_create_fiber(0);
  AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
  return f;
}

// TSan loses much of an ended thread's history when it is destroyed: a race
// between an ended fiber's access and a later one then often goes unreported
// (measured on context_err: 45% of runs when the read came 2 ms after the
// writer ended, 0% with contexts kept). So ended fibers' contexts are kept,
// and destroyed oldest first once more than kTsanKept have ended.
constexpr std::size_t kTsanKept = 1024;

GOX_NO_TSAN void retire_tsan_context(void* f) noexcept {
  static spin_lock mu;
  static auto* kept = new std::deque<void*>();  // for the process's life
  void* oldest = nullptr;
  {
    spin_guard g(mu);
    kept->push_back(f);
    if (kept->size() > kTsanKept) {
      oldest = kept->front();
      kept->pop_front();
    }
  }
  if (oldest) __tsan_destroy_fiber(oldest);
}

GOX_NO_TSAN void* scratch_tsan() noexcept {
  if (!tls_scratch_tsan) tls_scratch_tsan = new_internal_tsan_context();
  return tls_scratch_tsan;
}
}  // namespace

// Switches TSan context with `held` spin locks held. Their guards hide the
// holder's accesses per TSan context: carry them over, so each context's
// ignore count stays balanced.
GOX_NO_TSAN void switch_tsan_holding(void* to, int held) noexcept {
  for (int i = 0; i < held; ++i) __tsan_ignore_thread_end();
  __tsan_switch_to_fiber(to, __tsan_switch_to_fiber_no_sync);
  for (int i = 0; i < held; ++i) __tsan_ignore_thread_begin();
}

GOX_NO_TSAN void runtime_state::race_turn_begin() noexcept {
  const std::uint32_t ticket = race_turn_next.fetch_add(1, std::memory_order_relaxed);
  int spins = 0;
  while (race_turn_serving.load(std::memory_order_acquire) != ticket)
    if (++spins > 64) {
      std::this_thread::yield();
      spins = 0;
    }
}

GOX_NO_TSAN void runtime_state::race_turn_end() noexcept {
  race_turn_serving.fetch_add(1, std::memory_order_release);
}

GOX_NO_TSAN void race_lend(int held) noexcept {
  fiber_record* rec = current_record();
  if (!rec) return;  // a plain thread keeps its context (race_sync_for says so)
  rec->tsan_lent.store(true, std::memory_order_relaxed);
  switch_tsan_holding(scratch_tsan(), held);
}

GOX_NO_TSAN void race_reclaim() noexcept {
  fiber_record* rec = current_record();
  if (!rec || !rec->tsan_lent.load(std::memory_order_relaxed)) return;
  rec->tsan_lent.store(false, std::memory_order_relaxed);
  __tsan_switch_to_fiber(rec->tsan_fiber, __tsan_switch_to_fiber_no_sync);
}

GOX_NO_TSAN bool race_sync_for(waiter* w, const void* addr) noexcept {
  fiber_record* r = w->rec;
  if (!r || !r->tsan_lent.load(std::memory_order_relaxed)) return false;
  void* me = __tsan_get_current_fiber();
  __tsan_switch_to_fiber(r->tsan_fiber, __tsan_switch_to_fiber_no_sync);
  __tsan_acquire(const_cast<void*>(addr));
  __tsan_release(const_cast<void*>(addr));
  __tsan_switch_to_fiber(me, __tsan_switch_to_fiber_no_sync);
  return true;
}

GOX_NO_TSAN timer_node::~timer_node() {
  if (tsan_ctx) retire_tsan_context(tsan_ctx);
}

GOX_NO_TSAN fiber_record::~fiber_record() {
  if (tsan_fiber) retire_tsan_context(tsan_fiber);
}

GOX_NO_TSAN void fiber_record::operator delete(void* p) noexcept {
  __tsan_ignore_thread_begin();
  ::operator delete(p);
  __tsan_ignore_thread_end();
}
#endif

#if !defined(GOX_RACE)
namespace {
// Trivially destructible, like the stack cache: Boost.Fiber's thread-local
// scheduler may free records after this thread's other thread-locals are gone.
struct record_cache {
  static constexpr int kMax = 16384;  // a fan-out of that many, spawned before any runs
  void* head;  // free records, linked through their first word
  int n;
  bool closed;
};
thread_local record_cache tls_records{};
}  // namespace

void* fiber_record::operator new(std::size_t n) {
  record_cache& c = tls_records;
  if (n == sizeof(fiber_record) && c.head) {
    void* p = c.head;
    c.head = *static_cast<void**>(p);
    --c.n;
    return p;
  }
  return ::operator new(n);
}

void fiber_record::operator delete(void* p) noexcept {
  record_cache& c = tls_records;
  if (c.closed || c.n >= record_cache::kMax) {
    ::operator delete(p);
    return;
  }
  *static_cast<void**>(p) = c.head;
  c.head = p;
  ++c.n;
}

void flush_thread_records() noexcept {
  record_cache& c = tls_records;
  c.closed = true;
  while (void* p = c.head) {
    c.head = *static_cast<void**>(p);
    ::operator delete(p);
  }
  c.n = 0;
}
#else
void flush_thread_records() noexcept {}
#endif

std::string display_name(const fiber_record* r) {
  return r->name.empty() ? "goroutine " + std::to_string(r->id) : r->name;
}

// The thread-local is shared by every fiber the thread runs; TSan would see
// that as fibers racing on it, so it is only touched here, uninstrumented.
GOX_NO_TSAN void set_thread_runtime(runtime_state* rt) noexcept {
  tls_runtime = rt;
  if (!rt) tls_algo = nullptr;
  tls_thread_done = rt == nullptr;
}

GOX_NO_TSAN runtime_state* thread_runtime() noexcept { return tls_runtime; }

namespace {
// The calling scheduler thread's algorithm (nullptr on any other thread). Not
// inlined: a fiber that moved to another thread must not reuse the
// thread-local's address computed on the thread it left.
[[gnu::noinline]] GOX_NO_TSAN scheduler_algo* thread_algo() noexcept { return tls_algo; }
}  // namespace

GOX_NO_TSAN runtime_state* current_runtime() noexcept {
  if (tls_runtime) return tls_runtime;
  fiber_record* r = current_record();
  return r ? r->rt : nullptr;
}

fiber_record* current_record() noexcept {
  return static_cast<fiber_record*>(boost::fibers::context::active()->get_properties());
}

runtime_state::runtime_state(const config& c)
    : cfg(c),
      nthreads(c.sched == sched_kind::parallel ? std::max(1, c.threads) : 1),
      virt(c.clock == clock_kind::virtual_time),
#if defined(GOX_RACE)
      race_serial(nthreads > 1),
#endif
      rng_state(c.seed),
      user_rng(c.seed * 0xD1B54A32D192ED03ULL + 0x8BB84B93962EACC9ULL) {
  if (c.sched == sched_kind::deterministic) policy = make_policy(*this);
  if (virt) {
    wall_origin = kVirtualEpoch;
  } else {
    auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    wall_origin = wall - steady_ns();
  }
}

nanos runtime_state::now() const noexcept {
  return virt ? vnow.load(std::memory_order_relaxed) : steady_ns();
}

std::uint64_t splitmix64(std::uint64_t& s) noexcept {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t runtime_state::next_rand() noexcept { return splitmix64(rng_state); }

// ---------------------------------------------------------------- fibers

fiber_record* runtime_state::new_record(std::string name, source_location loc, bool system) {
  auto* rec = new fiber_record();
  rec->rt = this;
  rec->created_at = loc;
  rec->system = system;
#if defined(GOX_RACE)
  // Created by the parent, the TSan fiber starts with the parent's clock:
  // the go statement happens before the fiber's first step.
  rec->tsan_fiber = __tsan_create_fiber(0);
#endif
  spin_guard g(mu);
  rec->id = next_id++;
  rec->name = std::move(name);  // empty: "goroutine N" (see display_name)
  rec->next = head;
  if (head) head->prev = rec;
  head = rec;
  if (system) ++system_alive;
  else ++alive;
#if defined(GOX_RACE)
  // Reports name the fiber: "worker @file.cpp:12" (where its go statement is).
  std::string label = display_name(rec);
  g.unlock();
  if (loc.known()) {
    std::string_view file = loc.file;
    if (auto slash = file.rfind('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
    label += " @" + std::string(file) + ":" + std::to_string(loc.line);
  }
  __tsan_set_fiber_name(rec->tsan_fiber, label.c_str());
#endif
  return rec;
}

void runtime_state::spawn(std::function<void()> fn, std::string name, source_location loc,
                          bool system) {
  fiber_record* rec = new_record(std::move(name), loc, system);
  rec->fn = std::move(fn);
#if !defined(GOX_RACE)
  // The parallel scheduler, spawned by one of this run's fibers: the stack
  // waits for the fiber's first turn. (The deterministic scheduler's policies
  // choose among contexts; the race build's TSan fiber starts from the
  // parent's go statement, published when Boost builds the start state.)
  if (cfg.sched == sched_kind::parallel && tls_runtime == this && tls_algo &&
      boost::fibers::context::active()->get_properties()) {
    tls_algo->add_fresh(rec);
    return;
  }
#endif
  try {
    boost::fibers::fiber f(static_cast<boost::fibers::fiber_properties*>(rec), std::allocator_arg,
                           stack_allocator{}, [rec] { rec->rt->fiber_main(rec); });
    f.detach();
  } catch (...) {
    on_exit(rec);  // never ran: out of the registry, or the run would wait for it
    delete rec;
    throw;
  }
}

namespace {
// Race build: the ignores unwind() began end with the fiber's teardown. A
// TSan context destroyed with ignores still on is a fatal error of TSan's
// (contexts are destroyed once 1024 more have ended: a run that killed that
// many fibers died of it instead of reporting its panic).
GOX_NO_TSAN void race_unwound([[maybe_unused]] fiber_record* rec) noexcept {
#if defined(GOX_RACE)
  for (; rec->tsan_ignores > 0; --rec->tsan_ignores) __tsan_ignore_thread_end();
#endif
}
}  // namespace

void runtime_state::fiber_main(fiber_record* rec) {
  rec->started = true;
  if (!killing.load()) {
    try {
      rec->fn();
    } catch (const fiber_unwind&) {
    } catch (...) {
      on_current_exception(rec);
    }
  }
  rec->fn = nullptr;
  on_exit(rec);
  race_unwound(rec);
}

void runtime_state::main_main(fiber_record* rec, const std::function<void()>& main) {
  rec->started = true;
  {
    spin_guard g(mu);
    main_rec = rec;
  }
  try {
    main();
  } catch (const fiber_unwind&) {
  } catch (...) {
    on_current_exception(rec);
  }
  finish_main(rec);
  on_exit(rec);
  race_unwound(rec);
}

void runtime_state::on_current_exception(fiber_record* rec) {
  try {
    throw;
  } catch (const gox::panic& p) {
    on_panic(rec, p.what(), p.where());
  } catch (const std::exception& e) {
    on_panic(rec, "uncaught " + current_exception_type() + ": " + e.what());
  } catch (...) {
    on_panic(rec, "uncaught " + current_exception_type());
  }
}

void runtime_state::on_panic(fiber_record* rec, const std::string& what, source_location where) {
  spin_guard g(mu);
  std::string msg = "panic: " + what + " [in fiber " + std::to_string(rec->id) + " \"" +
                    display_name(rec) + "\"";
  if (where.known()) msg += " at " + std::string(where.file) + ":" + std::to_string(where.line);
  msg += "]";
  set_result_locked(outcome::panic, std::move(msg), true, nullptr);
  killing.store(true);
  kill_all_locked();
}

void runtime_state::on_exit(fiber_record* rec) {
  // Everything a fiber did happens before run() returns (as a thread join);
  // no fiber acquires this address, so fibers stay unordered among themselves.
  race_release(this);
  spin_guard g(mu);
  if (rec->prev) rec->prev->next = rec->next;
  if (rec->next) rec->next->prev = rec->prev;
  if (head == rec) head = rec->next;
  rec->prev = rec->next = nullptr;
  // Out of the registry, nothing reads the name again: free it now, on the
  // fiber itself, rather than in the dispatcher that deletes the record.
  std::string().swap(rec->name);
  rec->ended = true;
  if (rec->system) --system_alive;
  else --alive;
  if (killing.load() && alive == 1) release_main_locked();
  // Main waits for the program's fibers to end (leak check), then, unwinding,
  // for every fiber including the system ones.
  if (alive == 1 && main_waiter && (main_waits_for_quiet || system_alive == 0))
    signal_main_locked();
}

void runtime_state::queue_func_locked(std::function<void()> f) {
  due_funcs.push_back(std::move(f));
  if (waiter* w = timer_waiter) {
    timer_waiter = nullptr;
    w->signal();
  }
}

void runtime_state::ensure_timer_fiber() {
  {
    spin_guard g(mu);
    if (timer_fiber_started) return;
    timer_fiber_started = true;
  }
  spawn([this] { timer_fiber_main(); }, "timer", source_location{}, true);
}

void runtime_state::timer_fiber_main() {
  for (;;) {
    std::deque<std::function<void()>> batch;
    {
      spin_guard g(mu);
      if (due_funcs.empty()) {
        waiter w;
        prepare(w, "timer fiber", source_location{});
        timer_waiter = &w;
        g.unlock();
        if (!park(w)) {
          spin_guard g2(mu);
          if (timer_waiter == &w) timer_waiter = nullptr;
          g2.unlock();
          unwind();
        }
        continue;
      }
      batch.swap(due_funcs);
    }
    for (auto& f : batch) spawn(std::move(f), "time.AfterFunc", source_location{});
  }
}

bool runtime_state::signal_main_locked() noexcept {
  if (!main_waiter) return false;
  waiter* w = main_waiter;
  main_waiter = nullptr;
  w->signal();
  return true;
}

void runtime_state::finish_main(fiber_record* rec) {
  rec->immune = true;
  spin_guard g(mu);
  main_done = true;
  main_done_at = now();
  if (alive > 1 && !killing.load()) {
    waiter w;
    prepare(w, "main: waiting for other fibers to end", source_location{});
    main_waiter = &w;
    main_waits_for_quiet = true;
    g.unlock();
    park(w);
    spin_guard g2(mu);
    if (alive > 1 && !killing.load()) {
      set_result_locked(outcome::leak,
                        "leak: " + std::to_string(alive - 1) +
                            " fiber(s) still alive after main returned",
                        true, rec);
      killing.store(true);
      kill_all_locked();
    }
  } else {
    g.unlock();
  }
  {
    // Only system fibers left (pending AfterFunc timers, as Go's, do not
    // keep a program alive): end them.
    spin_guard g3(mu);
    if (alive <= 1 && system_alive > 0 && !killing.load()) {
      killing.store(true);
      kill_all_locked();
    }
  }
  for (;;) {
    spin_guard g3(mu);
    if (alive <= 1 && system_alive == 0) break;
    waiter w;
    prepare(w, "main: unwinding other fibers", source_location{});
    main_waiter = &w;
    main_waits_for_quiet = false;
    g3.unlock();
    park(w);
  }
}

void runtime_state::set_result_locked(outcome o, std::string message, bool dump,
                                      const fiber_record* skip) {
  if (result_set) return;
  result_set = true;
  result.result = o;
  result.message = std::move(message);
  if (!dump) return;
  std::vector<fiber_info> infos;
  for (fiber_record* r = head; r; r = r->next) {
    if (r == skip || r->system) continue;
    fiber_info fi;
    fi.id = r->id;
    fi.name = display_name(r);
    fi.blocked = r->parked.load();
    if (fi.blocked && r->wait_reason) fi.wait = r->wait_reason;
    fi.where = r->wait_loc;
    fi.created_at = r->created_at;
    infos.push_back(std::move(fi));
  }
  std::sort(infos.begin(), infos.end(), [](auto& a, auto& b) { return a.id < b.id; });
  result.fibers = std::move(infos);
}

void runtime_state::kill_all_locked() noexcept {
  // Under mu: no record can finish on_exit, so no context is freed while we
  // hold its waker. Main waits for its turn (release_main_locked).
  for (fiber_record* r = head; r; r = r->next) {
    if (r->immune || !r->parked.load()) continue;
    if (r == main_rec && !main_released.load()) continue;
    r->park_waker.wake();
  }
  if (alive <= 1) release_main_locked();
}

void runtime_state::release_main_locked() noexcept {
  if (!main_rec || main_released.exchange(true)) return;
  if (!main_rec->immune && main_rec->parked.load()) main_rec->park_waker.wake();
}

void runtime_state::die_stuck() noexcept {
  std::fprintf(stderr,
               "gox: fibers could not be unwound (a destructor blocked during teardown)\n%s\n",
               result.report().c_str());
  std::fflush(stderr);
  std::_Exit(3);
}

// ---------------------------------------------------------------- timers

timer_handle runtime_state::add_timer(nanos when, nanos period, std::function<void()> fire) {
  auto t = std::make_shared<timer_node>();
  race_release(t.get());  // the setter's past happens before the firing
  t->when = when;
  t->period = period;
  t->fire = std::move(fire);
  {
    spin_guard g(mu);
    t->seq = timer_seq++;
    heap.push_back(t);
    std::push_heap(heap.begin(), heap.end(), timer_before);
  }
  if (!virt) wake_idlers();  // an idle thread may be sleeping past `when`
  return t;
}

GOX_NO_TSAN nanos runtime_state::next_timer_locked() noexcept {
  while (!heap.empty() && heap.front()->state.load() == 2) {
    std::pop_heap(heap.begin(), heap.end(), timer_before);
    heap.pop_back();
  }
  return heap.empty() ? INT64_MAX : heap.front()->when;
}

GOX_NO_TSAN void runtime_state::fire_one(timer_node& t) noexcept {
#if defined(GOX_RACE)
  if (!t.tsan_ctx) t.tsan_ctx = new_internal_tsan_context();
  void* me = __tsan_get_current_fiber();
  switch_tsan_holding(t.tsan_ctx, 1);  // mu is held
  __tsan_acquire(&t);
  t.fire();
  switch_tsan_holding(me, 1);
#else
  t.fire();
#endif
}

int runtime_state::fire_due() noexcept {
  if (firing.exchange(true)) return 0;
  int fired = 0;
  {
    spin_guard g(mu);
    const nanos t = now();
    while (next_timer_locked() <= t) {
      std::pop_heap(heap.begin(), heap.end(), timer_before);
      timer_handle h = std::move(heap.back());
      heap.pop_back();
      int expect = 0;
      if (h->period > 0) {
        // Ticker: fire and re-arm (a stopped ticker stays stopped)
        if (h->state.load() != 0) continue;
        fire_one(*h);
        h->when += h->period;
        if (h->when <= t) h->when = t + h->period;  // drop ticks, as Go does
        h->seq = timer_seq++;
        heap.push_back(std::move(h));
        std::push_heap(heap.begin(), heap.end(), timer_before);
      } else {
        if (!h->state.compare_exchange_strong(expect, 1)) continue;
        fire_one(*h);
      }
      ++fired;
    }
  }
  firing.store(false);
  return fired;
}

// ---------------------------------------------------------------- idling

GOX_NO_TSAN void runtime_state::wake_idlers() noexcept {
  idle_seq.fetch_add(1);
  if (idlers.load() > 0) futex_wake_all(&idle_seq);
}

// Called by a scheduler thread with nothing to run. Decides, when every thread
// of the run is idle, whether time advances, main is told the run is quiet, or
// the run is deadlocked.
GOX_NO_TSAN void runtime_state::idle(scheduler_algo* self, steady::time_point tp) noexcept {
  const std::uint32_t seq = idle_seq.load();
  if (self->notified.exchange(false)) return;
  if (finished.load()) {
    futex_wait(&idle_seq, seq, 1000000);
    return;
  }
  nanos wait_for = INT64_MAX;
  if (tp != steady::time_point::max()) {
    wait_for = std::chrono::duration_cast<std::chrono::nanoseconds>(tp - steady::now()).count();
    if (wait_for <= 0) return;
  }
  {
    spin_guard g(mu);
    bool all_idle = ++idle_count == nthreads;
    if (all_idle && nthreads > 1) {
      spin_guard q(qmu);
      all_idle = shared.empty();
      for (auto* a : algos)
        if (a->notified.load()) all_idle = false;
    }
    const nanos next = next_timer_locked();
    if (all_idle && killing.load() && !main_released.load() && main_rec) {
      // Tearing down and no other fiber can move (one blocked in a
      // destructor): main's turn anyway.
      release_main_locked();
      --idle_count;
      return;
    }
    if (all_idle && wait_for == INT64_MAX) {
      const bool quiet_horizon =
          main_waiter && main_waits_for_quiet && next > main_done_at + cfg.leak_grace.count();
      if (quiet_horizon) {
        signal_main_locked();
        --idle_count;
        return;
      }
      if (virt && next != INT64_MAX) {
        // Every fiber is blocked: jump to the next timer (synctest).
        if (woke_fiber.exchange(false)) idle_advances = 0;
        if (++idle_advances > kMaxIdleAdvances) {
          set_result_locked(outcome::deadlock,
                            "fatal error: all goroutines are asleep - deadlock! (only timers that "
                            "wake no fiber remain)",
                            true, nullptr);
          killing.store(true);
          kill_all_locked();
          --idle_count;
          return;
        }
        if (next > vnow.load()) vnow.store(next);
        --idle_count;
        g.unlock();
        fire_due();
        return;
      }
      if (next == INT64_MAX) {
        if (main_waiter && !main_waits_for_quiet) die_stuck();
        if (virt) {
          set_result_locked(outcome::deadlock,
                            "fatal error: all goroutines are asleep - deadlock!", true, nullptr);
          killing.store(true);
          kill_all_locked();
          --idle_count;
          return;
        }
        // Real clock: a thread outside the run may still wake a fiber. Wait
        // out the grace period; if nothing moved, it is a deadlock.
        g.unlock();
        idlers.fetch_add(1);
        const nanos deadline = steady_ns() + cfg.deadlock_grace.count();
        while (idle_seq.load() == seq && steady_ns() < deadline)
          futex_wait(&idle_seq, seq, deadline - steady_ns());
        idlers.fetch_sub(1);
        spin_guard g2(mu);
        --idle_count;
        if (idle_seq.load() == seq && !self->notified.load() && idle_count == nthreads - 1 &&
            next_timer_locked() == INT64_MAX && !main_waiter) {
          set_result_locked(outcome::deadlock,
                            "fatal error: all goroutines are asleep - deadlock!", true, nullptr);
          killing.store(true);
          kill_all_locked();
        }
        return;
      }
    }
    if (!virt && next != INT64_MAX) wait_for = std::min(wait_for, next - steady_ns());
  }
  // Sleep until woken, the next timer, or a Boost deadline.
  if (wait_for > 0) {
    idlers.fetch_add(1);
    if (!self->notified.load()) futex_wait(&idle_seq, seq, wait_for);
    idlers.fetch_sub(1);
  }
  {
    spin_guard g(mu);
    --idle_count;
  }
  if (!virt) fire_due();
}

// ---------------------------------------------------------------- algorithm

GOX_NO_TSAN void scheduler_algo::awakened(boost::fibers::context* ctx) noexcept {
  race_ignore ri;  // the ready queues are the scheduler's, not the program's
  const bool pinned = ctx->is_context(boost::fibers::type::pinned_context);
#if defined(GOX_RACE)
  // A new fiber is first made ready by its parent, once Boost has built its
  // start state on the new stack: publish everything the parent did so far.
  if (auto* rec = static_cast<fiber_record*>(ctx->get_properties()); rec && !rec->tsan_published) {
    rec->tsan_published = true;
    __tsan_release(rec);
  }
#endif
  if (rt_->virt && !pinned) rt_->woke_fiber.store(true, std::memory_order_relaxed);
  if (rt_->cfg.sched == sched_kind::deterministic) {
    ready_.push_back(ctx);
    return;
  }
  if (rt_->nthreads == 1) {
    // Go's runnext: a fiber readied by the running fiber (a receiver woken by
    // a send, a new fiber) runs next; a fiber that yields goes to the back.
    if (pinned) {
      pinned_.push_back(ctx);
      return;
    }
    boost::fibers::context* active = boost::fibers::context::active();
    if (ctx != active && !active->is_context(boost::fibers::type::dispatcher_context)) {
      if (runnext_) requeue(runnext_);
      runnext_ = ctx;
      fresh_next_ = false;
      return;
    }
    requeue(ctx);
    return;
  }
  if (pinned) {
    ready_.push_back(ctx);
    return;
  }
  auto* rec = static_cast<fiber_record*>(ctx->get_properties());
  if (!rec) {  // not one of the run's fibers (they all have a record): it stays here
    ready_.push_back(ctx);
    return;
  }
  ctx->detach();
  {
    spin_guard q(rt_->qmu);
    rt_->shared.push_back(rec);
  }
  rt_->wake_idlers();
}

GOX_NO_TSAN void scheduler_algo::add_fresh(fiber_record* rec) noexcept {
  race_ignore ri;  // the ready queues are the scheduler's, not the program's
  if (rt_->nthreads == 1) {
    if (runnext_) requeue(std::exchange(runnext_, nullptr));
    fresh_.push_back(rec);
    fresh_next_ = true;
    return;
  }
  {
    spin_guard q(rt_->qmu);
    rt_->shared.push_back(rec);
  }
  rt_->wake_idlers();
}

GOX_NO_TSAN boost::fibers::context* scheduler_algo::materialise(fiber_record* rec) noexcept {
  if (boost::fibers::context* c = rec->context()) return c;
  try {
    // As boost::fibers::fiber's constructor and detach(): the scheduler keeps
    // the context's own reference until the fiber has ended.
    auto ctx = boost::fibers::make_worker_context_with_properties(
        boost::fibers::launch::post, rec, stack_allocator{}, [first = rec] {
          fiber_record* r = first;
          for (;;) {
            runtime_state* rt = r->rt;
            rt->fiber_main(r);
            // The algorithm of the thread it runs on now (the fiber may have
            // moved), read afresh after the call.
            scheduler_algo* algo = thread_algo();
            fiber_record* next = algo ? algo->adopt_fresh() : nullptr;
            if (!next) return;
            // This context runs the next fiber: its record replaces the
            // ended one's (which Boost frees here, as it would at the end).
            boost::fibers::context* self = boost::fibers::context::active();
            self->set_properties(next);
            next->set_context(self);
            r = next;
          }
        });
    boost::fibers::context::active()->attach(ctx.get());
    return ctx.get();
  } catch (...) {
    try {
      rt_->on_panic(rec, "go: no memory for a new fiber's stack (" + display_name(rec) + ")");
    } catch (...) {  // no memory for the message either: a short one, no dump
      spin_guard g(rt_->mu);
      rt_->set_result_locked(outcome::panic, "out of memory", false, nullptr);
      rt_->killing.store(true);
      rt_->kill_all_locked();
    }
    rt_->on_exit(rec);
    delete rec;
    return nullptr;
  }
}

namespace {
constexpr unsigned kRunnextBurst = 4096;  // ~0.5 ms of switches, like Go's inherited time slice
}  // namespace

GOX_NO_TSAN fiber_record* scheduler_algo::adopt_fresh() noexcept {
  race_ignore ri;  // the ready queues are the scheduler's, not the program's
  // Only where pick() would choose the same fiber: see its order below.
  if (rt_->cfg.sched != sched_kind::parallel || rt_->killing.load()) return nullptr;
  if (rt_->nthreads == 1) {
    if ((tick_ + 1) % 32 == 0 && !pinned_.empty()) return nullptr;
    if (runnext_ || head_ != ready_.size() || fresh_.empty() || fresh_.back()->context()) return nullptr;
    ++tick_;
    if (fresh_next_ && runnext_burst_ < kRunnextBurst) ++runnext_burst_;
    else runnext_burst_ = 0;
    fiber_record* rec = fresh_.back();
    fresh_.pop_back();
    fresh_next_ = false;
    return rec;
  }
  if ((tick_ + 1) % 16 == 0 && head_ != ready_.size()) return nullptr;
  fiber_record* rec = nullptr;
  {
    spin_guard q(rt_->qmu);
    if (rt_->shared.empty() || rt_->shared.front()->context()) return nullptr;
    rec = rt_->shared.front();
    rt_->shared.pop_front();
  }
  ++tick_;
  return rec;
}

GOX_NO_TSAN boost::fibers::context* scheduler_algo::take_fresh() noexcept {
  fiber_record* rec = fresh_.back();
  fresh_.pop_back();
  fresh_next_ = false;
  return materialise(rec);
}

GOX_NO_TSAN boost::fibers::context* scheduler_algo::take_pinned() noexcept {
  boost::fibers::context* c = pinned_.front();
  pinned_.erase(pinned_.begin());  // at most two: main and dispatcher
  return c;
}

GOX_NO_TSAN void scheduler_algo::requeue(boost::fibers::context* ctx) noexcept {
  auto* rec = static_cast<fiber_record*>(ctx->get_properties());
  if (rec && !rec->started) fresh_.push_back(rec);
  else ready_.push_back(ctx);
}

GOX_NO_TSAN boost::fibers::context* scheduler_algo::take_local() noexcept {
  if (head_ == ready_.size()) return nullptr;
  boost::fibers::context* c = ready_[head_++];
  if (head_ == ready_.size()) {
    ready_.clear();
    head_ = 0;
  }
  return c;
}

GOX_NO_TSAN boost::fibers::context* scheduler_algo::pick_next() noexcept {
  boost::fibers::context* c;
  {
    race_ignore ri;  // the ready queues are the scheduler's, not the program's
    c = pick();
  }
  enter(c);
  return c;
}

#if defined(GOX_RACE)
namespace {
// The thread's start (its TLS set up: errno, ...) happens before any fiber it
// runs: a fiber that migrates here and writes errno does not race with the
// thread's TLS initialisation. Released once by the thread, acquired by each
// program fiber it switches in; no fiber releases it, so fibers stay
// unordered among themselves.
thread_local char thread_started_marker;
}  // namespace
GOX_NO_TSAN void race_thread_started() noexcept {
  __tsan_release(&thread_started_marker);
  // errno belongs to the thread, and every fiber that runs here shares it;
  // a fiber only loses the thread inside a gox call, so a library's
  // `errno = 0; strtod(...); if (errno)` cannot be interleaved. Fibers
  // writing it in turn are not a data race of the program.
  AnnotateBenignRaceSized(__FILE__, __LINE__, &errno, sizeof(int), "errno: per thread, shared by its fibers");
}
#else
void race_thread_started() noexcept {}
#endif

GOX_NO_TSAN void scheduler_algo::enter(boost::fibers::context* next) noexcept {
#if defined(GOX_RACE)
  if (rt_->race_serial) {
    // One program fiber runs at a time (see runtime_state::race_serial): the
    // thread leaving one gives the turn back, the thread entering one waits
    // for it. Tickets keep it fair, so a fiber spinning on yield() cannot
    // starve one waiting on another thread.
    if (boost::fibers::context::active()->get_properties()) rt_->race_turn_end();
    if (next && next->get_properties()) rt_->race_turn_begin();
  }
  void* f = nullptr;
  if (!next) {
    // Boost resumes the dispatcher, unless the dispatcher itself is asking.
    if (boost::fibers::context::active()->is_context(boost::fibers::type::dispatcher_context))
      return;
    f = dispatcher_tsan_;
  } else if (next->is_context(boost::fibers::type::dispatcher_context)) {
    f = dispatcher_tsan_;
  } else if (next->is_context(boost::fibers::type::main_context)) {
    f = main_tsan_;
  } else if (auto* rec = static_cast<fiber_record*>(next->get_properties())) {
    f = rec->tsan_lent.load(std::memory_order_relaxed) ? scratch_tsan() : rec->tsan_fiber;
    if (!rec->tsan_entered) {
      rec->tsan_entered = true;
      __tsan_switch_to_fiber(f, __tsan_switch_to_fiber_no_sync);
      __tsan_acquire(rec);  // as the new fiber: its parent's go() happens before
      __tsan_acquire(&thread_started_marker);
      return;
    }
  }
  // Go's model: a switch between goroutines synchronises nothing.
  if (f && f != __tsan_get_current_fiber()) {
    __tsan_switch_to_fiber(f, __tsan_switch_to_fiber_no_sync);
    if (next && next->get_properties()) __tsan_acquire(&thread_started_marker);
  }
#else
  (void)next;
#endif
}

GOX_NO_TSAN scheduler_algo::scheduler_algo(runtime_state* rt) : rt_(rt) {
#if defined(GOX_RACE)
  main_tsan_ = __tsan_get_current_fiber();
  dispatcher_tsan_ = new_internal_tsan_context();
#endif
}

GOX_NO_TSAN boost::fibers::context* scheduler_algo::pick() noexcept {
  boost::fibers::context* active = boost::fibers::context::active();
  if (!rt_->virt && active->is_context(boost::fibers::type::dispatcher_context)) rt_->fire_due();
  if (rt_->cfg.sched == sched_kind::deterministic) {
    if (ready_.empty()) return nullptr;
    ++rt_->steps;
    const std::size_t i = rt_->policy->choose(ready_, active);
    boost::fibers::context* c = ready_[i];
    ready_[i] = ready_.back();
    ready_.pop_back();
    if (rt_->cfg.trace > 0) trace_switch(active, c);
    return c;
  }
  if (rt_->nthreads == 1) {
    // The dispatcher (timers, wake-ups from other threads, freeing ended
    // fibers) and this thread's main context get a turn every 32 picks.
    if ((++tick_ % 32) == 0 && !pinned_.empty()) return take_pinned();
    if ((runnext_ || fresh_next_) && (runnext_burst_ < kRunnextBurst || head_ == ready_.size())) {
      ++runnext_burst_;
      if (runnext_) return std::exchange(runnext_, nullptr);
      if (boost::fibers::context* c = take_fresh()) return c;
      return pick();  // its stack could not be had: the run is ending
    }
    runnext_burst_ = 0;
    fresh_next_ = false;
    boost::fibers::context* c = take_local();
    if (!c && !fresh_.empty()) {
      c = take_fresh();
      if (!c) return pick();
    }
    if (c) {
      if (runnext_) requeue(std::exchange(runnext_, nullptr));  // the burst ended
      return c;
    }
    if (runnext_) return std::exchange(runnext_, nullptr);
    return pinned_.empty() ? nullptr : take_pinned();
  }
  // Several threads: shared fibers first, but give pinned contexts (this
  // thread's main and dispatcher) a turn now and then so remote wake-ups and
  // terminated fibers are processed even under load.
  if ((++tick_ % 16) == 0)
    if (boost::fibers::context* c = take_local()) return c;
  fiber_record* rec = nullptr;
  {
    spin_guard q(rt_->qmu);
    if (!rt_->shared.empty()) {
      rec = rt_->shared.front();
      rt_->shared.pop_front();
    }
  }
  if (rec) {
    if (boost::fibers::context* c = rec->context()) {
      active->attach(c);
      return c;
    }
    if (boost::fibers::context* c = materialise(rec)) return c;
    return pick();  // its stack could not be had: the run is ending
  }
  return take_local();
}

// One line of the schedule's trace: the program fiber that runs next, and
// what the one before it did (blocked on what, ended, or gave the thread up).
// Fibers as dumps name them: goroutine 4 "sender".
GOX_NO_TSAN void scheduler_algo::trace_switch(boost::fibers::context* from, boost::fibers::context* to) noexcept {
  race_ignore ri;  // the scheduler's state, not the program's
#if defined(GOX_EXPLORE)
  // The string code below may be the program's instrumented copy of a
  // library template (the linker keeps one): its accesses must offer no
  // switch, or tracing would change the schedule it traces.
  struct quiet {
    quiet() noexcept { os_lock_taken(0); }
    ~quiet() { os_lock_released(); }
  } q;
#endif
  auto* next = static_cast<fiber_record*>(to->get_properties());
  if (!next || next->system) return;
  auto* prev = static_cast<fiber_record*>(from->get_properties());
  // The fiber the trace saw last resuming after the thread's own contexts
  // ran (timers, wake-ups): no switch between fibers.
  if (next->id == traced_id_ && (!prev || prev == next)) return;
  try {
    auto named = [](const fiber_record* r) {
      return "goroutine " + std::to_string(r->id) + (r->name.empty() ? "" : " \"" + r->name + "\"");
    };
    std::string why;
    if (prev && prev != next && !prev->system) {
      // An ended fiber's name is freed: the one it ran under is kept here.
      const std::string who = prev->id == traced_id_ ? traced_name_ : named(prev);
      why = " (" + who +
            (prev->ended ? std::string(" ended")
             : prev->parked.load() ? std::string(" blocked: ") + (prev->wait_reason ? prev->wait_reason : "parked")
                                   : std::string(" gave way")) +
            ")";
    }
    traced_id_ = next->id;
    traced_name_ = named(next);
    // The time only in virtual time, where it is part of the schedule (a
    // replay on the real clock prints the same trace).
    char at[40] = "";
    if (rt_->virt) std::snprintf(at, sizeof at, " at %.3f ms", static_cast<double>(rt_->now() - rt_->trace_origin) / 1e6);
    rt_->trace.push_back("switch " + std::to_string(rt_->steps) + at + ": " + traced_name_ + " runs" + why);
    while (rt_->trace.size() > std::min(rt_->cfg.trace, config::kTraceAll)) rt_->trace.pop_front();
  } catch (...) {  // out of memory: the trace is a help, never the run's end
  }
}

GOX_NO_TSAN bool scheduler_algo::policy_keeps(boost::fibers::context* current, bool explicit_yield) noexcept {
  race_ignore ri;  // the scheduler's state, not the program's
  return rt_->policy->keep_running(ready_, current, explicit_yield);
}

void yield_point(bool explicit_yield) noexcept {
  boost::fibers::context* ctx = boost::fibers::context::active();
  auto* rec = static_cast<fiber_record*>(ctx->get_properties());
  runtime_state* rt = rec ? rec->rt : nullptr;
  if (rt && rt->cfg.sched == sched_kind::deterministic && rt->algos[0]->policy_keeps(ctx, explicit_yield)) return;
  boost::this_fiber::yield();
}

GOX_NO_TSAN bool scheduler_algo::has_ready_fibers() const noexcept {
  if (head_ != ready_.size() || runnext_ || !fresh_.empty() || !pinned_.empty()) return true;
  if (rt_->nthreads == 1) return false;
  spin_guard q(rt_->qmu);
  return !rt_->shared.empty();
}

GOX_NO_TSAN void scheduler_algo::suspend_until(std::chrono::steady_clock::time_point const& tp) noexcept {
  rt_->idle(this, tp);
}

GOX_NO_TSAN void scheduler_algo::notify() noexcept {
#if defined(GOX_RACE)
  // Shutting down, the dispatcher calls notify() and then returns straight to
  // the thread's main context, bypassing pick_next(): hand TSan back the
  // thread's own fiber, or the thread would end as the dispatcher's.
  if (tls_thread_done &&
      boost::fibers::context::active()->is_context(boost::fibers::type::dispatcher_context) &&
      __tsan_get_current_fiber() != main_tsan_)
    __tsan_switch_to_fiber(main_tsan_, __tsan_switch_to_fiber_no_sync);
#endif
  notified.store(true);
  rt_->idle_seq.fetch_add(1);
  futex_wake_all(&rt_->idle_seq);
}

// ---------------------------------------------------------------- parking

void prepare(waiter& w, const char* reason, source_location loc) noexcept {
  boost::fibers::context* ctx = boost::fibers::context::active();
  w.w = ctx->create_waker();
  w.signaled.store(false, std::memory_order_relaxed);
  w.rec = static_cast<fiber_record*>(ctx->get_properties());
  if (w.rec) {
    w.rec->wait_reason = reason;
    w.rec->wait_loc = loc;
    w.rec->park_waker = w.w;
  }
}

bool park(waiter& w) noexcept {
  fiber_record* rec = w.rec;
  boost::fibers::context* ctx = boost::fibers::context::active();
  if (!rec) {
    ctx->suspend();
    return true;
  }
  rec->parked.store(true);
  runtime_state* rt = rec->rt;
  if (!rec->immune && rt->killing.load() && (rec != rt->main_rec || rt->main_released.load())) {
    rec->parked.store(false);
    return false;
  }
  ctx->suspend();
  rec->parked.store(false);
  rec->wait_reason = nullptr;
  return rec->immune || !rec->rt->killing.load();
}

void unwind() {
#if defined(GOX_RACE)
  // The run's outcome is decided: what fibers touch while they unwind (main
  // destroying locals that a blocked worker still points at) is teardown,
  // not the program's behaviour, and must not be reported as a data race.
  // The ignore lasts until the fiber ends (race_unwound).
  if (fiber_record* rec = current_record()) ++rec->tsan_ignores;
  __tsan_ignore_thread_begin();
#endif
  if (std::uncaught_exceptions() > 0) {
    // Blocking in a destructor during teardown: this fiber can neither throw
    // nor go on. Leave it parked; the run reports it.
    boost::fibers::context::active()->suspend();
  }
  throw fiber_unwind{};
}

void park_or_unwind(waiter& w) {
  if (!park(w)) unwind();
}

void stop_if_killed() {
  fiber_record* rec = current_record();
  if (!rec || rec->immune || !rec->rt->killing.load()) return;
  waiter w;  // main waits here for its turn to unwind; the others go now
  prepare(w, "unwinding", source_location{});
  park_or_unwind(w);
}

std::uint64_t fastrand() noexcept {
  fiber_record* rec = current_record();
  if (rec && rec->rt->nthreads == 1) return rec->rt->next_rand();
  thread_local std::uint64_t s = std::random_device{}();
  return splitmix64(s);
}

[[noreturn]] void throw_panic(const char* what, source_location where) { throw gox::panic(what, where); }

nanos mono_now() noexcept {
  runtime_state* rt = current_runtime();
  return rt ? rt->now() : steady_ns();
}

std::int64_t wall_now() noexcept {
  runtime_state* rt = current_runtime();
  if (!rt)
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  return rt->wall_origin + rt->now();
}

bool virtual_clock() noexcept {
  runtime_state* rt = current_runtime();
  return rt && rt->virt;
}

timer_handle add_timer(nanos when, nanos period, std::function<void()> fire) {
  runtime_state* rt = current_runtime();
  if (!rt) throw_panic("gox: timers need a fiber of gox::run");
  return rt->add_timer(when, period, std::move(fire));
}

timer_handle add_func_timer(nanos when, std::function<void()> f) {
  runtime_state* rt = current_runtime();
  if (!rt) throw_panic("gox: timers need a fiber of gox::run");
  rt->ensure_timer_fiber();
  auto fn = std::make_shared<std::function<void()>>(std::move(f));
  race_release(fn.get());  // arming happens before f starts
  return rt->add_timer(when, 0, [rt, fn] {
    rt->queue_func_locked([fn] {
      race_acquire(fn.get());
      (*fn)();
    });
  });
}

void timer_barrier() noexcept {
  if (runtime_state* rt = current_runtime()) spin_guard g(rt->mu);
}

bool stop_timer(const timer_handle& t) noexcept {
  if (!t) return false;
  int expect = 0;
  return t->state.compare_exchange_strong(expect, 2);
}

}  // namespace detail

// ---------------------------------------------------------------- public API

using detail::runtime_state;

const char* to_string(outcome o) noexcept {
  switch (o) {
    case outcome::ok: return "ok";
    case outcome::deadlock: return "deadlock";
    case outcome::leak: return "leak";
    case outcome::panic: return "panic";
  }
  return "?";
}

std::string run_result::report() const {
  std::ostringstream os;
  os << message << "\n";
  for (const auto& f : fibers) {
    os << "\ngoroutine " << f.id << " \"" << f.name << "\" ["
       << (f.blocked ? (f.wait.empty() ? "blocked" : f.wait) : "runnable") << "]:\n";
    if (f.where.known()) os << "    at " << f.where.file << ":" << f.where.line << "\n";
    if (f.created_at.known())
      os << "    created at " << f.created_at.file << ":" << f.created_at.line << "\n";
  }
  return os.str();
}

void parse_policy(const std::string& text, config& c) {
  const auto bad = [&text](const std::string& why) {
    return std::invalid_argument("GOX_POLICY: " + why + " in \"" + text +
                                 "\" (expected random, pct[:d=D][,steps=K] or dfs[:preemptions=P][,runs=N][,schedule=S])");
  };
  if (text == "random") {
    c.policy = policy_kind::random;
    return;
  }
  const std::string kind = text.substr(0, text.find(':'));
  if ((kind != "pct" && kind != "dfs") || (text.size() > 3 && text[3] != ':')) throw bad("unknown policy");
  c.policy = kind == "pct" ? policy_kind::pct : policy_kind::dfs;
  std::string rest = text.size() > 4 ? text.substr(4) : "";
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string part = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    const std::size_t eq = part.find('=');
    if (eq == std::string::npos) throw bad("\"" + part + "\" is not name=value");
    const std::string name = part.substr(0, eq), value = part.substr(eq + 1);
    if (kind == "dfs" && name == "schedule") {
      if (value.empty() || !detail::parse_schedule(value)) throw bad("\"" + value + "\" is not a schedule (STEP.CHOICE+..., first or lockstep)");
      c.dfs_schedule = value;
      continue;
    }
    char* end = nullptr;
    const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
    const bool zero_ok = kind == "dfs" && name == "preemptions";
    if (value.empty() || *end != '\0' || (n == 0 && !zero_ok)) throw bad("\"" + value + "\" is not a positive number");
    if (kind == "pct" && name == "d" && n <= 16) c.pct_depth = static_cast<int>(n);
    else if (kind == "pct" && name == "steps") c.pct_steps = n;
    else if (kind == "dfs" && name == "preemptions" && n <= 16) c.dfs_preemptions = static_cast<int>(n);
    else if (kind == "dfs" && name == "runs") c.dfs_runs = n;
    else throw bad("unknown or out-of-range parameter \"" + name + "\"");
  }
}

std::string describe_policy(const config& c) {
  if (c.policy == policy_kind::random) return "random";
  if (c.policy == policy_kind::dfs)
    return c.dfs_schedule.empty() ? "dfs:preemptions=" + std::to_string(c.dfs_preemptions) +
                                        ",runs=" + std::to_string(c.dfs_runs)
                                  : "dfs:schedule=" + c.dfs_schedule;
  return "pct:d=" + std::to_string(c.pct_depth) + ",steps=" + std::to_string(c.pct_steps);
}

config config::from_env(config base) {
  auto get = [](const char* k) -> const char* {
    const char* v = std::getenv(k);
    return v && *v ? v : nullptr;
  };
  auto num = [](const char* k, const char* v) -> unsigned long long {
    char* end = nullptr;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (*end != '\0') throw std::invalid_argument(std::string(k) + ": not a number: " + v);
    return n;
  };
  if (const char* v = get("GOX_SCHED")) {
    std::string s = v;
    if (s == "det" || s == "deterministic") base.sched = sched_kind::deterministic;
    else if (s == "par" || s == "parallel") base.sched = sched_kind::parallel;
    else throw std::invalid_argument("GOX_SCHED: expected det or par, got " + s);
  }
  if (const char* v = get("GOX_SEED")) base.seed = num("GOX_SEED", v);
  if (const char* v = get("GOX_THREADS")) base.threads = static_cast<int>(num("GOX_THREADS", v));
  if (const char* v = get("GOX_CLOCK")) {
    std::string s = v;
    if (s == "real") base.clock = clock_kind::real;
    else if (s == "virtual") base.clock = clock_kind::virtual_time;
    else throw std::invalid_argument("GOX_CLOCK: expected real or virtual, got " + s);
  }
  if (const char* v = get("GOX_POLICY")) parse_policy(v, base);
  if (const char* v = get("GOX_TRACE")) base.trace = std::string(v) == "all" ? config::kTraceAll : num("GOX_TRACE", v);
  if (const char* v = get("GOX_EXPLORE")) {
    std::string s = v;
    if (s == "off") base.explore = explore_kind::off;
    else if (s == "atomics") base.explore = explore_kind::atomics;
    else if (s == "accesses") base.explore = explore_kind::accesses;
    else throw std::invalid_argument("GOX_EXPLORE: expected off, atomics or accesses, got " + s);
  }
  return base;
}

std::string config::describe() const {
  std::ostringstream os;
  if (sched == sched_kind::deterministic) os << "sched=det seed=" << seed;
  else os << "sched=par threads=" << threads;
  os << " clock=" << (clock == clock_kind::real ? "real" : "virtual");
  if (sched == sched_kind::deterministic && explore != explore_kind::off)
    os << " explore=" << (explore == explore_kind::atomics ? "atomics" : "accesses");
  if (sched == sched_kind::deterministic && policy != policy_kind::random)
    os << " policy=" << describe_policy(*this);
  return os.str();
}

run_result run(const config& cfg, std::function<void()> main) {
  if (cfg.clock == clock_kind::virtual_time && cfg.sched == sched_kind::parallel)
    throw std::invalid_argument("virtual time needs the deterministic scheduler");
  if (cfg.sched == sched_kind::parallel && cfg.threads < 1)
    throw std::invalid_argument("parallel scheduler needs at least one thread");
  runtime_state rt(cfg);
  rt.algos.resize(rt.nthreads, nullptr);
  std::vector<boost::fibers::algo::algorithm::ptr_t> owned(rt.nthreads);
  std::atomic<int> installed{0};

  // Each scheduler thread installs its algorithm, then waits until every
  // thread has one, so no fiber can migrate to a thread without it.
  auto start_thread = [&](int i) {
    detail::race_thread_started();
    detail::set_thread_runtime(&rt);
    owned[i] = new detail::scheduler_algo(&rt);
    rt.algos[i] = static_cast<detail::scheduler_algo*>(owned[i].get());
    detail::tls_algo = rt.algos[i];
    boost::fibers::context::active()->get_scheduler()->set_algo(owned[i]);
    installed.fetch_add(1);
    while (installed.load() < rt.nthreads) std::this_thread::yield();
  };

  const auto t0 = rt.now();
  rt.trace_origin = t0;
  std::thread main_thread([&] {
    start_thread(0);
    detail::fiber_record* rec = rt.new_record("main", source_location{});
    boost::fibers::fiber f(static_cast<boost::fibers::fiber_properties*>(rec), std::allocator_arg,
                           detail::stack_allocator{}, [&rt, rec, &main] { rt.main_main(rec, main); });
    f.join();
    {
      detail::spin_guard g(rt.mu);
      rt.finished.store(true);
      for (detail::waiter* w : rt.lenders) w->signal();
      rt.lenders.clear();
    }
    rt.wake_idlers();
    detail::set_thread_runtime(nullptr);
    detail::flush_thread_stacks();
    detail::flush_thread_records();
  });
  std::vector<std::thread> workers;
  for (int i = 1; i < rt.nthreads; ++i) {
    workers.emplace_back([&, i] {
      start_thread(i);
      // This thread's main context only lends the thread to the run: it
      // sleeps until the run has finished while the dispatcher runs fibers.
      for (;;) {
        detail::waiter w;
        detail::prepare(w, "scheduler thread", source_location{});
        detail::spin_guard g(rt.mu);
        if (rt.finished.load()) break;
        rt.lenders.push_back(&w);
        g.unlock();
        detail::park(w);
      }
      detail::set_thread_runtime(nullptr);
      detail::flush_thread_stacks();
      detail::flush_thread_records();
    });
  }
  main_thread.join();
  for (auto& w : workers) w.join();
  detail::race_acquire(&rt);
  rt.result.elapsed = std::chrono::nanoseconds(rt.now() - t0);
  rt.result.steps = rt.steps;
  if (cfg.trace > 0 && cfg.sched == sched_kind::deterministic) {
    rt.result.trace.assign(rt.trace.begin(), rt.trace.end());
    std::string text = "gox: the schedule of this run, its last " + std::to_string(rt.trace.size()) +
                       " switch(es) between fibers (" + std::to_string(rt.steps) + " scheduling decisions in all; " +
                       cfg.describe() + "):\n";
    for (const auto& line : rt.trace) text += "  " + line + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  return rt.result;
}

int run_main(std::function<void()> main, config base) {
  config cfg;
  try {
    cfg = config::from_env(base);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "gox: %s\n", e.what());
    return 2;
  }
  run_result r = run(cfg, std::move(main));
  if (r.ok()) return 0;
  std::fprintf(stderr, "%s[%s]\n", r.report().c_str(), cfg.describe().c_str());
  return r.result == outcome::leak ? 3 : 2;
}

void go(std::function<void()> fn, std::string name, source_location loc) {
  runtime_state* rt = detail::current_runtime();
  if (!rt) detail::throw_panic("gox::go called outside gox::run");
  rt->spawn(std::move(fn), std::move(name), loc);
}

void yield() {
  detail::yield_point(true);
  detail::stop_if_killed();
}

std::string fiber_name() {
  detail::fiber_record* r = detail::current_record();
  return r ? detail::display_name(r) : std::string();
}

bool in_run() noexcept { return detail::current_runtime() != nullptr; }

}  // namespace gox
