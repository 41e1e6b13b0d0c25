// Hidden suite for safe-counter, judge half: what each test of hidden_test.cpp
// must have observed. Compiled without the submission (gograde/judge.hpp).
#include <catch2/catch.hpp>

#include <string>

#include "gograde/judge.hpp"

namespace {

using gograde::judge::observed_as;

// The drive half's "not measured": a yardstick after the candidate's storm
// is not run when the one before it came up empty.
constexpr long kNotMeasured = -1;

// "3 just before this run and 0 just after", or "0 just before this run and
// was not measured after it" (the one before decided).
std::string before_and_after(long before, long after, const std::string& unit) {
  return std::to_string(before) + unit + " just before this run and " +
         (after == kNotMeasured ? std::string("was not measured after it (the one before decided)")
                                : std::to_string(after) + unit + " just after");
}

// No update lost proves nothing unless the workers truly ran side by side:
// the yardstick (a counter that loses updates whenever two workers overlap),
// run just before and just after the candidate's, must have lost updates
// both times. Else say so rather than pass (a lost update, seen, fails the
// test whatever the yardstick did).
void require_yardstick() {
  const long before = observed_as<long>("yardstick lost before"), after = observed_as<long>("yardstick lost after");
  if (before <= 0 || after <= 0)
    gograde::judge::inconclusive(
        "a counter that loses updates whenever two workers overlap (a load, then a store) lost " +
        before_and_after(before, after, "") +
        ": the machine did not run the workers side by side, so no lost update proves nothing");
}

// The same for impossible states: the yardstick, in the same storm, must have
// shown some (it strays whenever two workers overlap).
void require_invariant_yardstick() {
  const long before = observed_as<long>("yardstick strayed before"),
             after = observed_as<long>("yardstick strayed after");
  if (before <= 0 || after <= 0)
    gograde::judge::inconclusive(
        "a counter that loses updates whenever two workers overlap (a load, then a store) strayed " +
        before_and_after(before, after, " from the possible values") +
        ": the machine did not run the workers side by side, so no impossible state proves nothing");
}

}  // namespace

TEST_CASE("Inc, Dec and Value on one fiber, negative values included", "[basic]") {
  CHECK(observed_as<long>("new") == 0);
  CHECK(observed_as<long>("after 5 Dec") == -5);
  CHECK(observed_as<long>("after 7 Inc") == 2);
}

TEST_CASE("Many fibers lose no update", "[lost-updates]") {
  const long incs = observed_as<long>("Inc calls");
  INFO("8 fibers called Inc " << incs << " times in all, then Dec as many times");
  CHECK(incs >= 8 * 20000);
  CHECK(observed_as<long>("after the Incs") == incs);
  CHECK(observed_as<long>("after as many Decs") == 0);
  if (observed_as<bool>("parallel")) require_yardstick();
}

TEST_CASE("Plain threads lose no update", "[threads]") {
  const long incs = observed_as<long>("Inc calls");
  // In the exploration build the threads are fibers on explored schedules:
  // exact, no yardstick needed.
  const bool fibers = observed_as<bool>("threads are fibers");
  INFO(observed_as<long>("overlapped chunks") << " chunks of 64 Inc overlapped another thread's");
  CHECK(incs >= 4 * (fibers ? 3000 : 50000));
  CHECK(observed_as<long>("after the Incs") == incs);
  if (!fibers) require_yardstick();
}

TEST_CASE("Value never sees an impossible state", "[invariant]") {
  const long lowest = observed_as<long>("lowest Value()"), highest = observed_as<long>("highest Value()");
  INFO("Value() ranged over [" << lowest << ", " << highest << "] while 4 fibers each did Inc then Dec ("
                                << observed_as<long>("overlapped chunks") << " chunks overlapped another fiber's)");
  CHECK(lowest >= 0);
  CHECK(highest <= 4);
  CHECK(observed_as<long>("at the end") == 0);
  if (observed_as<bool>("parallel")) require_invariant_yardstick();
}

TEST_CASE("Concurrent Inc, Dec and Value under the race detector", "[race]") {
  INFO("the reader summed " << observed_as<long>("the reader's sum"));
  CHECK(observed_as<long>("at the end") == 0);
}
