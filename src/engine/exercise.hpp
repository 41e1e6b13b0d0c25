#pragma once
/// Exercises of a set: loading the metadata, the rubric and the mutants.
///
/// A set is a directory with `exercises/<slug>/` (exercise.toml, README.md,
/// starter/, tests/), `reference/<slug>/` and `graders/<slug>/` (rubric.toml,
/// suites/, mutants/<name>/ with mutant.toml). The format is documented in the
/// README ("Exercise format"). Loading never half-succeeds: a malformed file
/// throws config_error naming the file and the field.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace gograde {

namespace fs = std::filesystem;

/// A malformed or missing exercise file, a bad option: the user's input,
/// not our fault (exit code 2).
struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// normal: as written (no instrumentation); race: ThreadSanitizer; explore:
/// every atomic operation a scheduling point of the deterministic scheduler (gox's
/// exploration flavour, harness/gox/src/explore.cpp).
enum class flavour { normal, race, explore };
const char* to_string(flavour f) noexcept;

/// One run of a suite: the scheduler configuration, as GOX_* variables.
struct run_config {
  std::string label;  // "det seed=2", "par threads=4 #1"
  std::vector<std::pair<std::string, std::string>> env;
  std::string kind;   // det | par | virt | pct | dfs
  int seed = 0;       // det, virt, pct: the scheduler's seed
  std::string policy = {};  // pct: the deterministic scheduler's policy, GOX_POLICY's syntax ("pct:d=3,steps=1000")
};

/// One run of `kind` ("det", "virt": seed `n`; "par": on `n` threads).
run_config make_run(const std::string& kind, int n);
/// One run on the deterministic scheduler with `policy` (GOX_POLICY's syntax,
/// e.g. "pct:d=3,steps=1000"; empty: the random walk), seed `n`.
run_config make_policy_run(const std::string& policy, int n, bool virtual_time = false);

/// Parses "det:1-3", "par:4", "par:4x2", "virt:1-2" and
/// "pct:d=3,steps=1000,seeds=1-20" (PCT of depth d expecting about `steps`
/// scheduling steps; d defaults to 3, steps to 1000) into runs; and
/// "dfs:preemptions=2,runs=1000[,clock=virtual]": one run whose tests search
/// every schedule with at most that many preemptions, depth first (up to
/// `runs` schedules each), each distinct outcome judged.
std::vector<run_config> parse_runs(const std::string& spec);
/// Why `policy` (GOX_POLICY's syntax, as a replay line prints it: "random",
/// "pct:d=3,steps=1000", "dfs:preemptions=2,runs=1000", "dfs:schedule=57.1")
/// is not one a run can take; empty when it is.
std::string policy_error(const std::string& policy);
/// A depth-first search's schedule as GOX_POLICY=dfs:schedule= takes it:
/// "first", "lockstep", or STEP.CHOICE joined by '+' (digits and those two only).
bool valid_schedule(const std::string& s);

struct rubric_item {
  std::string id, title;
  int points = 0;
  std::string suite;  // "visible" or a file name under graders/<slug>/suites/ (the drive half)
  std::string tests;  // Catch2 test spec
  std::vector<flavour> builds;
  std::vector<run_config> runs;
  /// Wall-clock limit of each run (a deadlock among plain threads, which
  /// gox cannot see, ends here as `timeout`).
  std::chrono::seconds timeout{30};
  /// Follow-up files this item grades (from the exercise's optional_files):
  /// when the submission lacks one, the item is `skipped` (not attempted).
  std::vector<std::string> requires_files;
  /// `about = "races"`: the item is about data races, and only a race report
  /// fails it. A functional failure its runs show is left to the items about
  /// behaviour (see race_item_run in judge.hpp). Runs in the race build only.
  bool about_races = false;
};

/// Whether the item runs in virtual time (replay and stress keep its clock).
/// Whether the run is in virtual time (GOX_CLOCK=virtual: virt runs, and
/// PCT or DFS runs made with a virtual clock).
bool in_virtual_time(const run_config& rc);
bool uses_virtual_time(const rubric_item& it);

