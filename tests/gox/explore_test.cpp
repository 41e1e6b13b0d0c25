// The exploration build (harness/gox/src/explore.cpp): this file is compiled
// with ThreadSanitizer's instrumentation and linked with gox's exploration
// flavour, so its atomic operations (and, with explore=accesses, its plain
// loads and stores) are scheduling points of the deterministic scheduler.
// Every check here is deterministic: a seed fixes the interleaving.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

namespace {

constexpr int kFibers = 4;
constexpr int kIncs = 200;
constexpr long kWant = kFibers * kIncs;

gox::config det(std::uint64_t seed, gox::explore_kind k) {
  gox::config c;
  c.sched = gox::sched_kind::deterministic;
  c.seed = seed;
  c.explore = k;
  return c;
}

// Runs kFibers fibers that each call inc() kIncs times with no gox call in
// between; returns the counter's final value and the order in which the
// fibers finished (which differs between interleavings).
template <class Counter>
std::pair<long, std::vector<int>> storm(const gox::config& c) {
  auto k = std::make_shared<Counter>();
  auto order = std::make_shared<std::vector<int>>();
  auto order_mu = std::make_shared<gox::Mutex>();  // explore=accesses switches inside push_back too
  const gox::run_result r = gox::run(c, [k, order, order_mu] {
    gox::WaitGroup wg;
    for (int f = 0; f < kFibers; ++f) {
      wg.Add(1);
      gox::go([k, order, order_mu, f, &wg] {
        for (int i = 0; i < kIncs; ++i) k->inc();
        order_mu->Lock();
        order->push_back(f);
        order_mu->Unlock();
        wg.Done();
      });
    }
    wg.Wait();
  });
  INFO(r.report());
  REQUIRE(r.ok());
  return {k->value(), *order};
}

struct load_store_counter {  // the classic lost update, free of data races
  std::atomic<long> v{0};
  void inc() { v.store(v.load() + 1); }
  long value() const { return v.load(); }
};

struct fetch_add_counter {
  std::atomic<long> v{0};
  void inc() { v.fetch_add(1); }
  long value() const { return v.load(); }
};

struct plain_counter {  // a data race: two plain accesses
  long v = 0;
  __attribute__((noinline)) void inc() { v = v + 1; }
  long value() const { return v; }
};

struct std_mutex_counter {  // correct: the atomic is only touched under the lock
  std::mutex mu;
  long v = 0;
  std::atomic<long> calls{0};
  void inc() {
    std::lock_guard g(mu);
    calls.fetch_add(1);  // a scheduling point while a std::mutex is held
    v = v + 1;
  }
  long value() {
    std::lock_guard g(mu);
    return v;
  }
};

struct mutex_counter {
  gox::Mutex mu;
  long v = 0;
  void inc() {
    mu.Lock();
    v = v + 1;
    mu.Unlock();
  }
  long value() const { return v; }
};

// Two fibers add 3 each with fetch_add: no schedule loses an update (true
// when one did).
bool two_fetch_adders() {
  std::atomic<long> v{0};
  gox::WaitGroup wg;
  for (int f = 0; f < 2; ++f) {
    wg.Add(1);
    gox::go([&] {
      for (int i = 0; i < 3; ++i) v.fetch_add(1);
      wg.Done();
    });
  }
  wg.Wait();
  return v.load() != 6;
}

}  // namespace

TEST_CASE("Exploring atomics: a load-then-store counter loses updates on every seed", "[explore]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    CHECK(storm<load_store_counter>(det(seed, gox::explore_kind::atomics)).first < kWant);
  }
}

TEST_CASE("Without exploration the same counter loses nothing on the deterministic scheduler", "[explore]") {
  // Why the exploration build exists: no gox call between load and store.
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    INFO("seed " << seed);
    CHECK(storm<load_store_counter>(det(seed, gox::explore_kind::off)).first == kWant);
  }
}

TEST_CASE("Exploring atomics: fetch_add and a Mutex lose no update on any seed", "[explore]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    CHECK(storm<fetch_add_counter>(det(seed, gox::explore_kind::atomics)).first == kWant);
    CHECK(storm<mutex_counter>(det(seed, gox::explore_kind::accesses)).first == kWant);
  }
}

