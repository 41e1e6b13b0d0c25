// Exploration build: OS threads, locks, condition variables and sleeps as the
// deterministic scheduler's own fibers, locks and timers.
//
// A test that starts plain std::threads, or code that locks a std::mutex,
// waits on a std::condition_variable or sleeps, reaches the C library
// (pthread_create, pthread_mutex_lock, pthread_cond_wait, nanosleep, ...).
// An exploration binary defines those functions itself. Called from a fiber
// of an exploration run (explore_fiber()), they act on the run:
//   - pthread_create starts a fiber (named "std::thread") that runs the
//     thread's function; pthread_join parks until it ends; pthread_detach
//     lets it end alone. So a seed fixes how the "threads" interleave, and
//     replays it, like any other fibers of the run (thread_local variables
//     are then shared by those fibers: they all run on one OS thread);
//   - a pthread mutex or rwlock is a lock of the run: contended, the fiber
//     parks (the deadlock detector sees it, with "std::mutex lock" as its wait
//     reason), and a fiber may be switched out while holding one, so a
//     critical section that protects nothing (a fresh mutex per call) shows;
//     recursive and error-checking mutexes keep their kind;
//   - a condition variable queues its waiters as the run's fibers; a timed
//     wait, like a sleep or sched_yield, uses the run's clock (virtual or
//     real) and scheduler.
// Anywhere else (plain threads, the parallel scheduler, before and after a
// run, inside the runtime) each function is the C library's.
//
// The objects' run-side state lives in a table keyed by address, reset when
// a new run uses it (a lock left held by a run that was torn down does not
// leak into the next). An object used both inside a run and outside it at
// the same time (locked by a fiber, and by the test's main thread meanwhile)
// is not supported: the two sides do not see each other.

#if defined(GOX_EXPLORE)

#include <boost/fiber/operations.hpp>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <cerrno>
#include <exception>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <unordered_map>

#include "explore.hpp"
#include "gox/detail/chan_core.hpp"
#include "gox/detail/timer.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"
#include "runtime_state.hpp"

