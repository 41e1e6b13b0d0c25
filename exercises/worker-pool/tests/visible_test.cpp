// Visible tests: what `gograde test worker-pool` runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "gograde/check.hpp"
#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"
#include "pool.hpp"

TEST_CASE("Every job's result arrives, and the results channel is closed", "[basic]") {
  gograde::check::run([] {
    auto jobs = gox::make_chan<int>(5);
    for (int j = 1; j <= 5; ++j) jobs.send(j);
    jobs.close();
    std::vector<int> got;
    for (int r : Pool(3, jobs, [](int j) { return j * 2; })) got.push_back(r);
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<int>{2, 4, 6, 8, 10});
  });
}

TEST_CASE("6 one-second jobs on 3 workers take 2 s (virtual time)", "[timing]") {
  gograde::check::run(
      [] {
        auto jobs = gox::make_chan<int>(6);
        for (int j = 0; j < 6; ++j) jobs.send(j);
        jobs.close();
        const auto t0 = gox::time::Now();
        int n = 0;
        for (int r : Pool(3, jobs, [](int j) {
               gox::time::Sleep(gox::time::Second);
               return j;
             })) {
          (void)r;
          ++n;
        }
        CHECK(n == 6);
        CHECK(gox::time::Since(t0) == 2 * gox::time::Second);
      },
      gograde::check::virtual_time);
}
