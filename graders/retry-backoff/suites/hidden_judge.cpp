// Hidden tests for Retry, judge half: the instants each schedule must give
// (graders/retry-backoff/data/vectors.json, checked by the Go twin too).
#include <catch2/catch.hpp>

#include "gograde/judge.hpp"
#include "schedules.hpp"

namespace {

using gograde::judge::observed;
using gograde::judge::observed_as;

GOGRADE_INPUT("schedules") { return driver_inputs(); }

// Each of Retry's schedules with attempts > 0 that `pick` selects, with the
// driver's observation of it.
template <class Check>
int for_retrys(bool (*pick)(const schedule&), Check check) {
  int n = 0;
  const auto all = schedules();
  for (std::size_t k = 0; k < all.size(); ++k) {
    const schedule& s = all[k];
    if (!is_retrys(s.base_ms, s.cap_ms) || s.attempts <= 0 || !pick(s)) continue;
    ++n;
    const auto& o = observed(key_of(k, s.name));
    INFO("schedule \"" << s.name << "\": Retry(op, " << s.attempts << "), the operation succeeding on call "
                       << s.succeed_on << " (0: never)");
    check(s, o.at("calls at ms").get<std::vector<long>>(), o.at("returned at ms").get<long>(), o.at("error").get<bool>());
  }
  return n;
}

}  // namespace

TEST_CASE("Attempts at 0, 1, 3, 7 ... s", "[schedule]") {
  REQUIRE(for_retrys([](const schedule&) { return true; },
                     [](const schedule& s, const std::vector<long>& at, long, bool) {
                       CHECK(show(at) == show(s.attempt_at_ms));
                     }) > 3);
}

TEST_CASE("Returns as soon as an attempt succeeds", "[success]") {
  REQUIRE(for_retrys([](const schedule& s) { return s.ok; },
                     [](const schedule& s, const std::vector<long>& at, long returned, bool error) {
                       CHECK_FALSE(error);
                       CHECK(at.size() == static_cast<std::size_t>(s.succeed_on));
                       CHECK(returned == s.return_at_ms);
                     }) > 0);
}

TEST_CASE("No sleep after the final failed attempt", "[final-sleep]") {
  REQUIRE(for_retrys([](const schedule& s) { return !s.ok; },
                     [](const schedule& s, const std::vector<long>&, long returned, bool) {
                       INFO("the last attempt is at " << s.return_at_ms
                                                      << " ms; Retry must return then, not after one more delay");
                       CHECK(returned == s.return_at_ms);
                     }) > 0);
}

TEST_CASE("The error names the attempts and wraps the last failure", "[error]") {
  const std::string err = observed_as<std::string>("error");
  REQUIRE(observed_as<long>("calls") == 4);
  INFO("Retry returned: \"" << err << "\"");
  REQUIRE(!err.empty());
  CHECK(err.find('4') != std::string::npos);
  CHECK(observed_as<bool>("wraps the last failure"));
  CHECK_FALSE(observed_as<bool>("wraps the first failure"));
}

TEST_CASE("attempts <= 0: an error at once, no call", "[no-attempts]") {
  for (int attempts : {0, -1, -100}) {
    INFO("Retry(op, " << attempts << ")");
    const auto& o = observed("attempts " + std::to_string(attempts));
    CHECK(o.at("error").get<bool>());
    CHECK(o.at("calls").get<long>() == 0);
    CHECK(o.at("returned at ms").get<long>() == 0);
  }
}

TEST_CASE("Retries on several fibers at once keep their own schedule", "[concurrent]") {
  for (int f = 0; f < 4; ++f) {
    const auto& o = observed("fiber " + std::to_string(f));
    INFO("fiber " << f << ": Retry(op, 5), the operation succeeding on call 4");
    CHECK_FALSE(o.at("error").get<bool>());
    CHECK(show(o.at("calls at ms").get<std::vector<long>>()) == show({0, 1000, 3000, 7000}));
  }
}