namespace gox::detail {

namespace {

// A pthread mutex, rwlock or condition variable as the run's fibers see it.
struct os_sync {
  fiber_record* owner = nullptr;  // mutex, rwlock: the fiber holding it (rwlock: the writer)
  int count = 0;                  // mutex: recursion depth; rwlock: readers
  waitq q;                        // fibers waiting to lock it, or (condition variable) to be woken
};

// A std::thread that is a fiber.
struct fiber_thread {
  std::function<void*()> body;
  void* result = nullptr;
  bool done = false;
  bool detached = false;
  waitq joiners;
};

struct os_table {
  spin_lock mu;
  runtime_state* run = nullptr;  // the run the entries belong to
  std::unordered_map<const void*, os_sync> objs;
  std::unordered_map<pthread_t, std::unique_ptr<fiber_thread>> threads;
};

// Never destroyed: the C library's functions are called during exit too.
os_table& table() noexcept {
  static os_table* t = new os_table;
  return *t;
}

// REQUIRES: table().mu held. Called on a run's thread, drops the entries of
// an earlier run.
void adopt_run(os_table& t) {
  runtime_state* rt = thread_runtime();
  if (rt && t.run != rt) {
    t.objs.clear();
    t.threads.clear();
    t.run = rt;
  }
}

os_sync& entry(os_table& t, const void* obj) {
  adopt_run(t);
  return t.objs[obj];
}

os_sync* find(os_table& t, const void* obj) {
  adopt_run(t);
  const auto it = t.objs.find(obj);
  return it == t.objs.end() ? nullptr : &it->second;
}

constexpr source_location kNowhere{};

// The run's clock reading that corresponds to `abstime` on `clock` (a real
// clock: the candidate's deadline), counted from now.
nanos run_deadline(clockid_t clock, const struct timespec* abstime) noexcept {
  struct timespec now {};
  ::clock_gettime(clock, &now);
  const nanos rel = (abstime->tv_sec - now.tv_sec) * 1'000'000'000LL + (abstime->tv_nsec - now.tv_nsec);
  return mono_now() + (rel > 0 ? rel : 0);
}

enum class waited { woken, timed_out, run_ending };

// Queues the calling fiber on `q`, wakes `wl`, releases `g` (the table's
// lock) and parks until a waker takes it off `q`, or, with a deadline (>= 0,
// on the run's clock), until then, or until the run is torn down. Never
// throws: the C library's lock functions are declared not to, so the caller
// decides how a torn-down wait ends. Explorations run on one thread: waking
// `wl` before parking only makes those fibers ready.
waited wait_in(spin_guard& g, waitq& q, const char* reason, nanos deadline, wake_list& wl) noexcept {
  os_table& t = table();
  wl.wake_all();
  if (deadline >= 0 && deadline <= mono_now()) {
    g.unlock();
    return waited::timed_out;
  }
  waiter w;
  prepare(w, reason, kNowhere);
  sudog s;
  s.w = &w;
  q.enqueue(&s);
  g.unlock();
  bool timed_out = false;
  timer_handle h;
  if (deadline >= 0)
    h = add_timer(deadline, 0, [&t, &q, &s, &w, &timed_out] {
      spin_guard g2(t.mu);
      if (!s.linked) return;  // a waker took it: it signals
      q.remove(&s);
      timed_out = true;
      g2.unlock();
      w.signal();
    });
  const bool alive = park(w);
  if (h && !stop_timer(h)) timer_barrier();  // its callback holds &s, &w
  const bool completed = settle(s, q, t.mu);
  if (!alive || !completed) return waited::run_ending;
  return timed_out ? waited::timed_out : waited::woken;
}

enum class mutex_kind { normal, recursive, errorcheck };

mutex_kind kind_of(const pthread_mutex_t* m) noexcept {
  // glibc: the low bits of __kind are the type (PTHREAD_MUTEX_RECURSIVE_NP 1,
  // PTHREAD_MUTEX_ERRORCHECK_NP 2; 0 and 3 plain).
  switch (m->__data.__kind & 3) {
    case 1: return mutex_kind::recursive;
    case 2: return mutex_kind::errorcheck;
    default: return mutex_kind::normal;
  }
}

// Locks `obj` for `me`: exclusively (a mutex, a rwlock's writer) or shared
// (a rwlock's reader). 0, EBUSY (try), EDEADLK (an error-checking mutex the
// caller holds) or ETIMEDOUT.
int lock_for(fiber_record* me, const void* obj, mutex_kind kind, bool shared, bool try_only, nanos deadline) {
  os_table& t = table();
  for (;;) {
    spin_guard g(t.mu);
    os_sync& e = entry(t, obj);
    if (shared ? e.owner == nullptr : (e.owner == nullptr && e.count == 0)) {
      if (shared) ++e.count;
      else {
        e.owner = me;
        e.count = 1;
      }
      return 0;
    }
    if (!shared && e.owner == me) {
      if (kind == mutex_kind::recursive) {
        ++e.count;
        return 0;
      }
      if (kind == mutex_kind::errorcheck) return EDEADLK;
      // A plain mutex locked again by its holder waits for itself, as the C
      // library's does: a deadlock, which the runtime reports.
    }
    if (try_only) return EBUSY;
    if (explore_run_ending()) {
      // The run is torn down (its outcome decided) and the holder is being
      // unwound too. A destructor unwinding takes the lock over (an error
      // would end the process there); anyone else gets EDEADLK, which
      // std::mutex throws as std::system_error: the fiber unwinds.
      if (std::uncaught_exceptions() == 0) return EDEADLK;
      e.owner = shared ? nullptr : me;
      e.count = shared ? e.count + 1 : 1;
      return 0;
    }
    wake_list none;
    const waited how = wait_in(g, e.q, shared ? "std::shared_mutex lock_shared" : "std::mutex lock", deadline, none);
    if (how == waited::timed_out) return ETIMEDOUT;
  }
}

// Unlocks `obj` for `me`. -1: not a lock of this run (the C library's then).
int unlock_for(fiber_record* me, const void* obj, bool rwlock, mutex_kind kind) {
  os_table& t = table();
  wake_list wl;
  {
    spin_guard g(t.mu);
    os_sync* e = find(t, obj);
    if (!e) return -1;
    if (!rwlock && kind == mutex_kind::errorcheck && e->owner != me) return EPERM;
    if (e->owner == me && --e->count > 0) return 0;  // recursive
    if (e->owner != nullptr) {
      e->owner = nullptr;
      e->count = 0;
    } else if (e->count > 0) {
      --e->count;  // a reader
      if (e->count > 0) return 0;
    }
    // Every waiter tries again (a reader and writers may all be waiting).
    while (sudog* s = e->q.dequeue()) wl.push(s, true);
  }
  wl.wake_all();
  return 0;
}

int cond_wait_for(fiber_record* me, pthread_cond_t* c, pthread_mutex_t* m, nanos deadline) {
  os_table& t = table();
  const mutex_kind kind = kind_of(m);
  int depth = 0;
  bool signalled = false;
  {
    spin_guard g(t.mu);
    os_sync* mu = find(t, m);
    if (!mu || mu->owner != me) return EPERM;  // the mutex is not held by this fiber
    depth = mu->count;
    mu->owner = nullptr;
    mu->count = 0;
    wake_list wl;
    if (sudog* s = mu->q.dequeue()) wl.push(s, true);
    os_sync& cv = entry(t, c);
    const waited how = wait_in(g, cv.q, "std::condition_variable wait", deadline, wl);
    if (how == waited::run_ending) unwind();  // (a cancellation point: may throw)
    signalled = how == waited::woken;
  }
  lock_for(me, m, kind, false, false, -1);
  {
    spin_guard g(t.mu);
    entry(t, m).count = depth;
  }
  return signalled ? 0 : ETIMEDOUT;
}

// -1: not a condition variable of this run.
int cond_wake(const void* c, bool all) {
  os_table& t = table();
  wake_list wl;
  {
    spin_guard g(t.mu);
    os_sync* e = find(t, c);
    if (!e) return -1;
    while (sudog* s = e->q.dequeue()) {
      wl.push(s, true);
      if (!all) break;
    }
  }
  wl.wake_all();
  return 0;
}

void end_thread(fiber_thread* ft) noexcept {
  os_table& t = table();
  wake_list wl;
  {
    spin_guard g(t.mu);
    ft->done = true;
    while (sudog* s = ft->joiners.dequeue()) wl.push(s, true);
    if (ft->detached) t.threads.erase(reinterpret_cast<pthread_t>(ft));
  }
  wl.wake_all();
}

pthread_t start_thread(std::function<void*()> body, bool detached) {
  auto owned = std::make_unique<fiber_thread>();
  fiber_thread* ft = owned.get();
  ft->body = std::move(body);
  ft->detached = detached;
  const pthread_t id = reinterpret_cast<pthread_t>(ft);
  {
    os_table& t = table();
    spin_guard g(t.mu);
    adopt_run(t);
    t.threads.emplace(id, std::move(owned));
  }
  // The thread has ended when the fiber lets go of its function: after
  // running it, or without running it at all when the run is torn down
  // before the fiber starts.
  struct ender {
    explicit ender(fiber_thread* t) : ft(t) {}
    ender(const ender&) = delete;
    ender& operator=(const ender&) = delete;
    ~ender() { end_thread(ft); }
    fiber_thread* ft;
  };
  go([ft, end = std::make_shared<ender>(ft)] { ft->result = ft->body(); }, "std::thread", kNowhere);
  return id;
}

// -1: not a thread of this run. Never unwinds: a run torn down while a fiber
// joins lets the joined thread end (it is being unwound) and then returns as
// a join does, so the joiner does not unwind through std::thread objects
// that are still joinable (their destructors would end the process).
int join_thread(fiber_record* me, pthread_t id, void** ret) {
  os_table& t = table();
  for (;;) {
    spin_guard g(t.mu);
    adopt_run(t);
    const auto it = t.threads.find(id);
    if (it == t.threads.end()) return -1;
    fiber_thread* ft = it->second.get();
    if (ft->detached) return EINVAL;
    if (ft->done) {
      if (ret) *ret = ft->result;
      t.threads.erase(it);
      return 0;
    }
    if (!me) return EINVAL;  // waited for from outside the run: it cannot end now
    if (explore_run_ending()) {
      g.unlock();
      boost::this_fiber::yield();
      continue;
    }
    waiter w;
    prepare(w, "std::thread join", kNowhere);
    sudog s;
    s.w = &w;
    ft->joiners.enqueue(&s);
    g.unlock();
    park(w);
    settle(s, ft->joiners, t.mu);
  }
}

int detach_thread(pthread_t id) {
  os_table& t = table();
  spin_guard g(t.mu);
  adopt_run(t);
  const auto it = t.threads.find(id);
  if (it == t.threads.end()) return -1;
  if (it->second->done) t.threads.erase(it);
  else it->second->detached = true;
  return 0;
}

void fiber_sleep(nanos d) {
  if (d > 0) time::Sleep(time::Duration(d), kNowhere);
  else boost::this_fiber::yield();
}

nanos span(const struct timespec* ts) noexcept { return ts->tv_sec * 1'000'000'000LL + ts->tv_nsec; }

}  // namespace
}  // namespace gox::detail

namespace gd = gox::detail;

// The C library's definition of a function replaced here.
#define GOX_REAL(name) gd::next_definition(real_##name, #name)
#define GOX_REAL_SLOT(name, type) static std::atomic<type> real_##name{nullptr}

extern "C" {

using mutex_fn = int (*)(pthread_mutex_t*);
using mutex_timed_fn = int (*)(pthread_mutex_t*, const struct timespec*);
using mutex_clock_fn = int (*)(pthread_mutex_t*, clockid_t, const struct timespec*);
using rw_fn = int (*)(pthread_rwlock_t*);
using rw_timed_fn = int (*)(pthread_rwlock_t*, const struct timespec*);
using rw_clock_fn = int (*)(pthread_rwlock_t*, clockid_t, const struct timespec*);

// ---------------------------------------------------------------- mutexes
// Outside a run's fibers: the C library's, counted (no switch while held).

#define GOX_EXPLORE_MUTEX(name, params, args, fiber_call, type)            \
  int name params {                                                         \
    if (gd::fiber_record* me = gd::explore_fiber()) return fiber_call;      \
    GOX_REAL_SLOT(name, type);                                              \
    const int rc = GOX_REAL(name) args;                               \
    gd::os_lock_taken(rc);                                                  \
    return rc;                                                              \
  }
GOX_EXPLORE_MUTEX(pthread_mutex_lock, (pthread_mutex_t * m), (m),
                  gd::lock_for(me, m, gd::kind_of(m), false, false, -1), mutex_fn)
GOX_EXPLORE_MUTEX(pthread_mutex_trylock, (pthread_mutex_t * m), (m),
                  gd::lock_for(me, m, gd::kind_of(m), false, true, -1), mutex_fn)
GOX_EXPLORE_MUTEX(pthread_mutex_timedlock, (pthread_mutex_t * m, const struct timespec* t), (m, t),
                  gd::lock_for(me, m, gd::kind_of(m), false, false, gd::run_deadline(CLOCK_REALTIME, t)),
                  mutex_timed_fn)
GOX_EXPLORE_MUTEX(pthread_mutex_clocklock, (pthread_mutex_t * m, clockid_t c, const struct timespec* t),
                  (m, c, t), gd::lock_for(me, m, gd::kind_of(m), false, false, gd::run_deadline(c, t)),
                  mutex_clock_fn)
GOX_EXPLORE_MUTEX(pthread_rwlock_rdlock, (pthread_rwlock_t * l), (l),
                  gd::lock_for(me, l, gd::mutex_kind::normal, true, false, -1), rw_fn)
GOX_EXPLORE_MUTEX(pthread_rwlock_tryrdlock, (pthread_rwlock_t * l), (l),
                  gd::lock_for(me, l, gd::mutex_kind::normal, true, true, -1), rw_fn)
GOX_EXPLORE_MUTEX(pthread_rwlock_timedrdlock, (pthread_rwlock_t * l, const struct timespec* t), (l, t),
                  gd::lock_for(me, l, gd::mutex_kind::normal, true, false, gd::run_deadline(CLOCK_REALTIME, t)),
                  rw_timed_fn)
GOX_EXPLORE_MUTEX(pthread_rwlock_clockrdlock, (pthread_rwlock_t * l, clockid_t c, const struct timespec* t),
                  (l, c, t), gd::lock_for(me, l, gd::mutex_kind::normal, true, false, gd::run_deadline(c, t)),
                  rw_clock_fn)
GOX_EXPLORE_MUTEX(pthread_rwlock_wrlock, (pthread_rwlock_t * l), (l),
                  gd::lock_for(me, l, gd::mutex_kind::normal, false, false, -1), rw_fn)
GOX_EXPLORE_MUTEX(pthread_rwlock_trywrlock, (pthread_rwlock_t * l), (l),
                  gd::lock_for(me, l, gd::mutex_kind::normal, false, true, -1), rw_fn)
GOX_EXPLORE_MUTEX(pthread_rwlock_timedwrlock, (pthread_rwlock_t * l, const struct timespec* t), (l, t),
                  gd::lock_for(me, l, gd::mutex_kind::normal, false, false, gd::run_deadline(CLOCK_REALTIME, t)),
                  rw_timed_fn)
GOX_EXPLORE_MUTEX(pthread_rwlock_clockwrlock, (pthread_rwlock_t * l, clockid_t c, const struct timespec* t),
                  (l, c, t), gd::lock_for(me, l, gd::mutex_kind::normal, false, false, gd::run_deadline(c, t)),
                  rw_clock_fn)
#undef GOX_EXPLORE_MUTEX

int pthread_mutex_unlock(pthread_mutex_t* m) {
  if (gd::fiber_record* me = gd::explore_fiber())
    if (const int rc = gd::unlock_for(me, m, false, gd::kind_of(m)); rc >= 0) return rc;
  GOX_REAL_SLOT(pthread_mutex_unlock, mutex_fn);
  const int rc = GOX_REAL(pthread_mutex_unlock)(m);
  if (rc == 0) gd::os_lock_released();
  return rc;
}

int pthread_rwlock_unlock(pthread_rwlock_t* l) {
  if (gd::fiber_record* me = gd::explore_fiber())
    if (const int rc = gd::unlock_for(me, l, true, gd::mutex_kind::normal); rc >= 0) return rc;
  GOX_REAL_SLOT(pthread_rwlock_unlock, rw_fn);
  const int rc = GOX_REAL(pthread_rwlock_unlock)(l);
  if (rc == 0) gd::os_lock_released();
  return rc;
}

// ---------------------------------------------------------------- condition variables

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  if (gd::fiber_record* me = gd::explore_fiber()) return gd::cond_wait_for(me, c, m, -1);
  GOX_REAL_SLOT(pthread_cond_wait, int (*)(pthread_cond_t*, pthread_mutex_t*));
  return GOX_REAL(pthread_cond_wait)(c, m);
}

int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* t) {
  using fn = int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*);
  if (gd::fiber_record* me = gd::explore_fiber()) {
    // The condition variable's clock is an attribute; std::condition_variable
    // uses pthread_cond_clockwait instead, so this is C code's: realtime.
    return gd::cond_wait_for(me, c, m, gd::run_deadline(CLOCK_REALTIME, t));
  }
  GOX_REAL_SLOT(pthread_cond_timedwait, fn);
  return GOX_REAL(pthread_cond_timedwait)(c, m, t);
}

