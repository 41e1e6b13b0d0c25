// Drive half: calls the submission's probe() once, then a test the
// submission cannot touch: a suite that stops early never reports the second.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "probe.hpp"

TEST_CASE("probe returns 0", "[probe]") {
  gograde::check::run([] { gograde::check::observe_result("probe()", [] { return probe(); }); });
}

TEST_CASE("the suite goes on after the probe", "[probe]") {
  gograde::check::run([] { gograde::check::observe("1 + 1", 1 + 1); });
}