TEST_CASE("A std::mutex or std::shared_mutex is a lock of the run: held across switches, no update lost",
          "[explore]") {
  // The lock's holder may be switched out inside its section (the atomic is
  // a scheduling point there); a fiber that then locks it parks.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    CHECK(storm<std_mutex_counter>(det(seed, gox::explore_kind::accesses)).first == kWant);
  }
  std::shared_mutex rw;
  long shared_v = 0;
  const gox::run_result r = gox::run(det(3, gox::explore_kind::accesses), [&rw, &shared_v] {
    gox::WaitGroup wg;
    for (int f = 0; f < kFibers; ++f) {
      wg.Add(1);
      gox::go([&rw, &shared_v, &wg] {
        for (int i = 0; i < kIncs; ++i) {
          {
            std::unique_lock w(rw);
            shared_v = shared_v + 1;
          }
          std::shared_lock rd(rw);
          if (shared_v < 0) throw gox::panic("impossible");
        }
        wg.Done();
      });
    }
    wg.Wait();
  });
  CHECK(r.ok());
  CHECK(shared_v == kWant);
}

namespace {
long slow_init() {  // atomics inside a static's initialiser: scheduling points
  std::atomic<long> a{0};
  for (int i = 0; i < 50; ++i) a.fetch_add(1);
  return a.load();
}
long static_value() {
  static const long v = slow_init();
  return v;
}
}  // namespace

TEST_CASE("No switch while a function-local static is being initialised", "[explore]") {
  // Another fiber reaching the static would wait on the thread's futex: a hang.
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    long sum = 0;
    const gox::run_result r = gox::run(det(seed, gox::explore_kind::accesses), [&sum] {
      gox::WaitGroup wg;
      gox::Mutex mu;
      for (int f = 0; f < kFibers; ++f) {
        wg.Add(1);
        gox::go([&sum, &wg, &mu] {
          const long v = static_value();
          mu.Lock();
          sum += v;
          mu.Unlock();
          wg.Done();
        });
      }
      wg.Wait();
    });
    INFO("seed " << seed);
    CHECK(r.ok());
    CHECK(sum == kFibers * 50);
  }
}

TEST_CASE("Exploring accesses: a plain counter loses updates, exploring atomics only does not see it", "[explore]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    CHECK(storm<plain_counter>(det(seed, gox::explore_kind::accesses)).first < kWant);
    CHECK(storm<plain_counter>(det(seed, gox::explore_kind::atomics)).first == kWant);
  }
}

TEST_CASE("A seed replays its interleaving exactly, seeds differ", "[explore]") {
  std::vector<long> finals;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto a = storm<load_store_counter>(det(seed, gox::explore_kind::atomics));
    const auto b = storm<load_store_counter>(det(seed, gox::explore_kind::atomics));
    INFO("seed " << seed);
    CHECK(a == b);
    finals.push_back(a.first);
  }
  std::sort(finals.begin(), finals.end());
  CHECK(std::unique(finals.begin(), finals.end()) - finals.begin() > 1);
}

TEST_CASE("Exploring every access keeps gox itself working: channels of owned values, select, Once", "[explore]") {
  // Values whose destructors run atomics (shared_ptr counts) while the
  // runtime holds a channel's lock: no switch may happen there.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    long sum = 0;
    const gox::run_result r = gox::run(det(seed, gox::explore_kind::accesses), [&sum] {
      auto jobs = gox::make_chan<std::shared_ptr<long>>(3);
      auto results = gox::make_chan<long>();
      auto quit = gox::make_chan<int>();
      gox::Once once;
      std::atomic<int> inits{0};
      gox::WaitGroup wg;
      for (int w = 0; w < 3; ++w) {
        wg.Add(1);
        gox::go([jobs, results, &wg, &once, &inits] {
          once.Do([&inits] { inits.fetch_add(1); });
          for (;;) {
            auto [job, ok] = jobs.recv2();
            if (!ok) break;
            results.send(*job * 2);
          }
          wg.Done();
        });
      }
      gox::go([jobs] {
        for (long i = 1; i <= 30; ++i) jobs.send(std::make_shared<long>(i));
        jobs.close();
      });
      gox::go([results, quit, &wg] {
        wg.Wait();
        quit.close();
      });
      for (bool done = false; !done;) {
        gox::select(gox::recv_case(results, [&sum](long v) { sum += v; }),
                    gox::recv_case(quit, [&done](auto) { done = true; }));
      }
      if (inits.load() != 1) throw gox::panic("Once ran its function more than once");
    });
    INFO("seed " << seed << ": " << r.report());
    CHECK(r.ok());
    CHECK(sum == 30 * 31);
  }
}