int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const struct timespec* t) {
  using fn = int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const struct timespec*);
  if (gd::fiber_record* me = gd::explore_fiber()) return gd::cond_wait_for(me, c, m, gd::run_deadline(clock, t));
  GOX_REAL_SLOT(pthread_cond_clockwait, fn);
  return GOX_REAL(pthread_cond_clockwait)(c, m, clock, t);
}

int pthread_cond_signal(pthread_cond_t* c) {
  if (gd::explore_fiber() && gd::cond_wake(c, false) >= 0) return 0;
  GOX_REAL_SLOT(pthread_cond_signal, int (*)(pthread_cond_t*));
  return GOX_REAL(pthread_cond_signal)(c);
}

int pthread_cond_broadcast(pthread_cond_t* c) {
  if (gd::explore_fiber() && gd::cond_wake(c, true) >= 0) return 0;
  GOX_REAL_SLOT(pthread_cond_broadcast, int (*)(pthread_cond_t*));
  return GOX_REAL(pthread_cond_broadcast)(c);
}

// ---------------------------------------------------------------- threads

int pthread_create(pthread_t* out, const pthread_attr_t* attr, void* (*fn)(void*), void* arg) {
  using create_fn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  if (gd::explore_fiber() && !gd::explore_run_ending()) {
    int detach = PTHREAD_CREATE_JOINABLE;
    if (attr) ::pthread_attr_getdetachstate(attr, &detach);
    *out = gd::start_thread([fn, arg] { return fn(arg); }, detach == PTHREAD_CREATE_DETACHED);
    return 0;
  }
  GOX_REAL_SLOT(pthread_create, create_fn);
  return GOX_REAL(pthread_create)(out, attr, fn, arg);
}

