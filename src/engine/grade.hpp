#pragma once
/// Grading a submission: build it with the exercise's suites, run every rubric
/// item's runs, turn each run into one verdict with evidence, and score.
///
/// Verdicts (see the README): passed, failed, compile_error, data_race,
/// deadlock, leak, timeout, crash, memory_limit, output_limit, rejected,
/// internal_error. An item passes when all its runs pass and then scores its
/// points; its verdict is the most severe of its runs'. `internal_error` is
/// reserved for our faults (the runtime failing to build, a suite selecting
/// no test) and is never blamed on the submission. `skipped` marks a
/// follow-up item that was not attempted.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/build.hpp"
#include "engine/exercise.hpp"
#include "engine/race_report.hpp"

namespace gograde {

class cpu_pool;

enum class verdict {
  passed, failed, compile_error, data_race, deadlock, leak, timeout, crash,
  memory_limit, output_limit, rejected, internal_error,
  /// A follow-up item whose file the submission does not have: not attempted,
  /// no points, and no weight in the overall verdict.
  skipped,
  /// The runs could not decide the item either way (an item about races whose
  /// race build ended before its tests did): no points, rerun advised.
  inconclusive
};
const char* to_string(verdict v) noexcept;
std::optional<verdict> parse_verdict(const std::string& s) noexcept;
/// Higher is worse; an item or grade takes its runs' worst.
int severity(verdict v) noexcept;

/// A timed event a suite recorded (gograde::check::event), in ms since its
/// gox run started: exact in virtual time.
struct timed_event {
  double t_ms = 0;
  std::string label, lane;
};

struct test_outcome {
  std::string name;
  bool passed = false;
  std::string kind;      // ok | deadlock | leak | panic
  std::string detail;    // failed check (expression, expansion, file:line) or the dump
  std::vector<timed_event> events;
  bool inconclusive = false;  // the judge could not conclude (not passed, not failed)
  std::string not_replayable = {};  // the test said why its runs cannot be replayed
  /// A depth-first exploration's test (GOX_POLICY=dfs): what it searched, in
  /// words, and the schedule of each distinct outcome it sent to be judged.
  std::string explored = {};
  std::vector<std::string> schedules = {};
};

/// Lines of a submission file around a line the evidence points at (a racing
/// access, a blocked fiber).
struct excerpt {
  std::string file;  // relative to the submission
  int line = 0;      // the line pointed at
  int first = 0;     // number of lines[0]
  std::vector<std::string> lines;
  std::string why;   // "write by fiber \"incrementer\"", ...
};

struct run_outcome {
  std::string config;  // "det seed=2"
  flavour fl = flavour::normal;
  verdict v = verdict::passed;
  std::string evidence;  // what a person acts on, plain text
  std::vector<test_outcome> tests;
  std::vector<race::report> races;
  std::vector<excerpt> excerpts;
  std::string replay;   // how to rerun this run: a gograde command when the run is seeded
  std::string no_replay;  // why it cannot be rerun exactly (plain threads, the parallel scheduler)
  std::string explored = {};  // a depth-first exploration: what it searched, in words
  std::string schedule = {};  // ... and the schedule that failed (GOX_POLICY=dfs:schedule=...)
  std::string command;  // the exact process it was: environment, executable, test spec
  std::chrono::milliseconds wall{0};
  /// What the program printed (its stdout and stderr, the end of it when
  /// long), paths as the candidate knows them.
  std::string output = {};
};

struct item_outcome {
  rubric_item item;
  verdict v = verdict::passed;
  int awarded = 0;
  std::vector<run_outcome> runs;
  std::string test_code = {};  // see item_test_code
};

/// The code of what an item runs, as a candidate may read it: for the
/// visible suite, the TEST_CASEs its test spec selects (the whole file when
/// it selects all); for a hidden suite, no code, only what is run ("hidden
/// test: <title>" and its builds and runs).
std::string item_test_code(const exercise& ex, const rubric_item& it);

/// A depth-first exploration's driver records (one JSON line each) split
/// into one file per distinct outcome it sent (observations tagged
/// "variant"), beside `records`: file k holds every untagged line and each
/// test's variant k (modulo that test's count). Empty when nothing is tagged.
std::vector<fs::path> split_variants(const fs::path& records);

/// What a depth-first exploration's test record (the check's "explored"
/// object: runs, preemptions, complete, failed, variants...) says it
/// searched, e.g. "the lockstep schedule and all 1,183 schedules with at
/// most 2 preemptions, 3 distinct outcomes judged".
std::string explored_words(const nlohmann::json& e);

/// An item's verdict from its runs: the worst of them, except that a run
/// which could not conclude (the parallel runs of a threaded check on a
/// machine too busy to overlap its threads) is set aside, with a note in its
/// evidence, when the item also ran in the exploration build and every one of
/// those runs concluded: explored schedules decide, the parallel runs can only
/// add a counterexample. Sets io.v; not io.awarded.
void decide_item(item_outcome& io);

struct grade_result {
  std::string exercise, title, submission;
  set_origin set;  // the set and the exact version of it the exercise came from
  verdict overall = verdict::passed;
  int score = 0, max_score = 0;
  std::vector<item_outcome> items;
  std::string input_hash;  // of the submission's files and the exercise's tests (see input_hash())
  std::string build_log;  // compiler output, when there was any
  /// The hidden suites' file names (graders/<slug>/suites/): what reports a
  /// candidate reads never name.
  std::vector<std::string> hidden_files = {};
  std::chrono::milliseconds wall{0};
};

struct grade_options {
  /// Candidate mode: the visible suite only, on a fixed plan of runs, in
  /// both flavours; otherwise the rubric (hidden suites).
  bool visible_only = false;
  /// Overrides every item's timeout when non-zero.
  std::chrono::milliseconds run_timeout{0};
  /// CPU seconds a run may use (all its threads); 0: twice the wall limit.
  std::chrono::seconds run_cpu_limit{0};
  /// When set, replaces each rubric item's runs (an empty plan skips the
  /// item): replay and stress choose seeds this way.
  std::function<std::vector<run_config>(const rubric_item&)> plan;
  /// Only this rubric item (empty: all).
  std::string only_item;
  /// Only runs of this build flavour.
  std::optional<flavour> only_flavour;
  /// "gograde replay <exercise> <submission>": seeded runs get this plus
  /// their item, seed and flavour as their replay command.
  std::string replay_prefix;
  /// Each deterministic run prints the schedule it ran (GOX_TRACE: the last
  /// `trace` switches between fibers, or "all"), and the run's output limit
  /// grows to hold it; every line the program printed is kept. "": none.
  std::string trace;
  /// Build every suite the grade needs, run nothing: the items hold only the
  /// outcomes of builds that failed (config "build").
  bool build_only = false;
  /// The CPUs the grade's runs share with every other run (null: the
  /// process's, cpu_pool::shared()). Runs of different items or builds run
  /// side by side as it lends them CPUs; each item's runs in one build run
  /// in order.
  cpu_pool* cpus = nullptr;
};

/// A hash of everything a grade depends on: the submission's candidate files
/// and the exercise's suites and rubric, and the commit of its set. Equal hashes, equal verdicts (the
/// batch command skips inputs it has graded already).
std::string input_hash(const exercise& ex, const fs::path& submission);

/// What a grade of `ex` depends on besides the submission: its set (name and
/// commit) and its own files (tests, suites, data, rubric, exercise.toml).
std::string exercise_hash(const exercise& ex);

/// Throws config_error for a submission path that does not exist or lacks
/// nothing else; compile errors and misbehaviour are verdicts, not throws.
grade_result grade(builder& b, const exercise& ex, const fs::path& submission, const grade_options& opt);

}  // namespace gograde
