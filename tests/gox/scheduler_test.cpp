#include <atomic>
#include <chrono>
#include <cstdlib>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox_test.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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

// The process's resident memory now, in KiB (from /proc/self/statm).
long resident_kib() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  in >> size >> resident;
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
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

TEST_CASE("On the parallel scheduler a fiber gets its stack at its first turn, not at its go statement",
          "[gox][sched][parallel]") {
#if defined(GOX_RACE)
  WARN("not in the race build: a fiber's ThreadSanitizer state starts at its go statement, with its stack");
  return;
#endif
  // 20,000 fibers spawned and not yet run cost their records (a few hundred
  // bytes each), not 20,000 stack pages (80 MB); they then run one after
  // another on a recycled stack.
  constexpr int kFibers = 20000;
  for (int threads : {1, 2}) {
    long grew_kib = 0;
    std::atomic<int> ran{0};
    run_ok(par(threads), [&] {
      gox::WaitGroup wg;
      const long before = resident_kib();
      wg.Add(kFibers);
      for (int i = 0; i < kFibers; ++i) gox::go([&] {
          ran.fetch_add(1);
          wg.Done();
        });
      grew_kib = resident_kib() - before;
      wg.Wait();
    });
    INFO("threads " << threads << ": resident memory grew by " << grew_kib << " KiB while spawning");
    CHECK(ran.load() == kFibers);
    CHECK(grew_kib < 30 * 1024);
  }
}

TEST_CASE("On one thread a new fiber runs next and before fibers that were already ready",
          "[gox][sched][parallel]") {
  std::string order;
  run_ok(par(1), [&] {
    gox::WaitGroup wg;
    wg.Add(3);
    gox::go([&] {
      order += 'a';
      gox::yield();  // back of the queue
      order += 'A';
      wg.Done();
    });
    gox::yield();  // a runs, yields
    gox::go([&] {
      order += 'b';
      gox::go([&] {  // spawned by b: runs as soon as b gives way
        order += 'c';
        wg.Done();
      });
      gox::yield();
      order += 'B';
      wg.Done();
    });
    wg.Wait();
  });
  // Main was readied last each time but a new fiber goes first: a, then b
  // (spawned while a waited in the queue), then c (new, ahead of a and b).
  CHECK(order.substr(0, 3) == "abc");
  CHECK(order.size() == 5);
}

TEST_CASE("A fiber whose stack cannot be had panics the run with a clear message and the process survives",
          "[gox][sched][parallel]") {
#if defined(GOX_RACE)
  WARN("not in the race build: ThreadSanitizer's shadow memory needs the address space a limit takes away");
  return;
#endif
  for (int threads : {1, 2}) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // The heap keeps 16 MiB it can hand out again (one arena, never
      // trimmed): the report can be written once no stack can be mapped.
      ::mallopt(M_ARENA_MAX, 1);
      ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
      ::mallopt(M_MMAP_THRESHOLD, 1 << 30);
      {
        std::vector<std::unique_ptr<char[]>> chunks;
        for (int i = 0; i < 4096; ++i) chunks.emplace_back(new char[4096]);
      }
      // 48 MiB of address space more than now: about 180 stacks of 260 KiB.
      std::ifstream in("/proc/self/statm");
      long pages = 0;
      in >> pages;
      const rlim_t limit = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + (48L << 20);
      rlimit rl{limit, limit};
      ::setrlimit(RLIMIT_AS, &rl);
      gox::run_result r = gox::run(gox_test::par(threads), [] {
        auto ch = gox::make_chan<int>();
        gox::WaitGroup started;
        constexpr int kFibers = 2000;
        started.Add(kFibers);
        for (int i = 0; i < kFibers; ++i)
          gox::go([&] {
            started.Done();
            ch.recv();  // parked: its stack stays in use
          });
        started.Wait();
      });
      const std::string report = r.report();
      const bool memory = report.find("memory") != std::string::npos || report.find("bad_alloc") != std::string::npos;
      std::fprintf(stderr, "%.300s\n", report.c_str());
      ::_exit(r.result == gox::outcome::panic && memory ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    INFO("threads " << threads << ": child status " << status);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
}

TEST_CASE("Fibers run one after another on one context keep their own names and reports",
          "[gox][sched][parallel]") {
  // Short fibers spawned together: when one ends, the next can run on its
  // context; each still has its own name, and a panic names the right one.
  for (int threads : {1, 2}) {
    std::atomic<int> named_right{0};
    gox::run_result r = gox::run(par(threads), [&] {
      gox::WaitGroup wg;
      for (int i = 0; i < 50; ++i) {
        wg.Add(1);
        gox::go(
            [&, i] {
              if (gox::fiber_name() == "w" + std::to_string(i)) named_right.fetch_add(1);
              if (i == 25 && named_right.load() >= 1) throw std::runtime_error("boom in w25");
              wg.Done();
            },
            "w" + std::to_string(i));
      }
      wg.Wait();
    });
    INFO("threads " << threads << "\n" << r.report());
    CHECK(r.result == gox::outcome::panic);
    CHECK(r.message.find("\"w25\"") != std::string::npos);
    CHECK(r.message.find("boom in w25") != std::string::npos);
    CHECK(named_right.load() >= 25);  // newest first on one thread: w49 down to w25
  }
}

TEST_CASE("Fibers spawned together and all blocked are a deadlock that lists every one",
          "[gox][sched][parallel]") {
  for (int threads : {1, 2}) {
    gox::config c = par(threads);
    c.deadlock_grace = std::chrono::milliseconds(50);
    gox::run_result r = gox::run(c, [] {
      auto never = gox::make_chan<int>();
      gox::WaitGroup wg;
      wg.Add(1);
      for (int i = 0; i < 300; ++i) gox::go([never] { never.recv(); }, "stuck");
      wg.Wait();
    });
    INFO("threads " << threads << "\n" << r.message);
    REQUIRE(r.result == gox::outcome::deadlock);
    const auto stuck = std::count_if(r.fibers.begin(), r.fibers.end(), [](const gox::fiber_info& f) {
      return f.name == "stuck" && f.blocked && f.wait.find("chan receive") != std::string::npos;
    });
    CHECK(stuck == 300);
  }
}
