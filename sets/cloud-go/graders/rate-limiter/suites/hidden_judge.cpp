// Hidden tests for the rate limiter, judge half: what Allow must answer in
// each scenario of data/vectors.json (checked by the Go twin too).
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "gograde/judge.hpp"

namespace {

using gograde::judge::json;
using gograde::judge::observed;

json vectors() { return json::parse(gograde::data("vectors.json")).at("scenarios"); }

// The driver sees the calls, never the answers.
GOGRADE_INPUT("scenarios") {
  json out = json::array();
  for (json s : vectors()) {
    s.erase("allowed");
    out.push_back(s);
  }
  return out;
}

std::string show(const std::vector<bool>& v) {
  std::string s;
  for (bool b : v) s += b ? 'T' : 'F';
  return s;
}

void judge(const std::string& tag) {
  int n = 0;
  for (const auto& s : vectors()) {
    if (s.at("tag") != tag) continue;
    ++n;
    std::ostringstream calls;
    for (const auto& c : s.at("calls")) calls << " " << c.at("key").get<std::string>() << "@" << c.at("at_ms") << "ms";
    INFO("scenario \"" << s.at("name").get<std::string>() << "\": Limiter(" << s.at("rate") << ", " << s.at("burst")
                       << "), Allow calls (T: allowed, F: refused, in call order):" << calls.str());
    const auto& o = observed(s.at("name").get<std::string>());
    CHECK(show(o.at("allowed").get<std::vector<bool>>()) == show(s.at("allowed").get<std::vector<bool>>()));
    // Allow never waits for a token: the last call returns at its own instant.
    CHECK(o.at("returned at ms").get<long>() == s.at("calls").back().at("at_ms").get<long>());
  }
  REQUIRE(n > 0);
}

}  // namespace

TEST_CASE("A new key allows exactly its burst at once", "[burst]") { judge("burst"); }

TEST_CASE("Tokens flow back at the rate, fractions included", "[refill]") { judge("refill"); }

TEST_CASE("An idle bucket fills to its burst and no further", "[cap]") { judge("cap"); }

TEST_CASE("Each key has its own bucket", "[keys]") { judge("keys"); }

TEST_CASE("Concurrent calls grant exactly the tokens there are", "[concurrent]") {
  INFO("4 fibers x 12 calls on the hot key (burst 20) and 12 on a key of their own (burst 20), at one instant");
  CHECK(observed("hot key granted").get<long>() == 20);
  CHECK(observed("own keys granted").get<std::vector<long>>() == std::vector<long>(4, 12));
}
