#include <stdexcept>
#include <string>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"
#include "gox_test.hpp"

using namespace gox_test;
namespace t = gox::time;

namespace {
const gox::fiber_info* find(const gox::run_result& r, const std::string& name) {
  for (const auto& f : r.fibers)
    if (f.name == name) return &f;
  return nullptr;
}
bool in_this_file(const gox::source_location& l) {
  return std::string(l.file).find("detection_test.cpp") != std::string::npos;
}
}  // namespace

TEST_CASE("Every fiber blocked with no timer pending is reported as Go reports a deadlock",
          "[gox][detect]") {
  const bool virtual_clock = GENERATE(true, false);
  CAPTURE(virtual_clock);
  int recv_line = 0;
  auto r = gox::run(virtual_clock ? virt() : det(), [&] {
    auto ch = gox::make_chan<int>();
    recv_line = __LINE__ + 1;
    ch.recv();
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::deadlock);
  REQUIRE(r.message == "fatal error: all goroutines are asleep - deadlock!");
  const auto* m = find(r, "main");
  REQUIRE(m);
  REQUIRE(m->blocked);
  REQUIRE(m->wait == "chan receive");
  REQUIRE(in_this_file(m->where));
  REQUIRE(m->where.line == recv_line);
  REQUIRE(r.report().rfind("fatal error: all goroutines are asleep - deadlock!", 0) == 0);
}

TEST_CASE("A deadlock dump names every fiber, what it waits on and where", "[gox][detect]") {
  auto r = gox::run(virt(), [] {
    gox::Mutex mu;
    gox::WaitGroup wg;
    auto ch = gox::make_chan<int>();
    mu.Lock();
    wg.Add(1);
    gox::go([&] { mu.Lock(); }, "locker");
    gox::go([&] { ch.send(1); ch.send(2); }, "sender");
    gox::go([&] { gox::select(gox::recv_case(gox::chan<int>(), [](int) {}), gox::recv_case(gox::make_chan<int>(), [](int) {})); }, "selector");
    ch.recv();
    wg.Wait();
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::deadlock);
  REQUIRE(r.fibers.size() == 4);
  REQUIRE(find(r, "main")->wait == "WaitGroup.Wait");
  REQUIRE(find(r, "locker")->wait == "Mutex.Lock");
  REQUIRE(find(r, "sender")->wait == "chan send");
  REQUIRE(find(r, "selector")->wait == "select");
  for (const auto& f : r.fibers) {
    REQUIRE(in_this_file(f.where));
    if (f.name != "main") REQUIRE(in_this_file(f.created_at));
  }
  REQUIRE(r.report().find("goroutine 3 \"sender\" [chan send]:") != std::string::npos);
}

TEST_CASE("A deadlock is detected on the parallel scheduler", "[gox][detect][parallel]") {
  const int threads = GENERATE(1, 2);
  CAPTURE(threads);
  auto r = gox::run(par(threads), [] {
    gox::WaitGroup wg;
    wg.Add(3);
    for (int i = 0; i < 2; ++i) gox::go([&] { wg.Done(); });
    wg.Wait();
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::deadlock);
  REQUIRE(find(r, "main")->wait == "WaitGroup.Wait");
}

TEST_CASE("Fibers still blocked after main returns are reported as leaked", "[gox][detect]") {
  auto r = gox::run(virt(), [] {
    auto ch = gox::make_chan<int>();
    gox::go([=] { ch.recv(); }, "orphan");
    gox::go([=] {}, "finisher");
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::leak);
  REQUIRE(r.message == "leak: 1 fiber(s) still alive after main returned");
  REQUIRE(r.fibers.size() == 1);
  REQUIRE(r.fibers[0].name == "orphan");
  REQUIRE(r.fibers[0].wait == "chan receive");
  REQUIRE(in_this_file(r.fibers[0].created_at));
}

TEST_CASE("Fibers that end within the grace period after main are not leaks", "[gox][detect]") {
  const bool virtual_clock = GENERATE(true, false);
  CAPTURE(virtual_clock);
  auto r = gox::run(virtual_clock ? virt() : det(), [] {
    gox::go([] { t::Sleep(50 * t::Millisecond); });
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::ok);
}

TEST_CASE("A fiber sleeping past the grace period after main is a leak", "[gox][detect]") {
  auto r = gox::run(virt(), [] { gox::go([] { t::Sleep(t::Hour); }, "sleeper"); });
  REQUIRE(r.result == gox::outcome::leak);
  REQUIRE(r.fibers.at(0).wait == "sleep");
}

TEST_CASE("A panic in any fiber ends the run with the panic, its fiber and its line", "[gox][detect]") {
  int close_line = 0;
  auto r = gox::run(virt(), [&] {
    auto ch = gox::make_chan<int>();
    gox::go([=, &close_line] {
      ch.close();
      close_line = __LINE__ + 1;
      ch.close();
    }, "closer");
    auto blocker = gox::make_chan<int>();
    blocker.recv();  // unwound by the teardown
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::panic);
  REQUIRE(r.message == "panic: close of closed channel [in fiber 2 \"closer\" at " + std::string(__FILE__) + ":" +
                           std::to_string(close_line) + "]");
}

TEST_CASE("Every panicking call names its line: send, Unlock, Done", "[gox][detect]") {
  const int which = GENERATE(0, 1, 2, 3);
  CAPTURE(which);
  int line = 0;
  auto r = gox::run(virt(), [&] {
    auto ch = gox::make_chan<int>(1);
    ch.close();
    gox::Mutex mu;
    gox::RWMutex rw;
    gox::WaitGroup wg;
    switch (which) {
      case 0: line = __LINE__; ch.send(1); break;
      case 1: line = __LINE__; mu.Unlock(); break;
      case 2: line = __LINE__; rw.RUnlock(); break;
      default: line = __LINE__; wg.Done(); break;
    }
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::panic);
  REQUIRE(r.message.find(" at " + std::string(__FILE__) + ":" + std::to_string(line) + "]") != std::string::npos);
}

TEST_CASE("An exception that escapes a fiber is named by its type and what()", "[gox][detect]") {
  auto r = gox::run(virt(), [] {
    gox::go([] { throw std::range_error("wstring_convert::from_bytes"); }, "converter");
    gox::make_chan<int>().recv();
  });
  REQUIRE(r.result == gox::outcome::panic);
  REQUIRE(r.message == "panic: uncaught std::range_error: wstring_convert::from_bytes [in fiber 2 \"converter\"]");
}

TEST_CASE("Teardown: main's locals outlive every other fiber's unwinding", "[gox][detect]") {
  // Workers hold a guard on main's state while blocked; main is blocked too.
  // After the panic, every worker unwinds (running its guard's destructor,
  // which reads main's state) before main does.
  const bool virtual_clock = GENERATE(true, false);
  const std::uint64_t seed = GENERATE(range(1, 9));
  CAPTURE(virtual_clock, seed);
  struct state {
    bool alive = true;
    int seen_dead = 0, unwound = 0;
    ~state() { alive = false; }
  };
  int seen_dead = -1, unwound = -1;
  gox::config c = virtual_clock ? virt() : det();
  c.seed = seed;
  auto r = gox::run(c, [&] {
    struct guard {
      state* s;
      ~guard() {
        if (!s->alive) ++s->seen_dead;
        ++s->unwound;
      }
    };
    state s;
    auto never = gox::make_chan<int>();
    auto ready = gox::make_chan<int>(5);
    for (int i = 0; i < 4; ++i)
      gox::go([&s, never, ready] {
        guard g{&s};
        ready.send(1);
        never.recv();
      }, "worker");
    gox::go([&s, ready] {
      guard g{&s};
      ready.send(1);
      for (;;) gox::yield();  // a runnable fiber: stops at its next yield
    }, "spinner");
    gox::go([ready] {
      for (int i = 0; i < 5; ++i) ready.recv();
      throw gox::panic("boom");
    }, "panicker");
    struct report {
      state* s;
      int* dead;
      int* n;
      ~report() { *dead = s->seen_dead, *n = s->unwound; }
    } rep{&s, &seen_dead, &unwound};
    never.recv();
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::panic);
  CHECK(unwound == 5);
  CHECK(seen_dead == 0);
}

TEST_CASE("Timers that wake no fiber do not hide a deadlock in virtual time", "[gox][detect]") {
  auto r = gox::run(virt(), [] {
    auto tk = t::NewTicker(t::Second);
    gox::make_chan<int>().recv();
  });
  REQUIRE(r.result == gox::outcome::deadlock);
}

TEST_CASE("The teardown after a deadlock unwinds fibers through their destructors",
          "[gox][detect]") {
  int destroyed = 0;
  struct guard {
    int* n;
    ~guard() { ++*n; }
  };
  auto r = gox::run(virt(), [&] {
    for (int i = 0; i < 3; ++i)
      gox::go([&] {
        guard g{&destroyed};
        gox::make_chan<int>().recv();
      });
    guard g{&destroyed};
    gox::make_chan<int>().recv();
  });
  REQUIRE(r.result == gox::outcome::deadlock);
  REQUIRE(destroyed == 4);
}
