// Hidden tests for FetchAll, drive half, in virtual time (fake.hpp: a fake
// service whose URLs say how long they take and whether they fail).
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "fake.hpp"
#include "fetch.hpp"
#include "gograde/check.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"

namespace {

using namespace std::chrono_literals;
using gograde::check::ms_since;
using gograde::check::observe;

// FetchAll over `urls`, observed under `key`: what it returned and when, and
// what the service saw.
void fetch_all(const std::string& key, const std::vector<std::string>& urls, int limit,
               gox::context::Context parent = gox::context::Background()) {
  auto svc = std::make_shared<service>();
  const Fetched f = FetchAll(parent, urls, limit, fetcher(svc));
  const long at = ms_since(svc->t0);
  std::lock_guard g(svc->mu);
  observe(key, {{"bodies", f.bodies},
                {"err", describe(f.err)},
                {"returned at ms", at},
                {"in flight at return", svc->in_flight},
                {"max in flight", svc->max_in_flight},
                {"started", svc->started},
                {"ended", svc->ended}});
}

void cases(const std::string& name) {
  for (const auto& c : gograde::check::input("cases"))
    if (c.at("test") == name)
      gograde::check::run([&] { fetch_all(c.at("key"), c.at("urls"), c.at("limit")); }, gograde::check::virtual_time);
}

}  // namespace

TEST_CASE("Every body, in the order of the URLs", "[order]") { cases("order"); }

TEST_CASE("At most limit in flight, a slot refilled the instant it frees", "[limit]") { cases("limit"); }

TEST_CASE("The first error cancels the rest at its instant", "[first-error]") { cases("first-error"); }

TEST_CASE("FetchAll waits for a fetch that ignores cancellation", "[waits]") { cases("waits"); }

TEST_CASE("The parent's deadline or cancellation stops the fetches", "[parent]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = gox::context::WithTimeout(gox::context::Background(), 250ms);
        fetch_all("deadline at 250 ms", {"u0:100", "u1:100", "u2:100", "u3:100", "u4:100", "u5:100"}, 2, ctx);
        cancel();
        auto [done, cancel2] = gox::context::WithCancel(gox::context::Background());
        cancel2();
        fetch_all("parent cancelled before", {"u0:100", "u1:100"}, 2, done);
      },
      gograde::check::virtual_time);
}

TEST_CASE("Concurrent fetches on explored schedules", "[concurrent]") { cases("concurrent"); }
