// Hidden tests for the follow-up, RunAll, drive half: runs it on the judge's
// cases and observes which jobs started, when it returned, with what.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <mutex>

#include "cases.hpp"
#include "gograde/check.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "pool.hpp"
#include "pool_context.hpp"

namespace ctxns = gox::context;
using gograde::check::observe;
using gox::time::Millisecond;

namespace {

const gox::error ErrJob = gox::errors::New("job failed");

struct job_plan {
  int fail = -1;
  long job_ms = 0, fail_ms = 0;
};

// Each job takes job_ms; job `fail` returns ErrJob after fail_ms. A job
// whose context is cancelled stops at once with the context's error.
// Owned by the work functions it hands out (see hidden_test.cpp's observer).
struct jobs_log : std::enable_shared_from_this<jobs_log> {
  std::mutex mu;
  std::vector<int> started;
  WorkE work(const job_plan& c) {
    return [this, self = shared_from_this(), c](ctxns::Context ctx, int j) -> std::pair<int, gox::error> {
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

// Read without the log's lock, on purpose: once RunAll has returned no job
// may still be running, and one that is races with this read.
nlohmann::json returned(const RunResult& r, const jobs_log& log, gox::time::Time t0) {
  std::vector<int> results = r.results, started = log.started;
  std::sort(results.begin(), results.end());
  std::sort(started.begin(), started.end());
  return {{"error", r.err ? r.err.Error() : ""},
          {"is ErrJob", gox::errors::Is(r.err, ErrJob)},
          {"is Canceled", gox::errors::Is(r.err, ctxns::Canceled)},
          {"at ms", ms_since(t0)},
          {"results", results},
          {"started", started}};
}

}  // namespace

TEST_CASE("The first error stops the pool: later jobs never start, the error is returned", "[first-error]") {
  for (const auto& c : gograde::check::input("runall")) {
    gograde::check::run(
        [&] {
          auto log = std::make_shared<jobs_log>();
          const job_plan plan{c.at("fail"), c.at("job_ms"), c.at("fail_ms")};
          const auto t0 = gox::time::Now();
          RunResult r = RunAll(ctxns::Background(), c.at("workers"), c.at("jobs").get<std::vector<int>>(), log->work(plan));
          gograde::check::event("RunAll returned", "caller");
          observe(c.at("key"), returned(r, *log, t0));
        },
        virtual_time);
  }
}

TEST_CASE("Cancelling the parent context returns at once with its error", "[parent-cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = ctxns::WithCancel(ctxns::Background());
        gox::time::AfterFunc(2500 * Millisecond, [cancel = cancel] { cancel(); });
        job_plan plan;
        plan.job_ms = 1000;
        std::vector<int> jobs(30);
        for (int i = 0; i < 30; ++i) jobs[static_cast<std::size_t>(i)] = i;
        auto log = std::make_shared<jobs_log>();
        const auto t0 = gox::time::Now();
        RunResult r = RunAll(ctx, 3, jobs, log->work(plan));
        observe("returned", returned(r, *log, t0));
      },
      virtual_time);
}

TEST_CASE("RunAll on many fibers and threads", "[stress]") {
  gograde::check::run([] {
    job_plan plan;
    plan.fail = 150;
    plan.job_ms = 1;
    plan.fail_ms = 1;
    std::vector<int> jobs(300);
    for (int i = 0; i < 300; ++i) jobs[static_cast<std::size_t>(i)] = i;
    auto log = std::make_shared<jobs_log>();
    const auto t0 = gox::time::Now();
    RunResult r = RunAll(ctxns::Background(), 6, jobs, log->work(plan));
    observe("returned", returned(r, *log, t0));
  });
}
