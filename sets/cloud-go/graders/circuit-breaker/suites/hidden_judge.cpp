// Hidden tests for the circuit breaker, judge half: the scripts' answers
// (data/vectors.json, played by the Go twin too) and the concurrent cases'.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "gograde/judge.hpp"

namespace {

using gograde::judge::json;
using gograde::judge::observed;
using strings = std::vector<std::string>;

json scripts() { return json::parse(gograde::data("vectors.json")).at("scripts"); }

GOGRADE_INPUT("scripts") {  // the calls, not the answers
  json out = json::array();
  for (json s : scripts()) {
    s.erase("returned");
    s.erase("state");
    out.push_back(s);
  }
  return out;
}

std::string join(const strings& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void judge(const std::string& tag) {
  int n = 0;
  for (const auto& s : scripts()) {
    if (s.at("tag") != tag) continue;
    ++n;
    std::ostringstream calls;
    for (const auto& c : s.at("calls")) calls << " " << c.at("op").get<std::string>() << "@" << c.at("at_ms") << "ms";
    INFO("script \"" << s.at("name").get<std::string>() << "\": Breaker(" << s.at("threshold") << ", "
                     << s.at("cooldown_ms") << "ms), calls whose op would succeed or fail:" << calls.str()
                     << "\n(open: ErrOpen without running op)");
    const auto& o = observed(s.at("name").get<std::string>());
    CHECK(join(o.at("returned").get<strings>()) == join(s.at("returned").get<strings>()));
    CHECK(join(o.at("state").get<strings>()) == join(s.at("state").get<strings>()));
  }
  REQUIRE(n > 0);
}

}  // namespace

TEST_CASE("Closed: errors pass through, a success resets the count", "[closed]") { judge("closed"); }

TEST_CASE("Threshold failures in a row open it, then no call runs", "[opens]") { judge("opens"); }

TEST_CASE("After the cooldown one probe decides", "[cooldown]") { judge("cooldown"); }

TEST_CASE("One probe at a time: the others are refused at once", "[probe]") {
  INFO("threshold 1, cooldown 1 s: a failure at 0; a probe at 1000 ms taking 500 ms; 3 callers at 1100 ms; one at 1600 ms");
  CHECK(observed("probe").at("returned") == "ok");
  CHECK(observed("probe").at("at ms") == 1500);
  CHECK(observed("state during the probe") == "half-open");
  CHECK(join(observed("others").at("returned").get<strings>()) == "open, open, open");
  CHECK(observed("others").at("at ms").get<std::vector<long>>() == std::vector<long>{1100, 1100, 1100});
  CHECK(observed("state after the probe") == "closed");
  CHECK(observed("call after") == "ok");
}

TEST_CASE("Calls in the closed state run side by side", "[parallel]") {
  INFO("3 fibers call at 0 ms with an op that takes 1 s: op must not run under the breaker's lock");
  CHECK(observed("returned at ms").get<std::vector<long>>() == std::vector<long>{1000, 1000, 1000});
}

TEST_CASE("Concurrent failures are all counted", "[concurrent]") {
  INFO("threshold 48: 8 fibers x 6 failing calls at one instant, then one more call");
  CHECK(observed("ops run") == 48);
  CHECK(observed("state after 48 failures") == "open");
  CHECK(observed("next call") == "open");
}
