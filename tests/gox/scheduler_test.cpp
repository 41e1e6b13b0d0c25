#include <atomic>
#include <chrono>
#include <cstdlib>
#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox_test.hpp"

using namespace gox_test;

namespace {

// Five fibers interleave at yield points; the trace is the schedule.
std::string traced_program(const gox::config& c) {
  std::string trace;
  run_ok(c, [&] {
    gox::WaitGroup wg;
    for (int f = 0; f < 5; ++f) {
      wg.Add(1);
      gox::go([&, f] {
        for (int i = 0; i < 4; ++i) {
          trace += static_cast<char>('a' + f);
          gox::yield();
        }
        wg.Done();
      });
    }
    wg.Wait();
  });
  return trace;
}

}  // namespace

TEST_CASE("The deterministic scheduler gives the same schedule for the same seed",
          "[gox][sched]") {
  const std::uint64_t seed = GENERATE(1, 2, 12345);
  CAPTURE(seed);
  REQUIRE(traced_program(virt(seed)) == traced_program(virt(seed)));
  REQUIRE(traced_program(det(seed)) == traced_program(virt(seed)));
}

TEST_CASE("Different seeds explore different interleavings", "[gox][sched]") {
  std::set<std::string> schedules;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) schedules.insert(traced_program(virt(seed)));
  REQUIRE(schedules.size() >= 10);
}

TEST_CASE("Exploring seeds finds a check-then-act bug, and its seed replays it", "[gox][sched]") {
  // Two fibers withdraw 80 from a balance of 100 after checking it: a switch
  // between the check and the update overdraws the account.
  auto overdraws = [](std::uint64_t seed) {
    long balance = 100;
    run_ok(virt(seed), [&] {
      gox::WaitGroup wg;
      for (int i = 0; i < 2; ++i) {
        wg.Add(1);
        gox::go([&] {
          if (balance >= 80) {
            gox::yield();
            balance -= 80;
          }
          wg.Done();
        });
      }
      wg.Wait();
    });
    return balance < 0;
  };
  std::uint64_t found = 0;
  for (std::uint64_t seed = 1; seed <= 50 && !found; ++seed)
    if (overdraws(seed)) found = seed;
  REQUIRE(found != 0);
  for (int i = 0; i < 5; ++i) REQUIRE(overdraws(found));
}

TEST_CASE("The parallel scheduler runs fibers on several threads at once",
          "[gox][sched][parallel]") {
  // A fiber that spins without yielding holds its thread; the other fiber can
  // only make progress on another thread.
  run_ok(par(2), [] {
    std::atomic<bool> flag{false};
    std::atomic<bool> seen{false};
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!flag.load() && std::chrono::steady_clock::now() < deadline) {
      }
      seen = flag.load();
      wg.Done();
    });
    gox::go([&] {
      flag = true;
      wg.Done();
    });
    wg.Wait();
    REQUIRE(seen.load());
  });
}

TEST_CASE("Configuration comes from the environment", "[gox][sched]") {
  ::setenv("GOX_SCHED", "par", 1);
  ::setenv("GOX_THREADS", "3", 1);
  ::setenv("GOX_CLOCK", "real", 1);
  gox::config c = gox::config::from_env();
  REQUIRE(c.sched == gox::sched_kind::parallel);
  REQUIRE(c.threads == 3);
  ::setenv("GOX_SCHED", "det", 1);
  ::setenv("GOX_SEED", "77", 1);
  ::setenv("GOX_CLOCK", "virtual", 1);
  c = gox::config::from_env();
  REQUIRE(c.describe() == "sched=det seed=77 clock=virtual");
  ::setenv("GOX_SEED", "x7", 1);
  REQUIRE_THROWS_AS(gox::config::from_env(), std::invalid_argument);
  for (const char* k : {"GOX_SCHED", "GOX_THREADS", "GOX_CLOCK", "GOX_SEED"}) ::unsetenv(k);
}

