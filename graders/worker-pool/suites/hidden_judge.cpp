// Hidden tests for worker-pool, judge half: what each case must give
// (graders/worker-pool/data/vectors.json, checked by the Go twin too).
#include <catch2/catch.hpp>

#include <map>

#include "cases.hpp"
#include "gograde/judge.hpp"

namespace {

using gograde::judge::observed;
using gograde::judge::observed_as;

GOGRADE_INPUT("pool") { return driver_pool_inputs(); }

}  // namespace

TEST_CASE("Every job processed exactly once, every result delivered", "[exactly-once]") {
  const auto all = pool_cases();
  for (std::size_t k = 0; k < all.size(); ++k) {
    const auto& c = all[k];
    const auto& o = observed(key_of(k, c.name));
    INFO("case \"" << c.name << "\": " << c.workers << " workers, jobs " << show(c.jobs));
    CHECK(show(o.at("results").get<std::vector<int>>()) == show(c.results));
    std::map<int, int> want, calls;
    for (int j : c.jobs) ++want[j];
    for (const auto& p : o.at("calls per job")) calls[p.at(0).get<int>()] += p.at(1).get<int>();
    CHECK(calls == want);
  }
}

TEST_CASE("The results channel closes once, after every worker is done", "[close]") {
  const long finished = observed_as<long>("finished when results closed");
  INFO("when the results channel closed, " << finished << " of 9 jobs had finished");
  CHECK(observed_as<long>("results received") == 9);
  CHECK(finished == 9);
  CHECK(observed_as<long>("in flight when results closed") == 0);
  CHECK_FALSE(observed_as<bool>("a receive after the close got a value"));
}

TEST_CASE("Workers finishing together close the results once", "[close-together]") {
  CHECK(observed_as<long>("results received") == 2);
  CHECK_FALSE(observed_as<bool>("a receive after the close got a value"));
}

TEST_CASE("worker: sends each job's result, then calls Done exactly once", "[worker]") {
  INFO("worker must call Done once: a second Done would have released a second Wait");
  CHECK_FALSE(observed_as<bool>("a second Wait returned early"));
  CHECK(observed_as<bool>("worker returned"));
  CHECK(observed_as<std::vector<int>>("results for jobs 3, 1, 2") == std::vector<int>{6, 2, 4});
}

TEST_CASE("Workers run concurrently: exact elapsed time", "[concurrent]") {
  const auto all = pool_cases();
  for (std::size_t k = 0; k < all.size(); ++k) {
    const auto& c = all[k];
    const auto& o = observed(key_of(k, c.name));
    INFO("case \"" << c.name << "\": " << c.jobs.size() << " jobs of " << c.job_ms << " ms on " << c.workers
                   << " workers; at most " << o.at("most at once").get<int>() << " ran at once");
    CHECK(o.at("elapsed ms").get<long>() == c.elapsed_ms);
    CHECK(show(o.at("results").get<std::vector<int>>()) == show(c.results));
  }
}

TEST_CASE("A slow reader of the unbuffered results: no deadlock, nothing lost", "[unbuffered]") {
  CHECK(observed_as<std::vector<int>>("results") == std::vector<int>{2, 4, 6, 8, 10, 12});
}

TEST_CASE("Jobs closed early or before any job: no hang", "[early-close]") {
  CHECK(observed_as<std::vector<int>>("results of no job").empty());
  CHECK(observed_as<std::vector<int>>("results of jobs 0, 1, 2") == std::vector<int>{0, 2, 4});
}

TEST_CASE("Many jobs on many workers, real parallelism", "[stress]") {
  const auto got = observed_as<std::vector<int>>("results of jobs 0..399");
  REQUIRE(got.size() == 400);
  for (int i = 0; i < 400; ++i) CHECK(got[static_cast<std::size_t>(i)] == 2 * i);
}
