// Visible tests: what `gograde test cloud-go/graceful-drain` runs.
#include <catch2/catch.hpp>

#include "drain.hpp"
#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"

using namespace std::chrono_literals;

namespace {
// Takes the job's time, unless its context is cancelled first.
gox::error work(gox::context::Context ctx, const Job& j) {
  gox::error err;
  gox::select(gox::recv_case(gox::time::After(j.work), [](gox::time::Time) {}),
              gox::recv_case(ctx.Done(), [&](gox::context::empty) { err = ctx.Err(); }));
  return err;
}
}  // namespace

TEST_CASE("Without a notice, every job finishes", "[complete]") {
  gograde::check::run(
      [] {
        auto jobs = gox::make_chan<Job>(4);
        for (int id = 1; id <= 4; ++id) jobs.send(Job{id, 100ms});
        jobs.close();
        auto [never, cancel] = gox::context::WithCancel(gox::context::Background());
        const Drained d = Serve(never, jobs, 2, 1s, work);
        cancel();
        CHECK(d.finished == std::vector<int>{1, 2, 3, 4});
        CHECK(d.not_started.empty());
      },
      gograde::check::virtual_time);
}

TEST_CASE("After the notice, queued jobs are not started", "[stop-taking]") {
  gograde::check::run(
      [] {
        auto jobs = gox::make_chan<Job>(4);
        for (int id = 1; id <= 4; ++id) jobs.send(Job{id, 100ms});
        auto [notice, cancel] = gox::context::WithTimeout(gox::context::Background(), 150ms);
        const auto t0 = gox::time::Now();
        const Drained d = Serve(notice, jobs, 1, 1s, work);
        cancel();
        CHECK(d.finished == std::vector<int>{1, 2});  // #2 started before the notice and finishes in the grace
        CHECK(d.not_started == std::vector<int>{3, 4});
        CHECK(gox::time::Since(t0) == 200ms);
      },
      gograde::check::virtual_time);
}
