#pragma once
// Internal state of one gox::run: fiber registry, timers, scheduler threads,
// and how the run ends. Not part of the public API.

#include <atomic>
#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/properties.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gox/detail/park.hpp"
#include "gox/detail/spin_lock.hpp"
#include "gox/detail/timer.hpp"
#include "gox/runtime.hpp"
#include "policy.hpp"

namespace gox::detail {

struct runtime_state;

/// One fiber of a run. Owned by its Boost.Fiber context (as its properties),
/// linked in the run's registry from go() until the fiber ends.
struct fiber_record final : boost::fibers::fiber_properties {
  fiber_record() : boost::fibers::fiber_properties(nullptr) {}
#if defined(GOX_RACE)
  ~fiber_record() override;
  // Freed by the dispatcher, which has no happens-before with the fiber's
  // parent: the free must not count as a conflicting write.
  static void* operator new(std::size_t n) { return ::operator new(n); }
  static void operator delete(void* p) noexcept;
  void* tsan_fiber = nullptr;  // this fiber's ThreadSanitizer context
  bool tsan_published = false;  // the parent released the fiber's start state
  bool tsan_entered = false;    // the fiber acquired it on its first switch-in
  std::atomic<bool> tsan_lent{false};  // see race_lend: resumed on the scratch context
  int tsan_ignores = 0;  // begun by unwind(), ended when the fiber ends (race_unwound)
#else
  // Records are recycled through a per-thread cache (see flush_thread_records):
  // a fan-out of short fibers frees them in bursts that would overflow malloc's.
  static void* operator new(std::size_t n);
  static void operator delete(void* p) noexcept;
#endif

  // constant after construction
  runtime_state* rt = nullptr;
  std::uint64_t id = 0;
  std::string name;
  source_location created_at;
  std::function<void()> fn;

  // written by the fiber itself before it parks, read by dumps and kill_all
  std::atomic<bool> parked{false};
  const char* wait_reason = nullptr;
  source_location wait_loc;
  boost::fibers::waker park_waker{};
  bool immune = false;   // the main wrapper's own waits survive a teardown
  bool system = false;   // the runtime's own (AfterFunc's timer fiber): not in alive, dumps
  bool started = false;  // set by the fiber itself when it first runs
  bool ended = false;    // set by the fiber itself when it leaves the registry (on_exit)

  // protected by runtime_state::mu
  fiber_record* prev = nullptr;
  fiber_record* next = nullptr;

  /// The fiber's Boost.Fiber context; nullptr while a fiber spawned on the
  /// parallel scheduler waits for its first turn (it gets its stack then).
  boost::fibers::context* context() const noexcept { return ctx_; }
};

class scheduler_algo;

/// The next number of the SplitMix64 stream whose state is `s`.
std::uint64_t splitmix64(std::uint64_t& s) noexcept;

/// "goroutine N" for unnamed fibers.
std::string display_name(const fiber_record* r);

struct runtime_state {
  explicit runtime_state(const config& c);

  // constant after construction
  config cfg;
  int nthreads;
  bool virt;
#if defined(GOX_RACE)
  // Race build, several threads: program fibers still move between threads,
  // but run one at a time. TSan's shadow memory is updated without a lock,
  // so two unordered accesses made in the same instant on two CPUs can each
  // miss the other (measured: context_err's racy variant unreported in about
  // 1 run in 5 on two threads, 0 in 100 once the accesses were 30 us apart).
  // Taking turns gives TSan every access in a total order. The turn is held
  // while a thread runs a program fiber, handed back at each switch.
  bool race_serial;
  std::atomic<std::uint32_t> race_turn_next{0};
  std::atomic<std::uint32_t> race_turn_serving{0};
  void race_turn_begin() noexcept;
  void race_turn_end() noexcept;
#endif
  std::int64_t wall_origin;  // Unix ns at mono 0

