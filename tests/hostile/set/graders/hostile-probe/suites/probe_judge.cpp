// Judge half: what probe() must have returned.
#include <catch2/catch.hpp>

#include "gograde/judge.hpp"

TEST_CASE("probe returns 0", "[probe]") { CHECK(gograde::judge::observed_as<int>("probe()") == 0); }

TEST_CASE("the suite goes on after the probe", "[probe]") { CHECK(gograde::judge::observed_as<int>("1 + 1") == 2); }
