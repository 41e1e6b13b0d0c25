// Hidden tests for singleflight, judge half (the same cases run in the Go
// twin, reference/singleflight/go).
#include <catch2/catch.hpp>

#include <string>

#include "gograde/judge.hpp"

namespace {

using gograde::judge::json;
using gograde::judge::observed;

// Each caller got `val` (and `err`) at `at_ms`, shared as said.
void all_got(const json& callers, const std::string& val, const std::string& err, bool shared, long at_ms) {
  for (std::size_t i = 0; i < callers.size(); ++i) {
    INFO("caller " << i + 1 << " of " << callers.size() << " got " << callers[i].dump());
    CHECK(callers[i].at("val") == val);
    CHECK(callers[i].at("err") == err);
    CHECK(callers[i].at("shared") == shared);
    CHECK(callers[i].at("at ms") == at_ms);
  }
}

}  // namespace

TEST_CASE("A stampede on one key makes one backend call", "[shares]") {
  INFO("10 callers of \"user:42\" at 0 ms and two at 50 and 99 ms, the backend taking 100 ms; one more at 150 ms");
  CHECK(observed("backend calls") == 2);
  all_got(observed("the herd"), "user:42#1", "", true, 100);
  all_got(observed("the caller after"), "user:42#2", "", false, 250);
}

TEST_CASE("Every caller of a failed call gets its error", "[error]") {
  INFO("4 callers of \"order:7\" at 0, 0, 30 and 60 ms; the backend fails after 100 ms");
  CHECK(observed("backend calls") == 1);
  all_got(observed("the herd"), "", "the backend's error", true, 100);
}

TEST_CASE("Different keys make their own calls, side by side", "[keys]") {
  INFO("keys a, b and c, two callers each at 0 ms, the backend taking 100 ms a call");
  for (const std::string k : {"a", "b", "c"}) {
    INFO("key " << k);
    CHECK(observed("key " + k).at("backend calls") == 1);
    all_got(observed("key " + k).at("callers"), k + "#1", "", true, 100);
  }
}

TEST_CASE("A call made alone is not shared; the key is forgotten after each call", "[forget]") {
  INFO("one caller of \"k\" at 0, 200 and 400 ms; the second call fails");
  CHECK(observed("backend calls") == 3);
  all_got(observed("calls").at("first"), "k#1", "", false, 100);
  all_got(observed("calls").at("second"), "", "the backend's error", false, 300);
  all_got(observed("calls").at("third"), "k#3", "", false, 500);
}

TEST_CASE("Concurrent callers of several keys: one call per key", "[concurrent]") {
  INFO("keys x, y and z, three callers each at 0 ms");
  for (const std::string k : {"x", "y", "z"}) {
    INFO("key " << k);
    CHECK(observed("key " + k).at("backend calls") == 1);
    all_got(observed("key " + k).at("callers"), k + "#1", "", true, 100);
  }
}
