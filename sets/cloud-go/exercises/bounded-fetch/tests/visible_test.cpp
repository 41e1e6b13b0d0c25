// Visible tests: what `gograde test cloud-go/bounded-fetch` runs.
#include <catch2/catch.hpp>

#include <memory>

#include "fetch.hpp"
#include "gograde/check.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"

using namespace std::chrono_literals;

namespace {
const gox::error kDown = gox::errors::New("down");

// Each URL takes 100 ms; "bad" fails. Counts fetches in flight.
struct counting {
  gox::Mutex mu;
  int now = 0, most = 0;
};
Fetch fake(std::shared_ptr<counting> c) {
  return [c](gox::context::Context ctx, const std::string& url) -> std::pair<std::string, gox::error> {
    {
      std::lock_guard g(c->mu);
      c->most = std::max(c->most, ++c->now);
    }
    gox::error err;
    gox::select(gox::recv_case(gox::time::After(100ms), [](gox::time::Time) {}),
                gox::recv_case(ctx.Done(), [&](gox::context::empty) { err = ctx.Err(); }));
    std::lock_guard g(c->mu);
    --c->now;
    if (!err && url == "bad") err = kDown;
    return {err ? "" : "<" + url + ">", err};
  };
}
}  // namespace

TEST_CASE("Six URLs, two at a time: bodies in order, 300 ms", "[limit]") {
  gograde::check::run(
      [] {
        auto c = std::make_shared<counting>();
        const auto t0 = gox::time::Now();
        const Fetched f = FetchAll(gox::context::Background(), {"a", "b", "c", "d", "e", "f"}, 2, fake(c));
        CHECK_FALSE(f.err);
        CHECK(f.bodies == std::vector<std::string>{"<a>", "<b>", "<c>", "<d>", "<e>", "<f>"});
        CHECK(c->most == 2);
        CHECK(gox::time::Since(t0) == 300ms);
      },
      gograde::check::virtual_time);
}

TEST_CASE("An error is returned", "[first-error]") {
  gograde::check::run(
      [] {
        auto c = std::make_shared<counting>();
        const Fetched f = FetchAll(gox::context::Background(), {"a", "bad", "c"}, 3, fake(c));
        CHECK(f.err == kDown);
      },
      gograde::check::virtual_time);
}