TEST_CASE("Virtual time with the parallel scheduler is refused", "[gox][sched]") {
  gox::config c = par(2);
  c.clock = gox::clock_kind::virtual_time;
  REQUIRE_THROWS_AS(gox::run(c, [] {}), std::invalid_argument);
}

TEST_CASE("go outside a run panics", "[gox][sched]") {
  REQUIRE_FALSE(gox::in_run());
  REQUIRE_THROWS_AS(gox::go([] {}), gox::panic);
}

TEST_CASE("Fibers carry the names they were given", "[gox][sched]") {
  run_ok(virt(), [] {
    REQUIRE(gox::fiber_name() == "main");
    std::string seen;
    auto done = gox::make_chan<bool>();
    gox::go([&] {
      seen = gox::fiber_name();
      done.send(true);
    }, "worker-7");
    done.recv();
    REQUIRE(seen == "worker-7");
  });
}

TEST_CASE("Many runs can execute concurrently from different threads", "[gox][sched]") {
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&, i] {
      gox::config c = (i % 2) ? virt(static_cast<std::uint64_t>(i)) : par(2);
      auto r = gox::run(c, [] {
        auto ch = gox::make_chan<int>();
        gox::go([=] {
          for (int k = 0; k < 1000; ++k) ch.send(k);
          ch.close();
        });
        long s = 0;
        for (int v : ch) s += v;
        if (s != 499500) throw gox::panic("bad sum");
      });
      if (r.ok()) ++ok;
    });
  for (auto& th : ts) th.join();
  REQUIRE(ok.load() == 4);
}

TEST_CASE("A traced run keeps its last switches: who ran next and why the one before stopped, the same on replay",
          "[gox][sched]") {
  auto program = [] {
    auto ch = gox::make_chan<int>();
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {
      for (int i = 0; i < 3; ++i) ch.send(i);
      wg.Done();
    }, "sender");
    gox::go([&] {
      for (int i = 0; i < 3; ++i) (void)ch.recv();
      wg.Done();
    }, "receiver");
    wg.Wait();
  };
  gox::config c = virt(7);
  c.trace = 5;
  const gox::run_result a = gox::run(c, program);
  REQUIRE(a.ok());
  REQUIRE(a.trace.size() == 5);  // the last five, oldest first
  for (const auto& line : a.trace) CHECK_THAT(line, Catch::Matches("switch [0-9]+ at [0-9]+\\.[0-9]{3} ms: goroutine [0-9]+ .* runs.*"));
  c.trace = 50;
  std::string whole_text;
  for (const auto& line : gox::run(c, program).trace) whole_text += line + "\n";
  CHECK_THAT(whole_text, Catch::Contains("\"sender\" blocked: chan send)"));  // unbuffered: the sender waits
  c.trace = 5;
  std::string all;
  for (const auto& line : a.trace) all += line + "\n";
  CHECK_THAT(all, Catch::EndsWith("goroutine 1 \"main\" runs (goroutine 3 \"receiver\" ended)\n"));  // main waits for both
  CHECK_THAT(all, Catch::Contains("\"sender\" ended"));
  // The same seed, the same schedule, the same trace.
  CHECK(gox::run(c, program).trace == a.trace);
  // Untraced runs keep nothing; a longer trace ends the same way.
  c.trace = 0;
  CHECK(gox::run(c, program).trace.empty());
  c.trace = gox::config::kTraceAll;
  const gox::run_result whole = gox::run(c, program);
  REQUIRE(whole.trace.size() > a.trace.size());
  CHECK(std::equal(a.trace.begin(), a.trace.end(), whole.trace.end() - static_cast<long>(a.trace.size())));
  // GOX_TRACE names the count, or all.
  ::setenv("GOX_TRACE", "12", 1);
  CHECK(gox::config::from_env().trace == 12);
  ::setenv("GOX_TRACE", "all", 1);
  CHECK(gox::config::from_env().trace == gox::config::kTraceAll);
  ::setenv("GOX_TRACE", "lots", 1);
  CHECK_THROWS_AS(gox::config::from_env(), std::invalid_argument);
  ::unsetenv("GOX_TRACE");
}