  // protected by mu: registry, timers, lifecycle, result
  spin_lock mu;
  fiber_record* head = nullptr;
  std::size_t alive = 0;
  std::uint64_t next_id = 1;
  std::vector<timer_handle> heap;  // min-heap on (when, seq)
  std::uint64_t timer_seq = 0;
  bool main_done = false;
  nanos main_done_at = 0;
  waiter* main_waiter = nullptr;
  // The run's main fiber. Once the outcome is decided it unwinds last, after
  // every other fiber, so nothing they run during teardown finds main's
  // locals destroyed; main_released says its turn has come.
  fiber_record* main_rec = nullptr;
  std::atomic<bool> main_released{false};
  bool main_waits_for_quiet = false;
  bool result_set = false;
  run_result result;
  int idle_count = 0;
  int idle_advances = 0;  // virtual-time jumps that woke no fiber, in a row

  std::atomic<nanos> vnow{0};
  std::atomic<bool> killing{false};
  std::atomic<bool> finished{false};  // scheduler threads may exit
  std::atomic<bool> woke_fiber{false};
  std::atomic<bool> firing{false};
  std::atomic<std::uint32_t> idle_seq{0};
  std::atomic<int> idlers{0};

  // parallel scheduler: the shared ready queue (program fibers; one that has
  // not had its first turn may have no context yet, see fiber_record::context)
  spin_lock qmu;
  std::deque<fiber_record*> shared;
  std::vector<scheduler_algo*> algos;  // filled before any fiber starts
  std::vector<waiter*> lenders;        // parked main contexts of threads 1..n-1 (under mu)
  std::size_t system_alive = 0;        // system fibers, not in `alive` (under mu)
  bool timer_fiber_started = false;    // (under mu)
  waiter* timer_waiter = nullptr;      // the timer fiber, parked (under mu)
  std::deque<std::function<void()>> due_funcs;  // (under mu)

  std::uint64_t rng_state;  // deterministic scheduler only (one thread)
  std::unique_ptr<sched_policy> policy;  // deterministic scheduler only
  std::uint64_t steps = 0;               // its decisions so far
  std::deque<std::string> trace;         // cfg.trace: the last switches, as run_result::trace
  nanos trace_origin = 0;                // the run's start, on its clock
  std::atomic<std::uint64_t> user_rng;  // gox::rand's source, seeded from cfg.seed

  nanos now() const noexcept;
  std::uint64_t next_rand() noexcept;

  /// A registered record for a fiber about to be created (alive counts it).
  fiber_record* new_record(std::string name, source_location loc, bool system = false);
  void spawn(std::function<void()> fn, std::string name, source_location loc,
             bool system = false);
  // time.AfterFunc: due functions are queued by the firing timer (under mu)
  // and started as fibers by the run's timer fiber, a system fiber.
  void queue_func_locked(std::function<void()> f);
  void ensure_timer_fiber();
  void timer_fiber_main();
  void fire_one(timer_node& t) noexcept;
  void fiber_main(fiber_record* rec);
  void main_main(fiber_record* rec, const std::function<void()>& main);
  void on_panic(fiber_record* rec, const std::string& what, source_location where = {});
  /// The message for the exception being handled (inside a catch block):
  /// a gox::panic's text and line, or a C++ exception's type and what().
  void on_current_exception(fiber_record* rec);
  void on_exit(fiber_record* rec);
  void finish_main(fiber_record* rec);

  timer_handle add_timer(nanos when, nanos period, std::function<void()> fire);
  /// Fires due timers; returns how many fired.
  int fire_due() noexcept;
  /// The earliest pending timer, or INT64_MAX; drops stopped ones. REQUIRES: mu held.
  nanos next_timer_locked() noexcept;

  void idle(scheduler_algo* self, std::chrono::steady_clock::time_point tp) noexcept;
  void wake_idlers() noexcept;

  // REQUIRES: mu held.
  void set_result_locked(outcome o, std::string message, bool dump, const fiber_record* skip);
  void kill_all_locked() noexcept;
  /// Teardown: main's turn to unwind (every other fiber has ended, or none
  /// can move any more).
  void release_main_locked() noexcept;
  bool signal_main_locked() noexcept;
  [[noreturn]] void die_stuck() noexcept;
};

/// The Boost.Fiber scheduling algorithm of every thread of a run.
class scheduler_algo final : public boost::fibers::algo::algorithm {
 public:
  explicit scheduler_algo(runtime_state* rt);