TEST_CASE("Plain threads and the parallel scheduler only do the operations", "[explore]") {
  fetch_add_counter k;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&k] {
      for (int i = 0; i < 10000; ++i) k.inc();
    });
  for (auto& t : ts) t.join();
  CHECK(k.value() == 40000);
  gox::config par;
  par.sched = gox::sched_kind::parallel;
  par.threads = 2;
  par.explore = gox::explore_kind::accesses;  // ignored there
  CHECK(storm<fetch_add_counter>(par).first == kWant);
  CHECK(par.describe() == "sched=par threads=2 clock=real");
  CHECK(det(7, gox::explore_kind::atomics).describe() == "sched=det seed=7 clock=real explore=atomics");
}

// ---------------------------------------------------------------- OS threads and locks

namespace {

struct fresh_mutex_counter {  // locks a mutex of its own each call: protects nothing
  long v = 0;
  void inc() {
    std::mutex mu;
    std::lock_guard g(mu);
    v = v + 1;
  }
  long value() const { return v; }
};

// kFibers plain std::threads each call inc() kIncs times, inside a run.
template <class Counter>
std::pair<gox::run_result, long> thread_storm(const gox::config& c) {
  Counter k;
  const gox::run_result r = gox::run(c, [&k] {
    std::vector<std::thread> ts;
    for (int t = 0; t < kFibers; ++t)
      ts.emplace_back([&k] {
        for (int i = 0; i < kIncs; ++i) k.inc();
      });
    for (auto& t : ts) t.join();
  });
  return {r, k.value()};
}

}  // namespace

TEST_CASE("Plain std::threads of an explored run are its fibers: a seed fixes and replays their interleaving",
          "[explore][threads]") {
  std::vector<long> finals;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    const auto [r, lost] = thread_storm<load_store_counter>(det(seed, gox::explore_kind::atomics));
    INFO(r.report());
    REQUIRE(r.ok());
    CHECK(lost < kWant);  // every seed loses updates
    CHECK(thread_storm<load_store_counter>(det(seed, gox::explore_kind::atomics)).second == lost);
    CHECK(thread_storm<fetch_add_counter>(det(seed, gox::explore_kind::atomics)).second == kWant);
    finals.push_back(lost);
  }
  std::sort(finals.begin(), finals.end());
  CHECK(std::unique(finals.begin(), finals.end()) - finals.begin() > 1);
  // Detached, it ends on its own; the run waits for it like any fiber.
  std::atomic<int> ran{0};
  const gox::run_result r = gox::run(det(2, gox::explore_kind::accesses), [&ran] {
    std::thread([&ran] { ran.fetch_add(1); }).detach();
    gox::time::Sleep(gox::time::Millisecond);
  });
  CHECK(r.ok());
  CHECK(ran.load() == 1);
}

TEST_CASE("A fresh std::mutex per call protects nothing, and exploration shows it on every seed", "[explore][threads]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    CHECK(storm<fresh_mutex_counter>(det(seed, gox::explore_kind::accesses)).first < kWant);
    CHECK(thread_storm<std_mutex_counter>(det(seed, gox::explore_kind::accesses)).second == kWant);
  }
}

