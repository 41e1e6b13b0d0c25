// A judge half for run.py: two tests and one input.
#include <catch2/catch.hpp>

#include "gograde/judge.hpp"

using gograde::judge::observed_as;

GOGRADE_INPUT("numbers") { return {1, 2, 3}; }

TEST_CASE("sum", "[a]") { CHECK(observed_as<int>("sum") == 6); }

TEST_CASE("name", "[b]") { CHECK(observed_as<std::string>("name") == "x"); }
