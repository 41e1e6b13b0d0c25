#include <array>
#include <cmath>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"
#include "gox_test.hpp"

using namespace gox_test;
namespace t = gox::time;

TEST_CASE("select chooses uniformly at random among ready cases", "[gox][select]") {
  const int ncases = GENERATE(2, 3, 4);
  const std::uint64_t seed = GENERATE(1, 99);
  CAPTURE(ncases, seed);
  std::array<int, 4> hits{};
  constexpr int rounds = 20000;
  run_ok(virt(seed), [&] {
    std::array<gox::chan<int>, 4> chs;
    for (auto& c : chs) c = gox::make_chan<int>(1);
    for (int r = 0; r < rounds; ++r) {
      for (int i = 0; i < ncases; ++i)
        if (chs[i].len() == 0) chs[i].send(i);
      int chosen = -1;
      auto on = [&](int v) { chosen = v; };
      if (ncases == 2) gox::select(gox::recv_case(chs[0], on), gox::recv_case(chs[1], on));
      if (ncases == 3)
        gox::select(gox::recv_case(chs[0], on), gox::recv_case(chs[1], on),
                    gox::recv_case(chs[2], on));
      if (ncases == 4)
        gox::select(gox::recv_case(chs[0], on), gox::recv_case(chs[1], on),
                    gox::recv_case(chs[2], on), gox::recv_case(chs[3], on));
      REQUIRE(chosen >= 0);
      ++hits[chosen];
    }
  });
  // Chi-square goodness of fit against the uniform distribution; the
  // threshold is the 99.99th percentile for ncases-1 degrees of freedom.
  const double expected = static_cast<double>(rounds) / ncases;
  double chi2 = 0;
  for (int i = 0; i < ncases; ++i) chi2 += std::pow(hits[i] - expected, 2) / expected;
  const double limit[] = {0, 15.14, 18.42, 21.11};
  INFO("hits: " << hits[0] << " " << hits[1] << " " << hits[2] << " " << hits[3]);
  REQUIRE(chi2 < limit[ncases - 1]);
  for (int i = 0; i < ncases; ++i) REQUIRE(hits[i] > 0);
}

TEST_CASE("select runs default when no case is ready", "[gox][select]") {
  run_ok(virt(), [] {
    auto a = gox::make_chan<int>();
    auto b = gox::make_chan<int>(1);
    int idx = gox::select(gox::recv_case(a, [](int) { FAIL("a"); }),
                          gox::send_case(a, 1, [] { FAIL("send"); }),
                          gox::default_case([] {}));
    REQUIRE(idx == 2);
    idx = gox::select(gox::send_case(b, 3, [] {}), gox::default_case([] { FAIL("default"); }));
    REQUIRE(idx == 0);
    REQUIRE(b.recv() == 3);
  });
}

TEST_CASE("A losing select case never consumes a value", "[gox][select]") {
  const std::uint64_t seed = GENERATE(range(1, 30));
  CAPTURE(seed);
  run_ok(virt(seed), [] {
    auto a = gox::make_chan<int>();
    auto b = gox::make_chan<int>();
    gox::go([=] { a.send(1); });
    gox::go([=] { b.send(2); });
    gox::yield();
    gox::yield();
    int got = 0;
    gox::select(gox::recv_case(a, [&](int v) { got = v; }),
                gox::recv_case(b, [&](int v) { got = v; }));
    // The other sender is still blocked with its value: receive it.
    if (got == 1) REQUIRE(b.recv() == 2);
    else REQUIRE(a.recv() == 1);
  });
}

TEST_CASE("A blocked select completes exactly one case when several become ready at once",
          "[gox][select][parallel]") {
  run_ok(par(2), [] {
    constexpr int rounds = 3000;
    auto a = gox::make_chan<int>();
    auto b = gox::make_chan<int>();
    auto stop = gox::make_chan<bool>();
    gox::AtomicInt64 sent;
    gox::WaitGroup wg;
    wg.Add(2);
    for (auto ch : {a, b})
      gox::go([=, &sent, &wg] {
        for (;;) {
          bool quit = false;
          gox::select(gox::send_case(ch, 1, [&] { sent.Add(1); }),
                      gox::recv_case(stop, [&](bool) { quit = true; }));
          if (quit) break;
        }
        wg.Done();
      });
    long received = 0;
    for (int i = 0; i < rounds; ++i)
      gox::select(gox::recv_case(a, [&](int v) { received += v; }),
                  gox::recv_case(b, [&](int v) { received += v; }));
    stop.close();
    wg.Wait();
    REQUIRE(received == rounds);
    REQUIRE(sent.Load() == rounds);
  });
}

TEST_CASE("A select receive case on a closed channel gets ok=false", "[gox][select]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>();
    ch.close();
    bool ok = true;
    gox::select(gox::recv_case(ch, [&](int, bool o) { ok = o; }));
    REQUIRE_FALSE(ok);
  });
}

TEST_CASE("A select send case to a closed channel panics", "[gox][select]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>(1);
    ch.close();
    REQUIRE_THROWS_WITH(gox::select(gox::send_case(ch, 1, [] {})), "send on closed channel");
  });
}

TEST_CASE("A select with only nil channels and no default blocks forever", "[gox][select]") {
  auto r = gox::run(virt(), [] {
    gox::chan<int> nil;
    gox::select(gox::recv_case(nil, [](int) {}));
  });
  REQUIRE(r.result == gox::outcome::deadlock);
  REQUIRE(r.fibers.at(0).wait == "select (no cases)");
}

TEST_CASE("select with time.After times out at the exact virtual instant", "[gox][select][time]") {
  run_ok(virt(), [] {
    auto never = gox::make_chan<int>();
    auto start = t::Now();
    bool timed_out = false;
    gox::select(gox::recv_case(never, [](int) {}),
                gox::recv_case(t::After(250 * t::Millisecond), [&](t::Time) { timed_out = true; }));
    REQUIRE(timed_out);
    REQUIRE(t::Since(start) == 250 * t::Millisecond);
  });
}

TEST_CASE("A select blocked on a send completes when a receiver arrives", "[gox][select]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<std::string>();
    gox::go([=] {
      t::Sleep(t::Second);
      REQUIRE(ch.recv() == "hello");
    });
    bool sent = false;
    gox::select(gox::send_case(ch, std::string("hello"), [&] { sent = true; }));
    REQUIRE(sent);
  });
}