TEST_CASE("std::recursive_mutex keeps its kind, std::condition_variable queues fibers", "[explore][threads]") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    INFO("seed " << seed);
    std::recursive_mutex rm;
    int depth = 0;
    long sum = 0;
    const gox::run_result r = gox::run(det(seed, gox::explore_kind::accesses), [&] {
      {
        std::lock_guard a(rm);
        std::lock_guard b(rm);
        depth = 2;
      }
      // A bounded queue: two producers, one consumer, plain std primitives.
      std::mutex mu;
      std::condition_variable not_empty, not_full;
      std::vector<long> q;
      std::vector<std::thread> producers;
      for (int p = 0; p < 2; ++p)
        producers.emplace_back([&, p] {
          for (long i = 1; i <= 50; ++i) {
            std::unique_lock lk(mu);
            not_full.wait(lk, [&] { return q.size() < 3; });
            q.push_back(i * (p + 1));
            not_empty.notify_one();
          }
        });
      std::thread consumer([&] {
        for (int n = 0; n < 100; ++n) {
          std::unique_lock lk(mu);
          not_empty.wait(lk, [&] { return !q.empty(); });
          sum += q.front();
          q.erase(q.begin());
          not_full.notify_all();
        }
      });
      for (auto& t : producers) t.join();
      consumer.join();
    });
    INFO(r.report());
    CHECK(r.ok());
    CHECK(depth == 2);
    CHECK(sum == 50 * 51 / 2 * 3);
  }
}

TEST_CASE("Threads that lock two std::mutexes in opposite orders: a deadlock, reported, on the seeds that reach it",
          "[explore][threads]") {
  int deadlocks = 0, oks = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mutex a, b;
    const gox::run_result r = gox::run(det(seed, gox::explore_kind::atomics), [&a, &b] {
      std::thread t1([&] {
        std::lock_guard ga(a);
        std::this_thread::yield();
        std::lock_guard gb(b);
      });
      std::thread t2([&] {
        std::lock_guard gb(b);
        std::this_thread::yield();
        std::lock_guard ga(a);
      });
      t1.join();
      t2.join();
    });
    INFO("seed " << seed << ": " << r.report());
    CHECK((r.result == gox::outcome::ok || r.result == gox::outcome::deadlock));
    if (r.result == gox::outcome::deadlock) {
      ++deadlocks;
      CHECK_THAT(r.report(), Catch::Contains("std::mutex lock"));
      CHECK_THAT(r.report(), Catch::Contains("std::thread join"));
    } else {
      ++oks;
    }
  }
  CHECK(deadlocks > 0);
  CHECK(oks > 0);
}

TEST_CASE("Sleeps and timed waits of OS threads use the run's clock, an exception in a thread is the run's panic",
          "[explore][threads]") {
  gox::config v = det(1, gox::explore_kind::atomics);
  v.clock = gox::clock_kind::virtual_time;
  const auto real0 = std::chrono::steady_clock::now();
  const gox::run_result slept = gox::run(v, [] {
    std::thread t([] { std::this_thread::sleep_for(std::chrono::hours(1)); });
    t.join();
  });
  CHECK(slept.ok());
  CHECK(slept.elapsed >= std::chrono::hours(1));  // virtual
  CHECK(std::chrono::steady_clock::now() - real0 < std::chrono::minutes(1));

  bool timed_out = false;
  const gox::run_result waited = gox::run(det(1, gox::explore_kind::atomics), [&timed_out] {
    std::mutex mu;
    std::condition_variable cv;
    std::unique_lock lk(mu);
    timed_out = cv.wait_for(lk, std::chrono::milliseconds(20)) == std::cv_status::timeout;
  });
  CHECK(waited.ok());
  CHECK(timed_out);

  const gox::run_result thrown = gox::run(det(1, gox::explore_kind::atomics), [] {
    std::thread t([] { throw std::runtime_error("thread failed"); });
    t.join();
  });
  CHECK(thrown.result == gox::outcome::panic);
  CHECK_THAT(thrown.report(), Catch::Contains("thread failed"));
}

// ---------------------------------------------------------------- policies

