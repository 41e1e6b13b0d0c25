// Hidden tests for Retry, in virtual time: every instant is exact.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "retry.hpp"
#include "schedules.hpp"

namespace {
bool is_retrys(const schedule& s) { return s.base_ms == 1000 && s.cap_ms == 0; }
}  // namespace

TEST_CASE("Attempts at 0, 1, 3, 7 ... s", "[schedule]") {
  for (const auto& s : schedules()) {
    if (!is_retrys(s) || s.attempts <= 0) continue;
    gograde::check::run(
        [&] {
          recorder r;
          r.succeed_on = s.succeed_on;
          (void)Retry([&] { return r.call(); }, s.attempts);
          INFO("schedule \"" << s.name << "\": Retry(op, " << s.attempts << ")");
          CHECK(show(r.at_ms) == show(s.attempt_at_ms));
        },
        virtual_time);
  }
}

TEST_CASE("Returns as soon as an attempt succeeds", "[success]") {
  for (const auto& s : schedules()) {
    if (!is_retrys(s) || !s.ok) continue;
    gograde::check::run(
        [&] {
          recorder r;
          r.succeed_on = s.succeed_on;
          const gox::error err = Retry([&] { return r.call(); }, s.attempts);
          INFO("schedule \"" << s.name << "\"");
          CHECK_FALSE(err);
          CHECK(r.at_ms.size() == static_cast<std::size_t>(s.succeed_on));
          CHECK(ms_since(r.t0) == s.return_at_ms);
        },
        virtual_time);
  }
}

TEST_CASE("No sleep after the final failed attempt", "[final-sleep]") {
  for (const auto& s : schedules()) {
    if (!is_retrys(s) || s.ok || s.attempts <= 0) continue;
    gograde::check::run(
        [&] {
          recorder r;
          (void)Retry([&] { return r.call(); }, s.attempts);
          gograde::check::event("returned", "Retry");
          INFO("schedule \"" << s.name << "\": the last attempt is at " << s.return_at_ms
                             << " ms; Retry must return then, not after one more delay");
          CHECK(ms_since(r.t0) == s.return_at_ms);
        },
        virtual_time);
  }
}

TEST_CASE("The error names the attempts and wraps the last failure", "[error]") {
  gograde::check::run(
      [] {
        recorder r;
        const gox::error err = Retry([&] { return r.call(); }, 4);
        REQUIRE(err);
        REQUIRE(r.errors.size() == 4);
        INFO("Retry returned: \"" << err.Error() << "\"");
        CHECK(err.Error().find('4') != std::string::npos);
        CHECK(gox::errors::Is(err, r.errors.back()));
        CHECK_FALSE(gox::errors::Is(err, r.errors.front()));
      },
      virtual_time);
}

TEST_CASE("attempts <= 0: an error at once, no call", "[no-attempts]") {
  for (int attempts : {0, -1, -100}) {
    gograde::check::run(
        [&] {
          recorder r;
          const gox::error err = Retry([&] { return r.call(); }, attempts);
          INFO("Retry(op, " << attempts << ")");
          CHECK(err);
          CHECK(r.at_ms.empty());
          CHECK(ms_since(r.t0) == 0);
        },
        virtual_time);
  }
}

TEST_CASE("Retries on several fibers at once keep their own schedule", "[concurrent]") {
  gograde::check::run([] {
    gox::WaitGroup wg;
    std::vector<recorder> rs(4);
    std::vector<gox::error> errs(4);
    for (int f = 0; f < 4; ++f) {
      wg.Add(1);
      gox::go(
          [&, f] {
            rs[f].succeed_on = 4;
            errs[f] = Retry([&] { return rs[f].call(); }, 5);
            wg.Done();
          },
          "retrier");
    }
    wg.Wait();
    for (int f = 0; f < 4; ++f) {
      CHECK_FALSE(errs[f]);
      CHECK(show(rs[f].at_ms) == show({0, 1000, 3000, 7000}));
    }
  }, virtual_time);
}
