// Hidden tests for Serve, judge half: the cases (given to the driver) and,
// computed here, what each must give: workers take jobs in order the instant
// they are free, none at or after the notice; a job in flight finishes if it
// ends within notice + grace, else it is interrupted then. (No case puts a
// job's end on the notice or the deadline, where order would be a tie.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gograde/judge.hpp"

namespace {

using gograde::judge::json;
using gograde::judge::observed;

struct drain_case {
  std::string test, key;
  std::vector<long> work_ms;
  int workers;
  long grace_ms, notice_ms;  // notice_ms < 0: none
  bool closed;
};

const std::vector<drain_case>& all_cases() {
  static const std::vector<drain_case> c = {
      {"complete", "6 jobs of 100 ms on 2 workers", {100, 100, 100, 100, 100, 100}, 2, 1000, -1, true},
      {"complete", "6 uneven jobs on 3 workers", {300, 100, 200, 50, 250, 150}, 3, 1000, -1, true},
      {"stop-taking", "10 jobs of 100 ms on 2 workers, notice at 250 ms, grace 1 s",
       {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, 2, 1000, 250, false},
      {"stop-taking", "7 uneven jobs on 3 workers, notice at 500 ms, grace 1 s",
       {400, 2500, 1200, 300, 3000, 100, 100}, 3, 1000, 500, true},
      {"deadline", "6 jobs of 5 s on 3 workers, notice at 1 s, grace 2 s",
       {5000, 5000, 5000, 5000, 5000, 5000}, 3, 2000, 1000, false},
      {"deadline", "7 uneven jobs on 3 workers, notice at 500 ms, grace 1 s",
       {400, 2500, 1200, 300, 3000, 100, 100}, 3, 1000, 500, true},
      {"idle", "2 jobs of 100 ms on 3 workers, the channel left open, notice at 450 ms", {100, 100}, 3, 1000, 450, false},
      {"idle", "no job, notice at 1 s", {}, 2, 1000, 1000, false},
      {"concurrent", "8 jobs of 10 ms on 4 workers", {10, 10, 10, 10, 10, 10, 10, 10}, 4, 1000, -1, true},
  };
  return c;
}

GOGRADE_INPUT("cases") {
  json out = json::array();
  for (const auto& c : all_cases())
    out.push_back({{"test", c.test}, {"key", c.key}, {"work_ms", c.work_ms}, {"workers", c.workers},
                   {"grace_ms", c.grace_ms}, {"notice_ms", c.notice_ms}, {"closed", c.closed}});
  return out;
}

struct outcome {
  std::vector<int> finished, interrupted, not_started;
  std::map<std::string, long> started;
  long returned_at = 0;
};

outcome expected(const drain_case& c) {
  outcome o;
  std::vector<long> free_at(static_cast<std::size_t>(c.workers), 0);
  const bool notice = c.notice_ms >= 0;
  const long deadline = c.notice_ms + c.grace_ms;
  for (std::size_t i = 0; i < c.work_ms.size(); ++i) {
    const int id = static_cast<int>(i) + 1;
    auto slot = std::min_element(free_at.begin(), free_at.end());
    if (notice && *slot >= c.notice_ms) {
      o.not_started.push_back(id);
      continue;
    }
    o.started[std::to_string(id)] = *slot;
    const long end = *slot + c.work_ms[i];
    if (notice && end > deadline) {
      o.interrupted.push_back(id);
      *slot = deadline;
    } else {
      o.finished.push_back(id);
      *slot = end;
    }
  }
  o.returned_at = *std::max_element(free_at.begin(), free_at.end());
  // Workers left waiting on an open channel stop at the notice.
  if (notice && !c.closed) o.returned_at = std::max(o.returned_at, c.notice_ms);
  return o;
}

void judge(const std::string& test) {
  int n = 0;
  for (const auto& c : all_cases()) {
    if (c.test != test) continue;
    ++n;
    std::string jobs;
    for (std::size_t i = 0; i < c.work_ms.size(); ++i) jobs += " #" + std::to_string(i + 1) + ":" + std::to_string(c.work_ms[i]) + "ms";
    INFO("Serve(notice " << (c.notice_ms < 0 ? std::string("never") : "at " + std::to_string(c.notice_ms) + " ms")
                         << ", " << c.workers << " workers, grace " << c.grace_ms << " ms), jobs" << jobs
                         << (c.closed ? " (channel closed)" : " (channel left open)"));
    const json& o = observed(c.key);
    INFO("Serve returned " << o.dump());
    const outcome e = expected(c);
    CHECK(o.at("finished").get<std::vector<int>>() == e.finished);
    CHECK(o.at("interrupted").get<std::vector<int>>() == e.interrupted);
    CHECK(o.at("not started").get<std::vector<int>>() == e.not_started);
    CHECK(o.at("started").get<std::map<std::string, long>>() == e.started);
    CHECK(o.at("returned at ms") == e.returned_at);
    CHECK(o.at("running at return") == 0);
  }
  REQUIRE(n > 0);
}

}  // namespace

TEST_CASE("Without a notice every job runs and Serve returns when the channel is done", "[complete]") { judge("complete"); }

TEST_CASE("No job is taken after the notice; queued jobs are requeued", "[stop-taking]") { judge("stop-taking"); }

TEST_CASE("In-flight jobs get the grace period, then are interrupted", "[deadline]") { judge("deadline"); }

TEST_CASE("Idle workers stop at the notice", "[idle]") { judge("idle"); }

TEST_CASE("Concurrent workers on explored schedules", "[concurrent]") { judge("concurrent"); }