namespace {

gox::config pct(std::uint64_t seed, int d, std::uint64_t steps) {
  gox::config c = det(seed, gox::explore_kind::atomics);
  c.policy = gox::policy_kind::pct;
  c.pct_depth = d;
  c.pct_steps = steps;
  return c;
}

// A bug that needs one fiber to stay put for long: the checker reads the
// flag once, and only a checker that runs after all 200 of the writer's
// steps sees the bad state. A random walk almost never lets the writer run
// 200 steps in a row (2^-200); PCT does whenever the writer has the higher
// priority.
bool late_check_fails(const gox::config& c) {
  std::atomic<int> progress{0};
  bool bad = false;
  const gox::run_result r = gox::run(c, [&] {
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {
      for (int i = 0; i < 200; ++i) progress.fetch_add(1);
      wg.Done();
    });
    gox::go([&] {
      if (progress.load() == 200) bad = true;
      wg.Done();
    });
    wg.Wait();
  });
  REQUIRE(r.ok());
  return bad;
}

}  // namespace

TEST_CASE("GOX_POLICY's syntax: random, pct with depth and steps (dfs: below)", "[explore][policy]") {
  gox::config c;
  gox::parse_policy("pct:d=2,steps=500", c);
  CHECK(c.policy == gox::policy_kind::pct);
  CHECK(c.pct_depth == 2);
  CHECK(c.pct_steps == 500);
  CHECK(c.describe() == "sched=det seed=1 clock=real policy=pct:d=2,steps=500");
  gox::parse_policy("pct", c);
  CHECK(gox::describe_policy(c) == "pct:d=2,steps=500");
  gox::parse_policy("random", c);
  CHECK(c.policy == gox::policy_kind::random);
  CHECK(c.describe() == "sched=det seed=1 clock=real");
  for (const char* bad : {"pct:d=0", "pct:depth=2", "pct:d=2,steps=", "pcts", "pct:d=99", "dfs:x=1", "pct:d=2;steps=3"})
    CHECK_THROWS_AS(gox::parse_policy(bad, c), std::invalid_argument);
}

TEST_CASE("PCT finds a bug that needs a fiber to run long uninterrupted, the random walk does not", "[explore][policy]") {
  int random_found = 0, pct_found = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    random_found += late_check_fails(det(seed, gox::explore_kind::atomics));
    const bool found = late_check_fails(pct(seed, 1, 400));
    CHECK(late_check_fails(pct(seed, 1, 400)) == found);  // a seed replays
    pct_found += found;
  }
  CHECK(random_found == 0);
  CHECK(pct_found >= 5);  // about half the seeds: the writer's priority is the higher
}

TEST_CASE("PCT: lost updates found, correct counters and gox itself keep working, spin-waits end", "[explore][policy]") {
  int lost = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    lost += storm<load_store_counter>(pct(seed, 2, 2000)).first < kWant;
    CHECK(storm<fetch_add_counter>(pct(seed, 3, 2000)).first == kWant);
    CHECK(storm<mutex_counter>(pct(seed, 3, 2000)).first == kWant);
    CHECK(thread_storm<std_mutex_counter>(pct(seed, 3, 2000)).second == kWant);
    // A spin-wait on a fiber of lower priority: the spinner yields (or
    // spins long enough) and the other gets its turn.
    std::atomic<bool> flag{false};
    const gox::run_result r = gox::run(pct(seed, 2, 100), [&flag] {
      gox::WaitGroup wg;
      wg.Add(2);
      gox::go([&] {
        while (!flag.load()) std::this_thread::yield();
        wg.Done();
      });
      gox::go([&] {
        while (!flag.load()) {}  // no yield at all
        wg.Done();
      });
      gox::go([&] { flag.store(true); });
      wg.Wait();
    });
    CHECK(r.ok());
    CHECK(r.steps > 0);
  }
  // A change point must fall between a load and its store (a random walk
  // switches at every such point, so it loses updates on every seed).
  CHECK(lost >= 5);
}

