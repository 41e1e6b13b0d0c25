// Hidden tests for the follow-up, RetryContext, judge half.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gograde/judge.hpp"
#include "schedules.hpp"

using gograde::judge::observed;

GOGRADE_INPUT("schedules") { return driver_inputs(); }

TEST_CASE("RetryContext follows every schedule, the capped ones included", "[cap]") {
  const auto all = schedules();
  for (std::size_t k = 0; k < all.size(); ++k) {
    const schedule& s = all[k];
    const auto& o = observed(key_of(k, s.name));
    INFO("schedule \"" << s.name << "\": base " << s.base_ms << " ms, cap " << s.cap_ms << " ms, " << s.attempts
                       << " attempts");
    CHECK(show(o.at("calls at ms").get<std::vector<long>>()) == show(s.attempt_at_ms));
    CHECK(o.at("returned at ms").get<long>() == s.return_at_ms);
    CHECK(o.at("error").get<bool>() == !s.ok);
    if (!s.ok && s.attempts > 0) CHECK(o.at("wraps the last failure").get<bool>());
  }
}

TEST_CASE("Cancelling during a sleep returns at that instant with the context's error", "[cancel]") {
  const auto& o = observed("returned");
  INFO("returned \"" << o.at("error").get<std::string>() << "\" at " << o.at("at ms").get<long>() << " ms");
  CHECK(o.at("canceled").get<bool>());
  CHECK(o.at("at ms").get<long>() == 2500);
  CHECK(o.at("calls").get<long>() == 2);
}

TEST_CASE("A deadline during a sleep returns at the deadline", "[cancel]") {
  const auto& o = observed("returned");
  INFO("returned \"" << o.at("error").get<std::string>() << "\" at " << o.at("at ms").get<long>() << " ms");
  CHECK(o.at("deadline exceeded").get<bool>());
  CHECK(o.at("at ms").get<long>() == 4000);
  CHECK(o.at("calls").get<long>() == 3);
}

TEST_CASE("A context already done: no call at all", "[cancel]") {
  const auto& o = observed("returned");
  CHECK(o.at("canceled").get<bool>());
  CHECK(o.at("calls").get<long>() == 0);
}

TEST_CASE("Full jitter: every delay in [0, min(cap, base*2^i)], spread uniformly", "[jitter]") {
  const long bound_ms[] = {1000, 2000, 4000, 5000};
  const auto calls = gograde::judge::observed_as<std::vector<std::vector<long>>>("calls at ms, per RetryContext");
  REQUIRE(calls.size() == 300);
  std::vector<double> u;  // each delay over its bound
  for (std::size_t k = 0; k < calls.size(); ++k) {
    const auto& at = calls[k];
    INFO("call " << k << " of RetryContext(op, 5): the operation was called " << at.size() << " times");
    REQUIRE(at.size() == 5);
    for (std::size_t i = 1; i < at.size(); ++i) {
      const long gap = at[i] - at[i - 1];
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
  INFO("mean delay/bound " << mean << "; quarters " << frac(0, .25) << " " << frac(.25, .5) << " " << frac(.5, .75)
                           << " " << frac(.75, 1.01));
  CHECK(mean > 0.42);
  CHECK(mean < 0.58);
  for (double q : {0.0, 0.25, 0.5, 0.75}) {
    CHECK(frac(q, q + 0.25 + (q == 0.75 ? 0.01 : 0)) > 0.17);
    CHECK(frac(q, q + 0.25 + (q == 0.75 ? 0.01 : 0)) < 0.33);
  }
}
