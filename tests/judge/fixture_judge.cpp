// A judge half for run.py: three tests and one input.
#include <catch2/catch.hpp>

#include "gograde/judge.hpp"

using gograde::judge::observed_as;

GOGRADE_INPUT("numbers") { return {1, 2, 3}; }

TEST_CASE("sum", "[a]") { CHECK(observed_as<int>("sum") == 6); }

TEST_CASE("name", "[b]") { CHECK(observed_as<std::string>("name") == "x"); }

// A threaded check: a lost update fails it; no lost update proves nothing
// unless enough real overlap was witnessed.
TEST_CASE("overlap", "[c]") {
  CHECK(observed_as<long>("lost") == 0);
  const long n = observed_as<long>("overlapped");
  if (n < 100) gograde::judge::inconclusive("only " + std::to_string(n) + " chunks overlapped");
}