TEST_CASE("Bounded exhaustive exploration: every schedule within the preemption bound, or the first failing one",
          "[explore][policy]") {
  const gox::config c = det(1, gox::explore_kind::atomics);
  // A lost update needs one preemption: none finds nothing, and says it ran them all.
  auto lost = [] {
    std::atomic<long> v{0};
    gox::WaitGroup wg;
    for (int f = 0; f < 2; ++f) {
      wg.Add(1);
      gox::go([&] {
        for (int i = 0; i < 3; ++i) v.store(v.load() + 1);
        wg.Done();
      });
    }
    wg.Wait();
    return v.load() != 6;
  };
  const gox::exploration none = gox::explore_all(c, lost, 0);
  CHECK(none.complete);
  CHECK_FALSE(none.found);
  const gox::exploration one = gox::explore_all(c, lost, 1);
  CHECK(one.found);
  CHECK(one.runs < 50);
  // fetch_add: every schedule with up to 2 preemptions, none loses an update.
  auto exact = two_fetch_adders;
  const gox::exploration all = gox::explore_all(c, exact, 2);
  CHECK(all.complete);
  CHECK_FALSE(all.found);
  CHECK(all.runs > one.runs);
  CHECK(gox::explore_all(c, exact, 2).runs == all.runs);  // the same schedules every time
  // Each schedule runs once: no pass reruns the schedules of the passes before
  // it, and a larger bound only adds schedules.
  std::set<std::string> seen_schedules;
  std::uint64_t reported = 0;
  const gox::exploration counted = gox::explore_all(c, exact, 2, 100000, [&](const gox::run_result&, const std::string& s) {
    seen_schedules.insert(s);
    ++reported;
    return false;
  });
  CHECK(counted.complete);
  CHECK(reported == counted.runs);
  CHECK(seen_schedules.size() == counted.runs);
  const gox::exploration below = gox::explore_all(c, exact, 1);
  CHECK(below.complete);
  CHECK(below.runs < counted.runs);
  CHECK(gox::explore_all(c, exact, 0).runs < below.runs);
  // A budget smaller than the search: stops at it, and says it is not complete.
  const gox::exploration cut = gox::explore_all(c, exact, 2, counted.runs - 1);
  CHECK(cut.runs == counted.runs - 1);
  CHECK_FALSE(cut.complete);
  // The deep bug PCT needs hundreds of runs for: look before and after 100
  // steps of another fiber (two preemptions).
  auto window = [] {
    std::atomic<int> a{0};
    bool bad = false;
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {
      for (int i = 0; i < 100; ++i) a.fetch_add(1);
      wg.Done();
    });
    gox::go([&] {
      if (a.load() == 0 && a.load() == 100) bad = true;
      wg.Done();
    });
    wg.Wait();
    return bad;
  };
  const gox::exploration deep = gox::explore_all(c, window, 2);
  CHECK(deep.found);
  // A deadlock is a failing schedule too.
  const gox::exploration dl = gox::explore_all(c, [] {
    std::mutex a, b;
    std::thread t1([&] {
      std::lock_guard ga(a);
      std::atomic<int> x{0};
      x.store(1);
      std::lock_guard gb(b);
    });
    std::thread t2([&] {
      std::lock_guard gb(b);
      std::atomic<int> x{0};
      x.store(1);
      std::lock_guard ga(a);
    });
    t1.join();
    t2.join();
    return false;
  }, 1);
  CHECK(dl.found);
  CHECK(dl.failing.result == gox::outcome::deadlock);
}

