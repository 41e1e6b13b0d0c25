#include <mutex>
#include <thread>
#include <vector>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"
#include "gox_test.hpp"

using namespace gox_test;
namespace t = gox::time;

TEST_CASE("A Mutex keeps a counter exact across fibers on the parallel scheduler",
          "[gox][sync][parallel]") {
  const int threads = GENERATE(1, 2);
  CAPTURE(threads);
  run_ok(par(threads), [] {
    gox::Mutex mu;
    long counter = 0;
    gox::WaitGroup wg;
    for (int f = 0; f < 50; ++f) {
      wg.Add(1);
      gox::go([&] {
        for (int i = 0; i < 1000; ++i) {
          std::lock_guard<gox::Mutex> g(mu);
          long v = counter;
          if (i % 7 == 0) gox::yield();  // hold the lock across a switch
          counter = v + 1;
        }
        wg.Done();
      });
    }
    wg.Wait();
    REQUIRE(counter == 50 * 1000);
  });
}

TEST_CASE("A Mutex keeps a counter exact across plain threads", "[gox][sync]") {
  gox::Mutex mu;
  long counter = 0;
  std::vector<std::thread> ts;
  for (int k = 0; k < 4; ++k)
    ts.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        mu.Lock();
        ++counter;
        mu.Unlock();
      }
    });
  for (auto& th : ts) th.join();
  REQUIRE(counter == 4 * 20000);
}

TEST_CASE("A fiber blocked on a Mutex lets other fibers of its thread run", "[gox][sync]") {
  run_ok(virt(), [] {
    gox::Mutex mu;
    mu.Lock();
    bool other_ran = false;
    gox::go([&] {
      other_ran = true;
      mu.Unlock();
    });
    mu.Lock();  // parks main; the other fiber runs and unlocks
    REQUIRE(other_ran);
    mu.Unlock();
  });
}

TEST_CASE("Unlock frees the Mutex for a running fiber even with a waiter queued (no hand-over convoy)",
          "[gox][sync]") {
  run_ok(det(1), [] {
    gox::Mutex mu;
    mu.Lock();
    bool waiter_got_it = false;
    gox::WaitGroup wg;
    wg.Add(1);
    gox::go([&] {
      mu.Lock();
      waiter_got_it = true;
      mu.Unlock();
      wg.Done();
    });
    gox::yield();  // the waiter queues
    mu.Unlock();   // wakes it to retry
    REQUIRE(mu.TryLock());  // the running fiber may take it meanwhile
    REQUIRE_FALSE(waiter_got_it);
    mu.Unlock();
    wg.Wait();
    REQUIRE(waiter_got_it);
  });
}

TEST_CASE("A waiter beaten to the Mutex again and again is handed it (starvation mode)", "[gox][sync]") {
  const std::uint64_t seed = GENERATE(1, 2, 3);
  CAPTURE(seed);
  run_ok(det(seed), [] {
    gox::Mutex mu;
    int holder_round = 0, acquired_at = -1;
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {  // holds the lock across every switch and relocks at once
      for (holder_round = 0; holder_round < 100; ++holder_round) {
        mu.Lock();
        gox::yield();
        mu.Unlock();
      }
      wg.Done();
    });
    gox::go([&] {
      gox::yield();
      mu.Lock();
      acquired_at = holder_round;
      mu.Unlock();
      wg.Done();
    });
    wg.Wait();
    // Without starvation mode the waiter would get the lock only after the
    // holder's last round; it is handed over after kStarveAfter lost retries
    // (a few rounds each: the scheduler does not always run it in between).
    REQUIRE(acquired_at >= 0);
    REQUIRE(acquired_at < 50);
  });
}

TEST_CASE("Unlocking an unlocked Mutex panics", "[gox][sync]") {
  gox::Mutex mu;
  REQUIRE_THROWS_WITH(mu.Unlock(), "sync: unlock of unlocked mutex");
}

TEST_CASE("TryLock fails on a locked Mutex and succeeds on a free one", "[gox][sync]") {
  gox::Mutex mu;
  REQUIRE(mu.TryLock());
  REQUIRE_FALSE(mu.TryLock());
  mu.Unlock();
  REQUIRE(mu.TryLock());
  mu.Unlock();
}

