// Hidden tests for the follow-up, RunAll: the first error stops the pool.
#include <catch2/catch.hpp>

#include <algorithm>
#include <mutex>
#include <set>

#include "cases.hpp"
#include "gograde/check.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "pool.hpp"
#include "pool_context.hpp"

namespace ctxns = gox::context;
using gox::time::Millisecond;

namespace {

const gox::error ErrJob = gox::errors::New("job failed");

// Each job takes job_ms; job `fail` returns ErrJob after fail_ms. A job
// whose context is cancelled stops at once with the context's error.
struct jobs_log {
  std::mutex mu;
  std::vector<int> started;
  WorkE work(const runall_case& c) {
    return [this, c](ctxns::Context ctx, int j) -> std::pair<int, gox::error> {
      {
        std::lock_guard g(mu);
        started.push_back(j);
      }
      gograde::check::event("start " + std::to_string(j), "jobs");
      const bool failing = j == c.fail;
      bool cancelled = false;
      gox::select(gox::recv_case(ctx.Done(), [&] { cancelled = true; }),
                  gox::recv_case(gox::time::After((failing ? c.fail_ms : c.job_ms) * Millisecond), [] {}));
      if (cancelled) return {0, ctx.Err()};
      if (failing) return {0, gox::errorf("job {}: {}", j, gox::wrap(ErrJob))};
      return {j * 2, nullptr};
    };
  }
};

}  // namespace

TEST_CASE("The first error stops the pool: later jobs never start, the error is returned", "[first-error]") {
  for (const auto& c : runall_cases()) {
    gograde::check::run(
        [&] {
          jobs_log log;
          const auto t0 = gox::time::Now();
          RunResult r = RunAll(ctxns::Background(), c.workers, c.jobs, log.work(c));
          gograde::check::event("RunAll returned", "caller");
          std::sort(r.results.begin(), r.results.end());
          std::sort(log.started.begin(), log.started.end());
          INFO("case \"" << c.name << "\": returned \"" << r.err.Error() << "\" at " << ms_since(t0) << " ms");
          CHECK(show(log.started) == show(c.started));
          CHECK(ms_since(t0) == c.elapsed_ms);
          CHECK(show(r.results) == show(c.results));
          if (c.fail >= 0) CHECK(gox::errors::Is(r.err, ErrJob));
          else CHECK_FALSE(r.err);
        },
        virtual_time);
  }
}

TEST_CASE("Cancelling the parent context returns at once with its error", "[parent-cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = ctxns::WithCancel(ctxns::Background());
        gox::time::AfterFunc(2500 * Millisecond, [cancel = cancel] { cancel(); });
        runall_case c;
        c.job_ms = 1000;
        std::vector<int> jobs(30);
        for (int i = 0; i < 30; ++i) jobs[static_cast<std::size_t>(i)] = i;
        jobs_log log;
        const auto t0 = gox::time::Now();
        RunResult r = RunAll(ctx, 3, jobs, log.work(c));
        INFO("returned \"" << r.err.Error() << "\" at " << ms_since(t0) << " ms after starting " << log.started.size()
                           << " jobs");
        CHECK(gox::errors::Is(r.err, ctxns::Canceled));
        CHECK(ms_since(t0) == 2500);
        CHECK(log.started.size() == 9);
      },
      virtual_time);
}

TEST_CASE("RunAll on many fibers and threads", "[stress]") {
  gograde::check::run([] {
    runall_case c;
    c.fail = 150;
    c.job_ms = 1;
    c.fail_ms = 1;
    std::vector<int> jobs(300);
    for (int i = 0; i < 300; ++i) jobs[static_cast<std::size_t>(i)] = i;
    jobs_log log;
    RunResult r = RunAll(ctxns::Background(), 6, jobs, log.work(c));
    CHECK(gox::errors::Is(r.err, ErrJob));
    CHECK(log.started.size() < 300);
  });
}