int pthread_join(pthread_t id, void** ret) {
  if (const int rc = gd::join_thread(gd::explore_fiber(), id, ret); rc >= 0) return rc;
  GOX_REAL_SLOT(pthread_join, int (*)(pthread_t, void**));
  return GOX_REAL(pthread_join)(id, ret);
}

int pthread_detach(pthread_t id) {
  if (const int rc = gd::detach_thread(id); rc >= 0) return rc;
  GOX_REAL_SLOT(pthread_detach, int (*)(pthread_t));
  return GOX_REAL(pthread_detach)(id);
}

// ---------------------------------------------------------------- yielding and sleeping

int sched_yield() {
  if (gd::explore_fiber()) {
    gd::yield_point(true);
    return 0;
  }
  GOX_REAL_SLOT(sched_yield, int (*)());
  return GOX_REAL(sched_yield)();
}

int nanosleep(const struct timespec* req, struct timespec* rem) {
  if (gd::explore_fiber()) {
    gd::fiber_sleep(gd::span(req));
    if (rem) *rem = {};
    return 0;
  }
  GOX_REAL_SLOT(nanosleep, int (*)(const struct timespec*, struct timespec*));
  return GOX_REAL(nanosleep)(req, rem);
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* req, struct timespec* rem) {
  using fn = int (*)(clockid_t, int, const struct timespec*, struct timespec*);
  if (gd::explore_fiber()) {
    gd::fiber_sleep((flags & TIMER_ABSTIME) ? gd::run_deadline(clock, req) - gd::mono_now() : gd::span(req));
    if (rem) *rem = {};
    return 0;
  }
  GOX_REAL_SLOT(clock_nanosleep, fn);
  return GOX_REAL(clock_nanosleep)(clock, flags, req, rem);
}

