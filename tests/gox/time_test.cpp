#include <chrono>
#include <string>
#include <vector>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"
#include "gox_test.hpp"

using namespace gox_test;
namespace t = gox::time;

TEST_CASE("Virtual time starts at 2000-01-01 UTC", "[gox][time]") {
  run_ok(virt(), [] { REQUIRE(t::Now().String() == "2000-01-01T00:00:00Z"); });
}

TEST_CASE("Sleeping an hour in virtual time takes milliseconds and advances Now exactly",
          "[gox][time]") {
  const auto wall0 = std::chrono::steady_clock::now();
  auto r = run_ok(virt(), [] {
    auto start = t::Now();
    t::Sleep(t::Hour);
    REQUIRE(t::Since(start) == t::Hour);
    REQUIRE(t::Now().String() == "2000-01-01T01:00:00Z");
  });
  REQUIRE(std::chrono::steady_clock::now() - wall0 < std::chrono::seconds(2));
  REQUIRE(r.elapsed == t::Hour);
}

TEST_CASE("Sleeping fibers wake in order of their deadlines", "[gox][time]") {
  run_ok(virt(7), [] {
    std::vector<int> order;
    auto done = gox::make_chan<bool>(3);
    for (int s : {3, 1, 2})
      gox::go([&, s] {
        t::Sleep(s * t::Second);
        order.push_back(s);
        done.send(true);
      });
    for (int i = 0; i < 3; ++i) done.recv();
    REQUIRE(order == std::vector<int>{1, 2, 3});
  });
}

TEST_CASE("A Timer fires once at its instant, Stop prevents it and Reset re-arms it",
          "[gox][time]") {
  run_ok(virt(), [] {
    auto start = t::Now();
    auto tm = t::NewTimer(2 * t::Second);
    t::Time fired = tm.C.recv();
    REQUIRE(fired.Sub(start) == 2 * t::Second);
    REQUIRE_FALSE(tm.Stop());  // already fired

    auto tm2 = t::NewTimer(t::Second);
    REQUIRE(tm2.Stop());
    t::Sleep(5 * t::Second);
    REQUIRE(tm2.C.len() == 0);

    auto s2 = t::Now();
    tm2.Reset(500 * t::Millisecond);
    REQUIRE(tm2.C.recv().Sub(s2) == 500 * t::Millisecond);
  });
}

TEST_CASE("A Ticker ticks at exact multiples of its period until stopped", "[gox][time]") {
  run_ok(virt(), [] {
    auto start = t::Now();
    auto tk = t::NewTicker(t::Second);
    for (int i = 1; i <= 3; ++i) REQUIRE(tk.C.recv().Sub(start) == i * t::Second);
    tk.Stop();
    t::Sleep(10 * t::Second);
    REQUIRE(tk.C.len() == 0);
    REQUIRE_THROWS_AS(t::NewTicker(t::Duration(0)), gox::panic);
  });
}

TEST_CASE("Sleep on the real clock waits at least the duration", "[gox][time]") {
  run_ok(det(), [] {
    auto start = t::Now();
    t::Sleep(20 * t::Millisecond);
    REQUIRE(t::Since(start) >= 20 * t::Millisecond);
  });
}

TEST_CASE("Durations print as Go prints them", "[gox][time]") {
  REQUIRE(t::to_string(t::Duration(0)) == "0s");
  REQUIRE(t::to_string(1500 * t::Millisecond) == "1.5s");
  REQUIRE(t::to_string(300 * t::Millisecond) == "300ms");
  REQUIRE(t::to_string(2 * t::Hour) == "2h0m0s");
  REQUIRE(t::to_string(90 * t::Second) == "1m30s");
  REQUIRE(t::to_string(t::Duration(1500)) == "1.5µs");
}

TEST_CASE("AfterFunc runs its function on a new fiber after the delay, Stop cancels it",
          "[gox][time]") {
  auto r = run_ok(virt(3), [] {
    auto fired = gox::make_chan<std::string>(2);
    const auto start = t::Now();
    t::Timer a = t::AfterFunc(2 * t::Second, [&] { fired.send(gox::fiber_name()); });
    t::Timer b = t::AfterFunc(1 * t::Second, [&] { fired.send("never"); });
    REQUIRE(b.Stop());
    REQUIRE(fired.recv() == "time.AfterFunc");
    REQUIRE(t::Since(start) == 2 * t::Second);
    REQUIRE_FALSE(a.Stop());  // already fired
    REQUIRE_FALSE(a.Reset(t::Second));
    REQUIRE(fired.recv() == "time.AfterFunc");
    REQUIRE(t::Since(start) == 3 * t::Second);
    REQUIRE(fired.len() == 0);
  });
  REQUIRE(r.elapsed == 3 * t::Second);
}

TEST_CASE("A pending AfterFunc is no leak and does not keep the run alive", "[gox][time]") {
  for (auto cfg : {virt(1), det(2), par(2)}) {
    auto r = run_ok(cfg, [] { t::AfterFunc(t::Hour, [] {}); });
    REQUIRE(r.elapsed < t::Second);
  }
}
