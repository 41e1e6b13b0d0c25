#pragma once
/// gograde/check.hpp: what an exercise's test suites use to run code under gox.
///
/// Suites are Catch2 test files linked with gograde's test main, which streams
/// one record per test case to the grader (not through the program's output,
/// which the code under test controls). The grader chooses the scheduler,
/// seed, threads and clock for each run through GOX_* in the environment.
///
/// A hidden suite is the *drive* half of a pair (see gograde/judge.hpp for
/// the other): it runs the submission and observes what it did; the judge
/// half, a separate program compiled without the submission, decides.
///
///   TEST_CASE("Inc from many fibers loses no update", "[lost-updates]") {
///     gograde::check::run([] { ... gox::go(...) ...
///       gograde::check::observe("value", c.Value()); });
///   }
///
/// A check made here (CHECK, REQUIRE) can only fail its test, never pass it:
/// the judge fails a test whose drive failed. The candidate's visible suite is
/// one program: its checks are its results.
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
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "gograde/data.hpp"
#include "gox/detail/exception_type.hpp"
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

// Test data (gograde/data.hpp), under the names suites have used.
using gograde::data;
using gograde::hex;
using gograde::unhex;

/// Drive half: records what the code under test did, under `key`, for the
/// judge half of the suite (sent to the grader at once). A key is observed
/// once per test: the judge fails a test that observed one twice. Safe from
/// any fiber or thread.
void observe(const std::string& key, nlohmann::json value);

namespace detail {
using gox::detail::current_exception_type;  // "std::range_error"
}  // namespace detail

/// Drive half: observes what `fn()` returns under `key`; when it throws,
/// observes {"threw": "<type>: <what()>"} instead, which the judge reports as
/// a failed check (as Catch2's CHECK does with an exception), not a crashed run.
template <class Fn>
void observe_result(const std::string& key, Fn&& fn) {
  nlohmann::json value;
  try {
    value = fn();
  } catch (const std::exception& e) {
    value = {{"threw", detail::current_exception_type() + ": " + e.what()}};
  } catch (...) {
    value = {{"threw", detail::current_exception_type() + " (not a std::exception)"}};
  }
  observe(key, std::move(value));
}

/// Drive half: the input the judge half made under `name` (GOGRADE_INPUT),
/// parsed once. An input the judge did not make is the exercise's fault: the
/// suite stops and the grader reports internal_error. Safe from any thread.
const nlohmann::json& input(const std::string& name);

/// Records a timed event of the current run (e.g. "attempt 3"), at the gox
/// clock's time since `run` started: exact instants in virtual time. Events
/// go to the grader with the test's result and are drawn on the report's
/// timeline, one row per `lane`. Safe from any fiber or thread.
void event(const std::string& label, const std::string& lane = "");

/// Says that the current test's runs cannot be replayed exactly, and why
/// (plain OS threads, say): the grader then prints that instead of a replay
/// command that would not replay.
void not_replayable(const std::string& why);

}  // namespace gograde::check
