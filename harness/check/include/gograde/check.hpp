#pragma once
/// gograde/check.hpp: what an exercise's test suites use to run code under gox.
///
/// Suites are Catch2 test files linked with gograde's test main, which streams
/// one result per test case to the grader (not through the program's output,
/// which the code under test controls). The grader chooses the scheduler,
/// seed, threads and clock for each run through GOX_* in the environment.
///
///   TEST_CASE("Inc from many fibers loses no update", "[lost-updates]") {
///     gograde::check::run([] { ... gox::go(...) ... });
///   }
///
/// A failed REQUIRE on the main fiber ends the run as a plain test failure.
/// Catch2's assertions belong on the main fiber only: Catch2 is not thread
/// safe (its bookkeeping races in the race build) and an exception escaping
/// another fiber is a panic. Fibers record what they saw; main checks it.
///
/// `run` runs `fn` as the main fiber of a gox run configured from the
/// environment. A run that ends in a deadlock, a leaked fiber or a panic fails
/// the test and is recorded with its kind and fiber dump, so the grader's
/// verdict is `deadlock`, `leak` or `crash` rather than a plain failure.

#include <functional>
#include <string>
#include <string_view>

#include "gox/runtime.hpp"
#include "gox/time.hpp"

namespace gograde::check {

/// The configuration the grader asked for (gox::config::from_env).
gox::config config();

/// Runs `fn` under config(), with `adjust` applied first (e.g. to force
/// virtual time for a timing check). REQUIRES: called from a test case.
void run(const std::function<void()>& fn,
         const std::function<void(gox::config&)>& adjust = nullptr);

/// An `adjust` for run(): the deterministic scheduler in virtual time (the
/// grader's seed kept), for checks of exact instants.
void virtual_time(gox::config& c);

/// Whole milliseconds of the gox clock since t0 (exact in virtual time).
long ms_since(gox::time::Time t0);

/// The bytes a hex string spells ("41ff" -> "A\xff"): test-data files keep
/// raw bytes (invalid UTF-8 included) as hex.
std::string unhex(std::string_view hex);

/// The bytes of the exercise's test-data file `name` (graders/<slug>/data/ for
/// hidden suites, exercises/<slug>/tests/data/ for the visible one; the
/// grader passes the folder as GOGRADE_DATA_DIR). A missing file is the
/// exercise's fault, never the submission's: the suite stops and the grader
/// reports internal_error. Safe from any thread.
std::string data(const std::string& name);

/// Records a timed event of the current run (e.g. "attempt 3"), at the gox
/// clock's time since `run` started: exact instants in virtual time. Events
/// go to the grader with the test's result and are drawn on the report's
/// timeline, one row per `lane`. Safe from any fiber or thread.
void event(const std::string& label, const std::string& lane = "");

}  // namespace gograde::check
