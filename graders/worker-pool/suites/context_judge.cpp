// Hidden tests for the follow-up, RunAll, judge half: the first error stops
// the pool (graders/worker-pool/data/vectors.json, checked by the Go twin).
#include <catch2/catch.hpp>

#include "cases.hpp"
#include "gograde/judge.hpp"

using gograde::judge::observed;

GOGRADE_INPUT("runall") { return driver_runall_inputs(); }

TEST_CASE("The first error stops the pool: later jobs never start, the error is returned", "[first-error]") {
  const auto all = runall_cases();
  for (std::size_t k = 0; k < all.size(); ++k) {
    const auto& c = all[k];
    const auto& o = observed(key_of(k, c.name));
    INFO("case \"" << c.name << "\": returned \"" << o.at("error").get<std::string>() << "\" at "
                   << o.at("at ms").get<long>() << " ms");
    CHECK(show(o.at("started").get<std::vector<int>>()) == show(c.started));
    CHECK(o.at("at ms").get<long>() == c.elapsed_ms);
    CHECK(show(o.at("results").get<std::vector<int>>()) == show(c.results));
    if (c.fail >= 0) CHECK(o.at("is ErrJob").get<bool>());
    else CHECK(o.at("error").get<std::string>().empty());
  }
}

TEST_CASE("Cancelling the parent context returns at once with its error", "[parent-cancel]") {
  const auto& o = observed("returned");
  INFO("returned \"" << o.at("error").get<std::string>() << "\" at " << o.at("at ms").get<long>()
                     << " ms after starting " << o.at("started").size() << " jobs");
  CHECK(o.at("is Canceled").get<bool>());
  CHECK(o.at("at ms").get<long>() == 2500);
  CHECK(o.at("started").size() == 9);
}

TEST_CASE("RunAll on many fibers and threads", "[stress]") {
  const auto& o = observed("returned");
  CHECK(o.at("is ErrJob").get<bool>());
  CHECK(o.at("started").size() < 300);
}
