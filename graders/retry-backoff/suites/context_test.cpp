// Hidden tests for the follow-up, RetryContext: cancellation, the cap and
// full jitter, in virtual time.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gograde/check.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "retry.hpp"
#include "retry_context.hpp"
#include "schedules.hpp"

namespace ctxns = gox::context;
using gox::time::Millisecond;
using gox::time::Second;

TEST_CASE("RetryContext follows every schedule, the capped ones included", "[cap]") {
  for (const auto& s : schedules()) {
    gograde::check::run(
        [&] {
          recorder r;
          r.succeed_on = s.succeed_on;
          Backoff b;
          b.base = s.base_ms * Millisecond;
          b.max = s.cap_ms * Millisecond;
          const gox::error err = RetryContext(ctxns::Background(), [&](ctxns::Context) { return r.call(); }, s.attempts, b);
          INFO("schedule \"" << s.name << "\": base " << s.base_ms << " ms, cap " << s.cap_ms << " ms, " << s.attempts
                             << " attempts");
          CHECK(show(r.at_ms) == show(s.attempt_at_ms));
          CHECK(ms_since(r.t0) == s.return_at_ms);
          CHECK(static_cast<bool>(err) == !s.ok);
          if (err && !r.errors.empty()) CHECK(gox::errors::Is(err, r.errors.back()));
        },
        virtual_time);
  }
}

TEST_CASE("Cancelling during a sleep returns at that instant with the context's error", "[cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = ctxns::WithCancel(ctxns::Background());
        recorder r;
        gox::time::AfterFunc(2500 * Millisecond, [cancel = cancel] {
          gograde::check::event("cancel", "context");
          cancel();
        });
        const gox::error err = RetryContext(ctx, [&](ctxns::Context) { return r.call(); }, 10);
        gograde::check::event("returned", "RetryContext");
        INFO("returned \"" << err.Error() << "\" at " << ms_since(r.t0) << " ms");
        CHECK(gox::errors::Is(err, ctxns::Canceled));
        CHECK(ms_since(r.t0) == 2500);
        CHECK(r.at_ms.size() == 2);
      },
      virtual_time);
}

TEST_CASE("A deadline during a sleep returns at the deadline", "[cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = ctxns::WithTimeout(ctxns::Background(), 4 * Second);
        recorder r;
        const gox::error err = RetryContext(ctx, [&](ctxns::Context) { return r.call(); }, 10);
        cancel();
        INFO("returned \"" << err.Error() << "\" at " << ms_since(r.t0) << " ms");
        CHECK(gox::errors::Is(err, ctxns::DeadlineExceeded));
        CHECK(ms_since(r.t0) == 4000);
        CHECK(r.at_ms.size() == 3);
      },
      virtual_time);
}

TEST_CASE("A context already done: no call at all", "[cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = ctxns::WithCancel(ctxns::Background());
        cancel();
        recorder r;
        const gox::error err = RetryContext(ctx, [&](ctxns::Context) { return r.call(); }, 3);
        CHECK(gox::errors::Is(err, ctxns::Canceled));
        CHECK(r.at_ms.empty());
      },
      virtual_time);
}

TEST_CASE("Full jitter: every delay in [0, min(cap, base*2^i)], spread uniformly", "[jitter]") {
  gograde::check::run(
      [] {
        Backoff b;
        b.base = Second;
        b.max = 5 * Second;
        b.jitter = true;
        const long bound_ms[] = {1000, 2000, 4000, 5000};
        std::vector<double> u;  // each delay over its bound
        for (int k = 0; k < 300; ++k) {
          recorder r;
          (void)RetryContext(ctxns::Background(), [&](ctxns::Context) { return r.call(); }, 5, b);
          REQUIRE(r.at_ms.size() == 5);
          for (std::size_t i = 1; i < r.at_ms.size(); ++i) {
            const long gap = r.at_ms[i] - r.at_ms[i - 1];
            INFO("call " << k << ": delay " << i << " was " << gap << " ms, allowed [0, " << bound_ms[i - 1] << "]");
            REQUIRE(gap >= 0);
            REQUIRE(gap <= bound_ms[i - 1]);
            u.push_back(static_cast<double>(gap) / static_cast<double>(bound_ms[i - 1]));
          }
        }
        // 1200 draws: each check below is many standard deviations wide.
        const auto frac = [&](double lo, double hi) {
          return static_cast<double>(std::count_if(u.begin(), u.end(), [&](double x) { return x >= lo && x < hi; })) /
                 static_cast<double>(u.size());
        };
        double mean = 0;
        for (double x : u) mean += x / static_cast<double>(u.size());
        INFO("mean delay/bound " << mean << "; quarters " << frac(0, .25) << " " << frac(.25, .5) << " "
                                 << frac(.5, .75) << " " << frac(.75, 1.01));
        CHECK(mean > 0.42);
        CHECK(mean < 0.58);
        for (double q : {0.0, 0.25, 0.5, 0.75}) {
          CHECK(frac(q, q + 0.25 + (q == 0.75 ? 0.01 : 0)) > 0.17);
          CHECK(frac(q, q + 0.25 + (q == 0.75 ? 0.01 : 0)) < 0.33);
        }
      },
      virtual_time);
}