/// What one run of a submission may use (exercise.toml [limits]; defaults
/// documented in the README). Wall-clock time is the rubric item's
/// timeout_seconds; CPU time twice that.
struct run_limits {
  std::uint64_t memory_mb = 2048;   ///< all its processes (cgroup); compiles get the same
  std::uint64_t processes = 512;    ///< processes and threads (pids cgroup)
  std::uint64_t file_size_mb = 16;  ///< largest file it may write (RLIMIT_FSIZE)
  std::uint64_t open_files = 256;   ///< RLIMIT_NOFILE
  std::uint64_t output_kb = 1024;   ///< stdout + stderr
  std::uint64_t compile_seconds = 120;  ///< each compile or link of a suite with the submission
  std::uint64_t file_kb = 256;          ///< each file of a submission, as read (larger: rejected)
  std::uint64_t submission_kb = 1024;   ///< all files of a submission together
  /// A run whose processes use no CPU for this long (all asleep, stopped or
  /// blocked) is ended as a timeout without waiting for the wall limit.
  std::uint64_t stall_seconds = 3;
};

struct mutant {
  std::string name;
  fs::path dir;
  std::string expected;  // a verdict name
  std::string why;
  /// mutant.toml [items]: rubric item id -> the verdict that item must get
  /// (so validate checks which item a bug costs, not only the overall verdict).
  std::vector<std::pair<std::string, std::string>> items;
};

/// Where an exercise came from: its set and the exact version of it. Every
/// grade report carries this (a set from git: its URL and resolved commit).
struct set_origin {
  std::string name;     ///< "builtin", a set added with `gograde sets add`, or a directory's
  std::string version;  ///< the manifest's version ("" without a manifest)
  std::string url;      ///< where the set was fetched from, without credentials ("" when local)
  std::string ref;      ///< the branch, tag or commit it follows ("" when local)
  std::string commit;   ///< the commit checked out ("" when not from git)
};

struct exercise {
  std::string slug, title, difficulty;
  set_origin origin;
  std::vector<std::string> tags;
  int time_budget_minutes = 0;
  std::vector<std::string> candidate_files;
  /// Files of follow-up questions: graded when submitted, never required.
  std::vector<std::string> optional_files;
  /// Libraries suites link with (`-l<name>`), e.g. icuuc for ICU.
  std::vector<std::string> libraries;
  /// What an answer may use besides the standard library and gox (the
  /// `[allow]` table): header folders under /usr/include ("unicode") and C
  /// functions by name. See engine/astcheck.hpp.
  std::vector<std::string> allow_headers, allow_functions;
  /// `system = true`: anything of the system's (files, processes,
  /// descriptors), for exercises about the system and for testing the
  /// sandbox. What is never allowed stays forbidden (asm, C linkage, ...).
  bool allow_system = false;
  run_limits limits;
  fs::path exercise_dir, reference_dir, graders_dir;
  std::vector<rubric_item> items;
  std::vector<mutant> mutants;

  fs::path statement() const { return exercise_dir / "README.md"; }
  fs::path starter_dir() const { return exercise_dir / "starter"; }
  fs::path visible_suite() const { return exercise_dir / "tests" / "visible_test.cpp"; }
  /// The file of a rubric item's suite (for a hidden suite, its drive half).
  fs::path suite_path(const std::string& suite) const;
  /// The judge half of a hidden suite: `<name>_test.cpp` is judged by
  /// `<name>_judge.cpp` (any other `<name>.cpp` by `<name>_judge.cpp`); empty
  /// for the visible suite, which is its own judge.
  fs::path judge_path(const std::string& suite) const;
  /// Test data a suite reads (gograde::check::data): graders/<slug>/data for
  /// hidden suites, exercises/<slug>/tests/data for the visible one.
  fs::path data_dir(const std::string& suite) const;
  int max_points() const;
};

/// The slugs of the set's exercises, sorted: the manifest's list when the set
/// has one (gograde-set.toml, see catalog.hpp), else every exercises/<slug>/
/// holding an exercise.toml.
std::vector<std::string> list_exercises(const fs::path& set_root);

/// Throws config_error (unknown slug, malformed file).
exercise load_exercise(const fs::path& set_root, const std::string& slug);

}  // namespace gograde
