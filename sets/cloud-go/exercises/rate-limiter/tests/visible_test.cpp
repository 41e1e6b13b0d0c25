// Visible tests: what `gograde test cloud-go/rate-limiter` runs.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"
#include "limiter.hpp"

using namespace std::chrono_literals;

TEST_CASE("A new key allows its burst, then refuses", "[burst]") {
  gograde::check::run(
      [] {
        Limiter l(1, 3);
        CHECK(l.Allow("tenant-a"));
        CHECK(l.Allow("tenant-a"));
        CHECK(l.Allow("tenant-a"));
        CHECK_FALSE(l.Allow("tenant-a"));
      },
      gograde::check::virtual_time);
}

TEST_CASE("A token comes back after 1/rate seconds", "[refill]") {
  gograde::check::run(
      [] {
        Limiter l(2, 1);  // a token every 500 ms
        CHECK(l.Allow("k"));
        gox::time::Sleep(300ms);
        CHECK_FALSE(l.Allow("k"));
        gox::time::Sleep(300ms);  // 600 ms: 1.2 tokens have flowed in
        CHECK(l.Allow("k"));
      },
      gograde::check::virtual_time);
}

TEST_CASE("Another tenant's burst does not spend yours", "[keys]") {
  gograde::check::run(
      [] {
        Limiter l(1, 2);
        CHECK(l.Allow("noisy"));
        CHECK(l.Allow("noisy"));
        CHECK_FALSE(l.Allow("noisy"));
        CHECK(l.Allow("quiet"));
      },
      gograde::check::virtual_time);
}
