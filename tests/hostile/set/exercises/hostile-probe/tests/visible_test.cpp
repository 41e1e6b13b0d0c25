#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "probe.hpp"

TEST_CASE("probe returns 0", "[probe]") {
  gograde::check::run([] { CHECK(probe() == 0); });
}
