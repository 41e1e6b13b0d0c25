// Visible tests: what `gograde test retry-backoff` runs (in virtual time).
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "gox/error.hpp"
#include "gox/time.hpp"
#include "retry.hpp"

using gograde::check::virtual_time;

TEST_CASE("Success on the first attempt returns at once", "[basic]") {
  gograde::check::run(
      [] {
        const auto t0 = gox::time::Now();
        int calls = 0;
        CHECK_FALSE(Retry([&] { ++calls; return gox::error(); }, 3));
        CHECK(calls == 1);
        CHECK(gox::time::Since(t0) == gox::time::Duration::zero());
      },
      virtual_time);
}

TEST_CASE("Three failures: attempts at 0, 1 and 3 s", "[basic]") {
  gograde::check::run(
      [] {
        const auto t0 = gox::time::Now();
        std::vector<gox::time::Duration> at;
        const gox::error err = Retry(
            [&] {
              at.push_back(gox::time::Since(t0));
              gograde::check::event("attempt " + std::to_string(at.size()), "operation");
              return gox::errors::New("unavailable");
            },
            3);
        CHECK(err);
        CHECK(at == std::vector<gox::time::Duration>{gox::time::Duration::zero(), gox::time::Second, 3 * gox::time::Second});
      },
      virtual_time);
}
