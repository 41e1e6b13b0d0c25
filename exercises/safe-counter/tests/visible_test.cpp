// Visible tests: what `gograde test safe-counter` runs.
#include <catch2/catch.hpp>

#include "counter.hpp"
#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

TEST_CASE("A new counter is zero; Inc and Dec move it by one", "[basic]") {
  gograde::check::run([] {
    Counter c;
    CHECK(c.Value() == 0);
    c.Inc();
    c.Inc();
    c.Dec();
    CHECK(c.Value() == 1);
  });
}

TEST_CASE("Four fibers incrementing 1000 times each reach 4000", "[fibers]") {
  gograde::check::run([] {
    Counter c;
    gox::WaitGroup wg;
    for (int f = 0; f < 4; ++f) {
      wg.Add(1);
      gox::go([&] {
        for (int i = 0; i < 1000; ++i) c.Inc();
        wg.Done();
      });
    }
    wg.Wait();
    CHECK(c.Value() == 4000);
  });
}