int usleep(useconds_t us) {
  if (gd::explore_fiber()) {
    gd::fiber_sleep(static_cast<gd::nanos>(us) * 1000);
    return 0;
  }
  GOX_REAL_SLOT(usleep, int (*)(useconds_t));
  return GOX_REAL(usleep)(us);
}

}  // extern "C"

// std::thread's constructor reaches the C library through a start routine of
// libstdc++'s that lets no exception out (it ends the process instead). A
// std::thread that is a fiber runs its function directly, so an exception
// thrown there is the run's panic, and a teardown can unwind it.
namespace std {
void thread::_M_start_thread(_State_ptr state, void (*depend)()) {
  if (gd::explore_fiber() && !gd::explore_run_ending()) {
    std::shared_ptr<_State> st(state.release());
    _M_id._M_thread = gd::start_thread(
        [st] {
          st->_M_run();
          return static_cast<void*>(nullptr);
        },
        false);
    return;
  }
  using start_fn = void (*)(thread*, _State_ptr, void (*)());
  static std::atomic<start_fn> real{nullptr};
  gd::next_definition(real, "_ZNSt6thread15_M_start_threadESt10unique_ptrINS_6_StateESt14default_deleteIS1_EEPFvvE")(
      this, std::move(state), depend);
}
}  // namespace std

#undef GOX_REAL
#undef GOX_REAL_SLOT

#endif  // GOX_EXPLORE
