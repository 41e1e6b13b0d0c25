#pragma once
/// gograde/judge.hpp: the judge half of a hidden suite.
///
/// A hidden suite is a pair of files in graders/<slug>/suites/: the drive
/// half `<name>_test.cpp` (gograde/check.hpp) runs the submission and
/// observes what it did; the judge half `<name>_judge.cpp` holds what the
/// tests expect and the assertions. The judge is compiled without the
/// submission and runs as a program of its own, after the driver, on the
/// driver's observations: nothing the submission does in its own process can
/// reach the expected values or the results. The halves pair by test name
/// (and carry the same tags, so one test spec selects both):
///
///   // hidden_test.cpp (drive)
///   TEST_CASE("Reverse by runes", "[runes]") {
///     for (const auto& v : gograde::check::input("runes"))
///       gograde::check::observe(v["name"], Reverse(gograde::unhex(v["in"])));
///   }
///   // hidden_judge.cpp (judge)
///   GOGRADE_INPUT("runes") {  // what the driver may see of the vectors
///     ...return the names and inputs, not the expected outputs...
///   }
///   TEST_CASE("Reverse by runes", "[runes]") {
///     for (const auto& v : vectors)
///       CHECK(gograde::judge::observed_as<std::string>(v.name) == v.out);
///   }
///
/// A test fails, whatever its checks say, when the driver reported nothing
/// for it, reported it twice, observed a key twice, failed a check of its own
/// or ended its gox run in a deadlock, leak or panic (that outcome is the
/// test's). A key the driver did not observe, or a value of the wrong shape,
/// fails the test at that line.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "gograde/data.hpp"

namespace gograde::judge {

using json = nlohmann::json;

/// What the driver observed under `key` in the current test; a key it did
/// not observe, or an exception where a value was observed
/// (check::observe_result), fails (and ends) the test.
const json& observed(const std::string& key);

/// Whether the driver observed `key` in the current test.
bool has(const std::string& key);

/// observed(key) as a T; a value of another shape fails (and ends) the test.
template <class T>
T observed_as(const std::string& key) {
  const json& j = observed(key);
  try {
    return j.get<T>();
  } catch (const std::exception& e) {
    FAIL("the driver's observation \"" << key << "\" is not of the expected shape: " << j.dump().substr(0, 200));
  }
  return T{};
}

/// Every key the driver observed in the current test, in order.
std::vector<std::string> keys();

/// The current test cannot conclude either way from what the driver saw (a
/// threaded check that did not witness enough real overlap to prove
/// anything): unless one of its checks fails, it ends `inconclusive` (no
/// points either way, rerun advised) with `why`, never passed. A failed check
/// still fails it: evidence of a bug needs no more overlap.
void inconclusive(const std::string& why);

/// Registers a function making one of the driver's inputs (GOGRADE_INPUT).
struct input_registration {
  input_registration(const char* name, json (*make)());
};

}  // namespace gograde::judge

#define GOGRADE_JUDGE_CAT2(a, b) a##b
#define GOGRADE_JUDGE_CAT(a, b) GOGRADE_JUDGE_CAT2(a, b)
/// GOGRADE_INPUT("name") { return json...; }: the input the driver reads with
/// gograde::check::input("name"). Made once per build of the judge, from the
/// test data; give the driver what the code under test needs (the inputs),
/// never what the tests expect.
#define GOGRADE_INPUT(name)                                                                              \
  static ::gograde::judge::json GOGRADE_JUDGE_CAT(gograde_input_, __LINE__)();                          \
  static const ::gograde::judge::input_registration GOGRADE_JUDGE_CAT(gograde_input_reg_, __LINE__){    \
      name, &GOGRADE_JUDGE_CAT(gograde_input_, __LINE__)};                                               \
  static ::gograde::judge::json GOGRADE_JUDGE_CAT(gograde_input_, __LINE__)()