TEST_CASE("RWMutex readers hold the lock together, a writer alone", "[gox][sync]") {
  run_ok(virt(), [] {
    gox::RWMutex rw;
    gox::WaitGroup wg;
    auto start = t::Now();
    for (int i = 0; i < 3; ++i) {
      wg.Add(1);
      gox::go([&] {
        rw.RLock();
        t::Sleep(t::Second);
        rw.RUnlock();
        wg.Done();
      });
    }
    wg.Wait();
    REQUIRE(t::Since(start) == t::Second);  // the three reads overlapped

    start = t::Now();
    for (int i = 0; i < 3; ++i) {
      wg.Add(1);
      gox::go([&] {
        rw.Lock();
        t::Sleep(t::Second);
        rw.Unlock();
        wg.Done();
      });
    }
    wg.Wait();
    REQUIRE(t::Since(start) == 3 * t::Second);  // the writes did not
  });
}

TEST_CASE("A waiting writer keeps new readers out", "[gox][sync]") {
  run_ok(virt(), [] {
    gox::RWMutex rw;
    std::vector<std::string> order;
    rw.RLock();
    gox::go([&] {
      rw.Lock();
      order.push_back("writer");
      rw.Unlock();
    });
    t::Sleep(t::Second);  // the writer is now waiting
    gox::go([&] {
      rw.RLock();
      order.push_back("late reader");
      rw.RUnlock();
    });
    t::Sleep(t::Second);
    rw.RUnlock();
    t::Sleep(t::Second);
    REQUIRE(order == std::vector<std::string>{"writer", "late reader"});
  });
}

TEST_CASE("RUnlock and Unlock without the lock panic", "[gox][sync]") {
  gox::RWMutex rw;
  REQUIRE_THROWS_WITH(rw.RUnlock(), "sync: RUnlock of unlocked RWMutex");
  REQUIRE_THROWS_WITH(rw.Unlock(), "sync: Unlock of unlocked RWMutex");
}

TEST_CASE("WaitGroup.Wait returns once every Done has been called", "[gox][sync]") {
  run_ok(virt(), [] {
    gox::WaitGroup wg;
    wg.Wait();  // zero: returns at once
    int done = 0;
    auto start = t::Now();
    for (int i = 1; i <= 5; ++i) {
      wg.Add(1);
      gox::go([&, i] {
        t::Sleep(i * t::Second);
        ++done;
        wg.Done();
      });
    }
    wg.Wait();
    REQUIRE(done == 5);
    REQUIRE(t::Since(start) == 5 * t::Second);
  });
}

TEST_CASE("A negative WaitGroup counter panics", "[gox][sync]") {
  gox::WaitGroup wg;
  wg.Add(1);
  wg.Done();
  REQUIRE_THROWS_WITH(wg.Done(), "sync: negative WaitGroup counter");
}

TEST_CASE("Once runs its function exactly once and every caller waits for it",
          "[gox][sync][parallel]") {
  run_ok(par(2), [] {
    gox::Once once;
    gox::AtomicInt32 calls;
    gox::AtomicInt32 saw_init;
    int value = 0;
    gox::WaitGroup wg;
    for (int i = 0; i < 50; ++i) {
      wg.Add(1);
      gox::go([&] {
        once.Do([&] {
          calls.Add(1);
          gox::yield();
          value = 42;
        });
        if (value == 42) saw_init.Add(1);
        wg.Done();
      });
    }
    wg.Wait();
    REQUIRE(calls.Load() == 1);
    REQUIRE(saw_init.Load() == 50);
  });
}

TEST_CASE("Atomics follow Go's sync/atomic names and results", "[gox][sync]") {
  gox::AtomicInt64 a;
  REQUIRE(a.Add(5) == 5);
  REQUIRE(a.Add(-2) == 3);
  REQUIRE(a.CompareAndSwap(3, 10));
  REQUIRE_FALSE(a.CompareAndSwap(3, 11));
  REQUIRE(a.Swap(1) == 10);
  a.Store(7);
  REQUIRE(a.Load() == 7);
}
