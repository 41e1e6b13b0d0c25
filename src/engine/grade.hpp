#pragma once
/// Grading a submission: build it with the exercise's suites, run every rubric
/// item's runs, turn each run into one verdict with evidence, and score.
///
/// Verdicts (see the README): passed, failed, compile_error, data_race,
/// deadlock, leak, timeout, crash, memory_limit, output_limit, rejected,
/// internal_error. An item passes when all its runs pass and then scores its
/// points; its verdict is the most severe of its runs'. `internal_error` is
/// reserved for our faults (the runtime failing to build, a suite selecting
/// no test) and is never blamed on the submission.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine/build.hpp"
#include "engine/exercise.hpp"
#include "engine/race_report.hpp"

namespace gograde {

enum class verdict {
  passed, failed, compile_error, data_race, deadlock, leak, timeout, crash,
  memory_limit, output_limit, rejected, internal_error
};
const char* to_string(verdict v) noexcept;
std::optional<verdict> parse_verdict(const std::string& s) noexcept;
/// Higher is worse; an item or grade takes its runs' worst.
int severity(verdict v) noexcept;

struct test_outcome {
  std::string name;
  bool passed = false;
  std::string kind;      // ok | deadlock | leak | panic
  std::string detail;    // failed check (expression, expansion, file:line) or the dump
};

struct run_outcome {
  std::string config;  // "det seed=2"
  flavour fl = flavour::normal;
  verdict v = verdict::passed;
  std::string evidence;  // what a person acts on, plain text
  std::vector<test_outcome> tests;
  std::vector<race::report> races;
  std::string replay;  // a command that reruns exactly this run
  std::chrono::milliseconds wall{0};
};

struct item_outcome {
  rubric_item item;
  verdict v = verdict::passed;
  int awarded = 0;
  std::vector<run_outcome> runs;
};

struct grade_result {
  std::string exercise, title, submission;
  verdict overall = verdict::passed;
  int score = 0, max_score = 0;
  std::vector<item_outcome> items;
  std::string build_log;  // compiler output, when there was any
  std::chrono::milliseconds wall{0};
};

struct grade_options {
  /// Candidate mode: the visible suite only, on a fixed plan of runs, in
  /// both flavours; otherwise the rubric (hidden suites).
  bool visible_only = false;
  std::chrono::milliseconds run_timeout{60000};
};

/// Throws config_error for a submission path that does not exist or lacks
/// nothing else; compile errors and misbehaviour are verdicts, not throws.
grade_result grade(builder& b, const exercise& ex, const fs::path& submission, const grade_options& opt);

}  // namespace gograde
