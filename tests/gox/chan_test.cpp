#include <memory>
#include <numeric>
#include <vector>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"
#include "gox_test.hpp"

using namespace gox_test;
namespace t = gox::time;

TEST_CASE("An unbuffered send blocks until a receiver takes the value", "[gox][chan]") {
  const auto seed = GENERATE(1, 2, 3);
  CAPTURE(seed);
  run_ok(virt(seed), [] {
    auto ch = gox::make_chan<int>();
    auto start = t::Now();
    t::Duration sent_after{};
    gox::go([&] {
      ch.send(42);
      sent_after = t::Since(start);
    });
    t::Sleep(t::Second);
    REQUIRE(ch.recv() == 42);
    t::Sleep(t::Millisecond);
    REQUIRE(sent_after == t::Second);
  });
}

TEST_CASE("A buffered channel holds exactly its capacity, any capacity", "[gox][chan]") {
  const std::size_t cap = GENERATE(1u, 2u, 3u, 5u, 1000u);
  CAPTURE(cap);
  run_ok(virt(), [cap] {
    auto ch = gox::make_chan<int>(cap);
    for (std::size_t i = 0; i < cap; ++i) ch.send(static_cast<int>(i));
    REQUIRE(ch.len() == cap);
    REQUIRE(ch.cap() == cap);
    REQUIRE_FALSE(ch.try_send(-1));
    for (std::size_t i = 0; i < cap; ++i) REQUIRE(ch.recv() == static_cast<int>(i));
    REQUIRE(ch.len() == 0);
  });
}

TEST_CASE("A send to a full buffered channel blocks until a receive makes room", "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>(1);
    ch.send(1);
    auto start = t::Now();
    gox::go([&] {
      t::Sleep(3 * t::Second);
      REQUIRE(ch.recv() == 1);
    });
    ch.send(2);
    REQUIRE(t::Since(start) == 3 * t::Second);
    REQUIRE(ch.recv() == 2);
  });
}

TEST_CASE("Receive on a closed channel drains the buffer, then yields zero with ok=false",
          "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>(3);
    ch.send(7);
    ch.send(8);
    ch.close();
    auto a = ch.recv2();
    auto b = ch.recv2();
    auto c = ch.recv2();
    REQUIRE((a.value == 7 && a.ok));
    REQUIRE((b.value == 8 && b.ok));
    REQUIRE((c.value == 0 && !c.ok));
    REQUIRE(ch.recv() == 0);
  });
}

TEST_CASE("Closing a channel wakes every blocked receiver with ok=false", "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<std::string>();
    int closed_seen = 0;
    auto done = gox::make_chan<bool>(3);
    for (int i = 0; i < 3; ++i)
      gox::go([&] {
        auto r = ch.recv2();
        if (!r.ok && r.value.empty()) ++closed_seen;
        done.send(true);
      });
    t::Sleep(t::Second);
    ch.close();
    for (int i = 0; i < 3; ++i) done.recv();
    REQUIRE(closed_seen == 3);
  });
}

TEST_CASE("Send on a closed channel panics", "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>(1);
    ch.close();
    REQUIRE_THROWS_WITH(ch.send(1), "send on closed channel");
  });
}

TEST_CASE("Closing a closed channel or a nil channel panics", "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>();
    ch.close();
    REQUIRE_THROWS_AS(ch.close(), gox::panic);
    REQUIRE_THROWS_WITH(ch.close(), "close of closed channel");
    gox::chan<int> nil;
    REQUIRE_THROWS_WITH(nil.close(), "close of nil channel");
  });
}

TEST_CASE("A sender blocked when the channel is closed panics", "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>();
    bool panicked = false;
    auto done = gox::make_chan<bool>(1);
    gox::go([&] {
      try {
        ch.send(1);
      } catch (const gox::panic& p) {
        panicked = std::string(p.what()) == "send on closed channel";
      }
      done.send(true);
    });
    t::Sleep(t::Second);
    ch.close();
    done.recv();
    REQUIRE(panicked);
  });
}

TEST_CASE("A nil channel blocks forever", "[gox][chan]") {
  gox::run_result r = gox::run(virt(), [] {
    gox::chan<int> nil;
    REQUIRE(nil.len() == 0);
    REQUIRE(nil.cap() == 0);
    REQUIRE(nil == nullptr);
    nil.recv();
  });
  REQUIRE(r.result == gox::outcome::deadlock);
  REQUIRE(r.fibers.size() == 1);
  REQUIRE(r.fibers[0].wait == "chan receive (nil chan)");
}

TEST_CASE("Range over a channel receives every value until it is closed", "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>(2);
    gox::go([=] {
      for (int i = 1; i <= 10; ++i) ch.send(i);
      ch.close();
    });
    std::vector<int> got;
    for (int v : ch) got.push_back(v);
    std::vector<int> want(10);
    std::iota(want.begin(), want.end(), 1);
    REQUIRE(got == want);
  });
}

TEST_CASE("Directional views share the channel they view", "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<int>(1);
    gox::send_chan<int> out = ch;
    gox::recv_chan<int> in = ch;
    out.send(5);
    REQUIRE(in.len() == 1);
    REQUIRE(in.recv() == 5);
    out.close();
    REQUIRE_FALSE(in.recv2().ok);
  });
}

TEST_CASE("Channels carry move-only values", "[gox][chan]") {
  run_ok(virt(), [] {
    auto ch = gox::make_chan<std::unique_ptr<int>>(1);
    ch.send(std::make_unique<int>(9));
    auto p = ch.recv();
    REQUIRE(*p == 9);
  });
}

TEST_CASE("Every value sent by many producers is received exactly once on the parallel scheduler",
          "[gox][chan][parallel]") {
  const std::size_t cap = GENERATE(0u, 1u, 64u);
  const int threads = GENERATE(1, 2);
  CAPTURE(cap, threads);
  run_ok(par(threads), [cap] {
    auto ch = gox::make_chan<long>(cap);
    constexpr int producers = 4, per = 2000;
    auto done = gox::make_chan<bool>();
    for (int p = 0; p < producers; ++p)
      gox::go([=] {
        for (int i = 0; i < per; ++i) ch.send(p * per + i);
        done.send(true);
      });
    gox::go([=] {
      for (int p = 0; p < producers; ++p) done.recv();
      ch.close();
    });
    std::vector<int> seen(producers * per, 0);
    std::vector<int> last(producers, -1);
    for (long v : ch) {
      ++seen[v];
      const int p = static_cast<int>(v / per);
      REQUIRE(v % per > last[p]);  // per-producer FIFO
      last[p] = static_cast<int>(v % per);
    }
    for (int s : seen) REQUIRE(s == 1);
  });
}