TEST_CASE("A schedule the search found replays from its text, and every run is reported", "[explore][dfs]") {
  gox::config c;
  c.explore = gox::explore_kind::accesses;
  // A flag stored before the buffer it announces (two fibers running
  // different code: the lockstep schedule does not show it, the search does).
  long seen = 0;
  auto lost = [&seen] {
    std::atomic<bool> ready{false};
    std::atomic<long> buf{0};
    long bad = 0;
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {
      for (int i = 0; i < 3; ++i) (void)buf.load();
      ready.store(true);
      buf.store(6);
      wg.Done();
    });
    gox::go([&] {
      for (int i = 0; i < 6; ++i)
        if (ready.load() && buf.load() != 6) bad = 1;
      wg.Done();
    });
    wg.Wait();
    seen = 6 - 6 * bad;
    return seen != 6;
  };
  std::vector<std::string> schedules;
  std::vector<long> values;
  const gox::exploration found = gox::explore_all(c, lost, 1, 1000, [&](const gox::run_result& r, const std::string& s) {
    CHECK(r.ok());
    schedules.push_back(s);
    values.push_back(seen);
    return false;
  });
  REQUIRE(found.found);
  REQUIRE(schedules.size() == found.runs);  // the callback saw every run, the failing one last
  REQUIRE(schedules.size() > 2);
  CHECK(schedules[0] == "lockstep");         // the lockstep schedule first
  CHECK(schedules[1] == "first");            // then no decision off the default
  CHECK(values[0] == 6);
  CHECK(values[1] == 6);
  CHECK(schedules.back() == found.schedule_text);
  CHECK(values.back() != 6);
  CHECK(found.schedule_text == gox::schedule_text(found.schedule));
  // The text replays the failing schedule exactly, as a plain run.
  gox::config replay = c;
  gox::parse_policy("dfs:schedule=" + found.schedule_text, replay);
  CHECK(replay.policy == gox::policy_kind::dfs);
  CHECK(replay.dfs_schedule == found.schedule_text);
  CHECK(gox::describe_policy(replay) == "dfs:schedule=" + found.schedule_text);
  for (int again = 0; again < 3; ++again) {
    REQUIRE(gox::run(replay, [&] { lost(); }).ok());
    CHECK(seen == values.back());
  }
  // And the first schedule replays the first run.
  gox::parse_policy("dfs:schedule=first", replay);
  REQUIRE(gox::run(replay, [&] { lost(); }).ok());
  CHECK(seen == 6);
  // The callback may end the search (here after the lockstep run).
  std::uint64_t calls = 0;
  const gox::exploration stopped =
      gox::explore_all(c, [] { return false; }, 2, 1000, [&](const gox::run_result&, const std::string&) {
        return ++calls == 1;
      });
  CHECK(stopped.runs == 1);
  CHECK_FALSE(stopped.found);
  CHECK_FALSE(stopped.complete);
}

TEST_CASE("The search runs the lockstep schedule first: a window between two operations of one fiber shows at once",
          "[explore][dfs]") {
  gox::config c;
  c.explore = gox::explore_kind::accesses;
  long value = 0;
  // Load then store, two fibers: a lost update.
  auto lost = [&value] {
    std::atomic<long> v{0};
    gox::WaitGroup wg;
    for (int f = 0; f < 2; ++f) {
      wg.Add(1);
      gox::go([&] {
        for (int i = 0; i < 5; ++i) v.store(v.load() + 1);
        wg.Done();
      });
    }
    wg.Wait();
    value = v.load();
    return value != 10;
  };
  // Check, then take: both fibers inside at once.
  auto check_then_act = [] {
    std::atomic<bool> locked{false};
    std::atomic<int> inside{0};
    bool bad = false;
    gox::WaitGroup wg;
    for (int f = 0; f < 3; ++f) {
      wg.Add(1);
      gox::go([&] {
        while (locked.load()) gox::yield();
        locked.store(true);
        if (inside.fetch_add(1) != 0) bad = true;
        inside.fetch_sub(1);
        locked.store(false);
        wg.Done();
      });
    }
    wg.Wait();
    return bad;
  };
  // "Am I the last?" asked by a load after the decrement: two close the
  // channel (a panic). Spawned from a loop whose fibers start one by one.
  auto last_closes = [] {
    auto results = gox::make_chan<int>(16);
    std::atomic<int> left{3};
    for (int w = 0; w < 3; ++w)
      gox::go([&, w] {
        for (int j = 0; j < 3; ++j) results.send(w * 10 + j);
        left.fetch_sub(1);
        if (left.load() == 0) results.close();
      });
    for (int r : results) (void)r;
    return false;
  };
  for (const auto& [name, program] : std::vector<std::pair<const char*, std::function<bool()>>>{
           {"lost update", lost}, {"check-then-act", check_then_act}, {"last closes", last_closes}}) {
    INFO(name);
    const gox::exploration ex = gox::explore_all(c, program, 2);
    CHECK(ex.found);
    CHECK(ex.runs == 1);
    CHECK(ex.schedule_text == "lockstep");
  }
  // The lockstep schedule replays by its name, exactly.
  gox::config replay = c;
  gox::parse_policy("dfs:schedule=lockstep", replay);
  CHECK(gox::describe_policy(replay) == "dfs:schedule=lockstep");
  REQUIRE(gox::run(replay, [&] { lost(); }).ok());
  const long first = value;
  CHECK(first < 10);
  for (int again = 0; again < 3; ++again) {
    REQUIRE(gox::run(replay, [&] { lost(); }).ok());
    CHECK(value == first);
  }
  const gox::run_result closed = gox::run(replay, [&] { last_closes(); });
  CHECK(closed.result == gox::outcome::panic);
  // With no preemption allowed there is no lockstep run: the bound is kept.
  const gox::exploration none = gox::explore_all(c, lost, 0);
  CHECK(none.complete);
  CHECK_FALSE(none.found);
  // A correct program passes the lockstep schedule, and the search goes on
  // over every bounded schedule.
  auto exact = two_fetch_adders;
  std::vector<std::string> order;
  const gox::exploration all = gox::explore_all(c, exact, 1, 100000, [&](const gox::run_result&, const std::string& s) {
    order.push_back(s);
    return false;
  });
  CHECK(all.complete);
  CHECK_FALSE(all.found);
  REQUIRE(order.size() > 2);
  CHECK(order[0] == "lockstep");
  CHECK(std::count(order.begin(), order.end(), "lockstep") == 1);
}

