#pragma once
/// Deciding a run's verdict from what the grader observed of it: a pure
/// function, no process or file in sight, so every rule is tested in
/// milliseconds (tests/engine/judge_test.cpp).
///
/// The rules form one ordered table (judge.cpp, kRules): the first that
/// applies decides. In order: a judge half that did not finish
/// (`internal_error`: the verdict could not be made); lines on the driver's
/// channel that are no record (`rejected`); an output flood that is not a flood of race reports
/// (`output_limit`); a file over its size limit, or files over the disk quota
/// (`output_limit`); the memory
/// limit (`memory_limit`) and the process limit (`crash`) when the run did not
/// end cleanly; a ThreadSanitizer report (`data_race`, or `crash` for another
/// kind: evidence whatever the program did after it); no progress
/// (`timeout`), the wall clock (`timeout`), CPU time (`timeout`); a run that
/// could not start, or a suite that reported an error of its own
/// (`internal_error`); a race build that exited with ThreadSanitizer's report
/// status while no report arrived (`rejected`: the channel was tampered with)
/// or with only a fatal error of ThreadSanitizer's own (`crash`); a gox run
/// that ended in deadlock, leak or panic;
/// a signal (`crash`); a suite that stopped before its last record (`crash`);
/// a test selection that matched nothing (`internal_error`); a failed check
/// (`failed`); a check the judge could not conclude (`inconclusive`: a
/// threaded check that saw too little real overlap); else `passed`.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/grade.hpp"

namespace gograde {

/// Everything a verdict may depend on, as observed after the run.
struct run_facts {
  flavour fl = flavour::normal;
  // The process.
  int exit_code = -1;
  int term_signal = 0;
  bool start_failed = false;
  std::string start_error;
  bool timed_out = false, stalled = false, cpu_exceeded = false, output_exceeded = false, disk_exceeded = false;
  bool memory_exceeded = false, pids_exceeded = false;
  // The limits it ran under.
  std::chrono::milliseconds timeout{0}, stall_limit{0};
  /// timed_out while the machine kept the program from running (see
  /// process_spec::busy_extension), and how long it waited for a CPU.
  bool busy = false;
  std::chrono::milliseconds waited_for_cpu{0};
  std::chrono::seconds cpu_limit{0};
  run_limits limits;
  // The results channel.
  int forged = 0;       ///< lines on the driver's channel that were no record of its test main
  bool done = false;    ///< the driver's last record arrived
  std::string internal; ///< the suite's report of an error of the exercise
  std::string judge_error;  ///< the judge half did not finish (why): ours, never the submission's
  std::vector<test_outcome> tests;
  std::string test_spec;  ///< the tests the run selected
  // The race build's reports, and the first line of a fatal error of
  // ThreadSanitizer's own ("ERROR: ThreadSanitizer: ...", e.g. out of memory).
  std::vector<race::report> races;
  std::string tsan_error;
};

struct judgement {
  verdict v = verdict::passed;
  std::string evidence;
  /// Which race report the evidence shows, or which test (a gox dump, a
  /// failed check): indexes into run_facts, or npos.
  std::size_t race = npos, test = npos;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

/// The exit status ThreadSanitizer gives a run that made a report.
inline constexpr int kRaceExitCode = 66;

judgement judge(const run_facts& f);

/// A run of an item about races (rubric `about = "races"`): only a race
/// report fails it. A functional verdict (failed, deadlock, leak, a panic, a
/// signal, a timeout) is the items about behaviour's to charge: the run passes
/// when the driver still reported every test (the race detector watched them
/// all), and is `inconclusive` when it ended before (no race seen in what ran,
/// but not everything ran). What says nothing of the program's races either way
/// (our error, a forged channel, a limit, a build) keeps its verdict.
struct race_item_judgement {
  verdict v;
  std::string note;  ///< why the verdict differs from the run's, if it does
};
race_item_judgement race_item_run(verdict run, bool race_reported, bool all_tests_reported);

}  // namespace gograde
