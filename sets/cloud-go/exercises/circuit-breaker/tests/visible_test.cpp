// Visible tests: what `gograde test cloud-go/circuit-breaker` runs.
#include <catch2/catch.hpp>

#include "breaker.hpp"
#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"

using namespace std::chrono_literals;

namespace {
const gox::error kDown = gox::errors::New("down");
}

TEST_CASE("Two failures in a row open a breaker of threshold 2", "[opens]") {
  gograde::check::run(
      [] {
        Breaker b(2, 1s);
        CHECK(b.Call([] { return kDown; }) == kDown);
        CHECK(b.state() == State::Closed);
        CHECK(b.Call([] { return kDown; }) == kDown);
        CHECK(b.state() == State::Open);
        bool ran = false;
        CHECK(gox::errors::Is(b.Call([&] {
          ran = true;
          return gox::error();
        }),
                              ErrOpen));
        CHECK_FALSE(ran);
      },
      gograde::check::virtual_time);
}

TEST_CASE("After the cooldown a successful probe closes it", "[cooldown]") {
  gograde::check::run(
      [] {
        Breaker b(1, 1s);
        (void)b.Call([] { return kDown; });
        gox::time::Sleep(999ms);
        CHECK(gox::errors::Is(b.Call([] { return gox::error(); }), ErrOpen));
        gox::time::Sleep(1ms);
        CHECK_FALSE(b.Call([] { return gox::error(); }));
        CHECK(b.state() == State::Closed);
      },
      gograde::check::virtual_time);
}