TEST_CASE("GOX_POLICY=dfs: bound, budget and schedule parsed, malformed text refused", "[explore][dfs]") {
  gox::config c;
  gox::parse_policy("dfs:preemptions=0,runs=50", c);
  CHECK(c.policy == gox::policy_kind::dfs);
  CHECK(c.dfs_preemptions == 0);
  CHECK(c.dfs_runs == 50);
  CHECK(gox::describe_policy(c) == "dfs:preemptions=0,runs=50");
  CHECK_THAT(c.describe(), Catch::Contains("policy=dfs:preemptions=0,runs=50"));
  gox::parse_policy("dfs", c);
  CHECK(c.policy == gox::policy_kind::dfs);
  for (const char* bad : {"dfs:preemptions=17", "dfs:runs=0", "dfs:schedule=", "dfs:schedule=3", "dfs:schedule=3.0",
                          "dfs:schedule=5.1+2.1", "dfs:schedule=1.1;ls", "dfs:schedule=+1.1", "dfs:d=2", "pct:runs=3",
                          "dfsx", "dfs:schedule=99999999999.1"}) {
    INFO(bad);
    gox::config x;
    CHECK_THROWS_AS(gox::parse_policy(bad, x), std::invalid_argument);
  }
}

TEST_CASE("Tracing a run does not change its schedule in the exploration build", "[explore][trace]") {
  // The trace's string code may be this program's instrumented copy of a
  // library template: were its accesses scheduling points, the traced run
  // would take other decisions than the run it explains.
  long value = 0;
  auto lost = [&value] {
    std::atomic<long> v{0};
    std::string names;  // instantiates the string code here, instrumented
    gox::WaitGroup wg;
    for (int f = 0; f < 3; ++f) {
      wg.Add(1);
      gox::go([&, f] {
        for (int i = 0; i < 20; ++i) v.store(v.load() + 1);
        names += std::to_string(f);
        wg.Done();
      });
    }
    wg.Wait();
    value = v.load() * 1000 + std::stol(names);
  };
  for (const char* policy : {"random", "dfs:schedule=lockstep", "pct:d=3,steps=300"}) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      INFO(policy << " seed " << seed);
      gox::config c = det(seed, gox::explore_kind::accesses);
      gox::parse_policy(policy, c);
      const gox::run_result plain = gox::run(c, lost);
      const long untraced = value;
      c.trace = 1000;
      const gox::run_result traced = gox::run(c, lost);
      CHECK(value == untraced);
      CHECK(traced.steps == plain.steps);
      CHECK_FALSE(traced.trace.empty());
    }
  }
}
