// gograde's test main for exercise suites (the drive half of a hidden
// suite, or a candidate's visible suite): Catch2's runner plus a listener
// that writes one JSON line per observation and per finished test case, then
// one "done" line, to the grader's descriptor (gograde/protocol.hpp). A suite
// that stops before "done" (exit, crash, kill) has reported only the tests
// before it, which is what the grader needs to tell a crash from a pass.
//
// Nothing here is secret: the judge half, another program, holds what the
// tests expect, so code under test that writes records of its own can only
// report what it could have returned.
// Catch2's implementation is in catch_impl.cpp (run_catch); a listener needs
// only its reporter interfaces.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <vector>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gograde/check.hpp"
#include "gograde/protocol.hpp"
#include "channel.hpp"
#include "gox/time.hpp"

namespace {

namespace proto = gograde::protocol;

using gograde::check::detail::emit;
using gograde::check::detail::exercise_error;
using gograde::check::detail::results_fd;

// The current test's record (tests run one at a time, on the main thread).
struct current_test {
  std::string outcome = "ok";  // ok | deadlock | leak | panic
  std::string report;          // gox's dump for a non-ok run
  nlohmann::json first_failure;
  nlohmann::json events = nlohmann::json::array();
  std::string name;
  std::string not_replayable;
  nlohmann::json explored;  // a depth-first exploration's summary (check::run under GOX_POLICY=dfs)
};
current_test cur;
std::mutex events_mu;                         // guards cur, run_start, buffer; orders records
std::optional<gox::time::Time> run_start;     // of the current check::run
// While a depth-first exploration runs: the current schedule's observations,
// held back (each schedule's outcome is judged once per distinct set).
std::optional<std::vector<std::pair<std::string, nlohmann::json>>> held;

struct listener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;