  void awakened(boost::fibers::context* ctx) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  void suspend_until(std::chrono::steady_clock::time_point const& tp) noexcept override;
  void notify() noexcept override;

  std::atomic<bool> notified{false};

 private:
  runtime_state* rt_;
  boost::fibers::context* pick() noexcept;
  /// Race build: makes TSan's current fiber the one Boost is about to resume.
  void enter(boost::fibers::context* next) noexcept;
  boost::fibers::context* take_local() noexcept;
  void requeue(boost::fibers::context* ctx) noexcept;
  boost::fibers::context* take_pinned() noexcept;
  /// The newest fiber that has not had its first turn, its context made now
  /// if it has none yet (see add_fresh).
  boost::fibers::context* take_fresh() noexcept;
  /// `rec`'s context, made (with its stack) and attached to this thread's
  /// scheduler if it has none; nullptr if its stack could not be had (the
  /// fiber then never runs: the run panics, as a go statement would).
  boost::fibers::context* materialise(fiber_record* rec) noexcept;

 public:
  /// Deterministic scheduler: whether its policy lets the running fiber
  /// `current` keep the thread at a scheduling point (see yield_point).
  bool policy_keeps(boost::fibers::context* current, bool explicit_yield) noexcept;
  /// Parallel scheduler: queues a fiber just spawned by the running fiber
  /// without a context or stack yet; it gets them when it first runs, so
  /// fibers waiting for their first turn cost their record only, and one
  /// that ends hands a warm stack to the next. On one thread it runs next
  /// (Go's runnext for a new goroutine).
  void add_fresh(fiber_record* rec) noexcept;
  /// Parallel scheduler, a fiber made by materialise having just ended: the
  /// fiber that pick() would run next, if it is one still without a context,
  /// taken off the queue; its ending predecessor's context then runs it
  /// instead of ending (no context or stack made and freed). nullptr if not.
  fiber_record* adopt_fresh() noexcept;
  /// config::trace: records the switch from `from` to `to` in the trace.
  void trace_switch(boost::fibers::context* from, boost::fibers::context* to) noexcept;

 private:
  std::uint64_t traced_id_ = 0;  // the fiber the trace last saw start running, and its name
  std::string traced_name_;

  // deterministic: every ready context, picked at random; parallel: FIFO of
  // the pinned contexts (and of every context when the run has one thread)
  std::vector<boost::fibers::context*> ready_;
  std::size_t head_ = 0;  // FIFO read position in ready_
  // One thread: the context readied last by a running fiber runs next (Go's
  // runnext), at most kRunnextBurst times in a row; fibers that have not
  // started yet wait newest-first in fresh_ (work-first order: a tree of
  // fibers is explored depth-first, so few are alive at once).
  boost::fibers::context* runnext_ = nullptr;
  std::vector<fiber_record*> fresh_;
  bool fresh_next_ = false;  // the top of fresh_ was spawned last and runs next
  std::vector<boost::fibers::context*> pinned_;  // one thread: main and dispatcher
  unsigned runnext_burst_ = 0;
  unsigned tick_ = 0;
  void* main_tsan_ = nullptr;        // race build: this thread's own TSan fiber
  void* dispatcher_tsan_ = nullptr;  // race build: the dispatcher's
};

/// Frees the calling thread's cached fiber records; later frees on this
/// thread go to the heap directly. Call before a scheduler thread ends.
void flush_thread_records() noexcept;

/// A scheduling point of the calling fiber: gox::yield (explicit_yield),
/// std::this_thread::yield in an exploration run (explicit too), an explored
/// memory operation (not). On the deterministic scheduler its policy decides
/// whether the fiber keeps running; otherwise it yields.
void yield_point(bool explicit_yield) noexcept;

/// Race build: marks the calling scheduler thread's start (see runtime.cpp).
void race_thread_started() noexcept;

extern thread_local runtime_state* tls_runtime;  // set on the run's scheduler threads
void set_thread_runtime(runtime_state* rt) noexcept;
runtime_state* current_runtime() noexcept;
/// The run whose scheduler thread this is (nullptr on any other thread, and
/// on a scheduler thread before and after its run).
runtime_state* thread_runtime() noexcept;
fiber_record* current_record() noexcept;

}  // namespace gox::detail
