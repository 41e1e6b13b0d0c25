#pragma once
/// Long schedule exploration of one submission: round after round, every
/// rubric item (or the visible suite) runs on the deterministic scheduler
/// with the next seed (in virtual time for items that use it) and on the
/// parallel scheduler, until the time budget or the seed budget is spent.
/// Failing runs are grouped by cause; each cause keeps its first run (with its
/// replay command: a failure on the deterministic scheduler is reproducible
/// with `gograde replay --seed`) and a count.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/grade.hpp"

namespace gograde {

struct stress_options {
  std::chrono::milliseconds duration{std::chrono::seconds(60)};
  int threads = 4;        // of the parallel scheduler's runs
  int max_seeds = 0;      // 0: until the duration is spent
  int first_seed = 1;
  bool visible_only = false;
  std::string only_item;
  std::chrono::milliseconds run_timeout{0};  // 0: each item's own
  std::string replay_prefix;                 // see grade_options
};

/// One cause of failure (engine/cause.hpp) and the first run that showed it.
struct stress_failure {
  std::string item;  // rubric item id of that first run
  int seed = 0;      // 0 for a parallel-scheduler run
  run_outcome run;
  std::string headline;            // the cause, in one line
  int count = 1;                   // failing runs with this cause
  std::vector<std::string> items;  // every item it failed
};

struct stress_progress {
  int seeds = 0;      // rounds finished
  int schedules = 0;  // runs finished
  std::map<std::string, int> failures_by_verdict;
  std::chrono::milliseconds elapsed{0};
};

struct stress_result {
  stress_progress totals;
  std::vector<stress_failure> failures;  // one per cause, in the order found
  std::string build_problem;             // compile error / internal error: nothing explored
  /// Building the suites, before the exploration (not in totals.elapsed).
  std::chrono::milliseconds build_elapsed{0};
  verdict build_verdict = verdict::passed;
};

/// `on_round` is called after every round (for a live display).
stress_result stress(builder& b, const exercise& ex, const fs::path& submission, const stress_options& opt,
                     const std::function<void(const stress_progress&)>& on_round = nullptr);

}  // namespace gograde