  void testRunStarting(Catch::TestRunInfo const&) override { results_fd(); }

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    std::lock_guard g(events_mu);
    cur = current_test{};
    cur.name = info.name;
  }

  bool assertionEnded(Catch::AssertionStats const& s) override {
    const auto& r = s.assertionResult;
    if (!r.isOk() && cur.first_failure.is_null()) cur.first_failure = gograde::check::detail::failure_of(s);
    return true;
  }

  void testCaseEnded(Catch::TestCaseStats const& s) override {
    const bool ok = s.totals.assertions.failed == 0 && cur.outcome == "ok";
    nlohmann::json j = {{proto::kEvent, proto::kTestRecord},
                        {"name", s.testInfo.name},
                        {"status", ok ? "passed" : "failed"},
                        {"outcome", cur.outcome}};
    if (!cur.report.empty()) j["report"] = cur.report;
    if (!cur.first_failure.is_null()) j["failure"] = cur.first_failure;
    if (!cur.not_replayable.empty()) j["not_replayable"] = cur.not_replayable;
    if (!cur.explored.is_null()) j["explored"] = cur.explored;
    {
      std::lock_guard g(events_mu);
      if (!cur.events.empty()) j["events"] = cur.events;
    }
    emit(j);
  }

  void testRunEnded(Catch::TestRunStats const& s) override {
    emit({{proto::kEvent, proto::kDone},
          {"passed", s.totals.testCases.passed},
          {"failed", s.totals.testCases.failed}});
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(listener)

namespace gograde::check {

gox::config config() { return gox::config::from_env(); }

namespace {

// The main fiber of one run of `fn`.
void run_main(const std::function<void()>& fn, bool& required_failed, bool own_timeline = false) {
  {
    std::lock_guard g(events_mu);
    run_start = gox::time::Now();
    if (own_timeline) cur.events = nlohmann::json::array();  // one schedule's of many
  }
  try {
    fn();
  } catch (const Catch::TestFailureException&) {
    required_failed = true;
  }
}

// Distinct outcomes an exploration sends to be judged, at most.
constexpr std::size_t kMaxVariants = 32;

// GOX_POLICY=dfs without a schedule: `fn` under every schedule with at most
// the configured preemptions (up to the configured number of runs), depth
// first. Each schedule's observations are held back; each distinct set of
// them is sent once, tagged with its variant number, for the judge to judge
// on its own (the grader splits them), with the schedule that replays it.
// A schedule that fails here (a check of the drive, a deadlock, a leak, a
// panic) ends the search: its observations are the ones sent, and its
// outcome the test's.
gox::run_result explore(const gox::config& c, const std::function<void()>& fn, bool& required_failed) {
  struct variant {
    std::vector<std::pair<std::string, nlohmann::json>> obs;
    std::string schedule;  // the first that gave them
  };
  std::vector<variant> variants;
  std::set<std::string> seen;  // the variants' observations, as text
  bool overflow = false, failed_here = false;
  gox::run_result failing;
  std::string failing_schedule;
  std::vector<std::pair<std::string, nlohmann::json>> failing_obs;
  auto take_held = [] {
    std::lock_guard g(events_mu);
    auto obs = std::move(*held);
    held.emplace();
    return obs;
  };
  {
    std::lock_guard g(events_mu);
    held.emplace();
  }
  const gox::exploration ex = gox::explore_all(
      c,
      [&] {
        run_main(fn, required_failed, true);
        return required_failed || !cur.first_failure.is_null();
      },
      c.dfs_preemptions, c.dfs_runs,
      [&](const gox::run_result& r, const std::string& schedule) {
        auto obs = take_held();
        if (!r.ok() || required_failed || !cur.first_failure.is_null()) {
          failed_here = true;
          failing = r;
          failing_schedule = schedule;
          failing_obs = std::move(obs);
          return true;
        }
        // Keys in order: fibers may observe in any order on any schedule.
        std::vector<std::pair<std::string, nlohmann::json>> sorted = obs;
        std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::string key;
        for (const auto& [k, v] : sorted) key += nlohmann::json(k).dump() + "=" + v.dump() + "\n";
        if (seen.count(key)) return false;
        if (variants.size() == kMaxVariants) {
          overflow = true;  // more outcomes than can be judged: stop here, say so
          return true;
        }
        seen.insert(std::move(key));
        variants.push_back({std::move(obs), schedule});
        return false;
      });
  {
    std::lock_guard g(events_mu);
    held.reset();
  }
  if (failed_here) variants = {{std::move(failing_obs), failing_schedule}};
  nlohmann::json sent = nlohmann::json::array();
  for (std::size_t v = 0; v < variants.size(); ++v) {
    for (auto& [k, value] : variants[v].obs)
      emit({{proto::kEvent, proto::kObs}, {"test", cur.name}, {"key", k}, {"value", std::move(value)}, {"variant", v}});
    sent.push_back({{"schedule", variants[v].schedule}});
  }
  cur.explored = {{"policy", gox::describe_policy(c)},
                  {"preemptions", c.dfs_preemptions},
                  {"runs", ex.runs},
                  {"complete", ex.complete},
                  {"failed", failed_here},
                  {"too_many_outcomes", overflow},
                  {"variants", sent}};
  if (failed_here) return failing;
  return gox::run_result{};
}

}  // namespace

void run(const std::function<void()>& fn, const std::function<void(gox::config&)>& adjust) {
  gox::config c = config();
  if (adjust) adjust(c);
  // A REQUIRE that fails on the main fiber ends the test as a failure: it
  // was recorded already, and fibers it leaves behind are not a leak.
  bool required_failed = false;
  const bool exploring =
      c.sched == gox::sched_kind::deterministic && c.policy == gox::policy_kind::dfs && c.dfs_schedule.empty();
  const gox::run_result r =
      exploring ? explore(c, fn, required_failed)
                : gox::run(c, [&fn, &required_failed] { run_main(fn, required_failed); });
  {
    std::lock_guard g(events_mu);
    run_start.reset();
  }
  if (required_failed && r.result != gox::outcome::panic) return;
  if (r.result != gox::outcome::ok) {
    cur.outcome = gox::to_string(r.result);
    cur.report = r.report();
  }
  INFO("gox run (" << c.describe() << "):\n" << r.report());
  REQUIRE(r.result == gox::outcome::ok);
}

void virtual_time(gox::config& c) {
  c.sched = gox::sched_kind::deterministic;
  c.clock = gox::clock_kind::virtual_time;
}

long ms_since(gox::time::Time t0) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(gox::time::Since(t0)).count());
}

void not_replayable(const std::string& why) {
  std::lock_guard g(events_mu);
  cur.not_replayable = why;
}

void event(const std::string& label, const std::string& lane) {
  const gox::time::Time now = gox::time::Now();
  std::lock_guard g(events_mu);
  if (!run_start) return;  // outside a check::run: no clock to measure from
  const double ms = static_cast<double>(now.Sub(*run_start).count()) / 1e6;
  cur.events.push_back({{"t_ms", ms}, {"label", label}, {"lane", lane}});
}

}  // namespace gograde::check

namespace gograde::check {

void observe(const std::string& key, nlohmann::json value) {
  std::lock_guard g(events_mu);
  if (held) {
    held->emplace_back(key, std::move(value));
    return;
  }
  // Sent at once: what was observed is on the grader's side before the code
  // under test runs again.
  emit({{proto::kEvent, proto::kObs}, {"test", cur.name}, {"key", key}, {"value", std::move(value)}});
}

const nlohmann::json& input(const std::string& name) {
  static const nlohmann::json all = [] {
    const char* path = std::getenv(proto::kInputs);
    if (!path) exercise_error("no inputs from the judge (" + std::string(proto::kInputs) + " unset)");
    std::ifstream in(path, std::ios::binary);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (!in.is_open() || j.is_discarded() || !j.is_object())
      exercise_error(std::string("the judge's inputs ") + path + " cannot be read");
    return j;
  }();
  const auto it = all.find(name);
  if (it == all.end()) exercise_error("the judge made no input \"" + name + "\"");
  return *it;
}

}  // namespace gograde::check

int main(int argc, char* argv[]) { return gograde::check::detail::run_catch(argc, argv); }
