// Hidden tests for Retry, drive half, in virtual time: every instant is
// exact. Runs Retry and observes when it called the operation, when it
// returned and what; hidden_judge.cpp holds the instants Go gives.
#include <catch2/catch.hpp>

#include <memory>

#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "retry.hpp"
#include "schedules.hpp"

namespace {

using gograde::check::observe;

// Retry on each of its schedules (base 1 s, no cap, attempts > 0).
void retry_schedules() {
  for (const auto& s : gograde::check::input("schedules")) {
    const int attempts = s.at("attempts");
    if (!is_retrys(s.at("base_ms"), s.at("cap_ms")) || attempts <= 0) continue;
    gograde::check::run(
        [&] {
          // Owned by the operation too: a call made after the test returned finds it.
          auto rp = std::make_shared<recorder>();
          recorder& r = *rp;
          r.succeed_on = s.at("succeed_on");
          const gox::error err = Retry([rp] { return rp->call(); }, attempts);
          gograde::check::event("returned", "Retry");
          observe(s.at("key"), {{"calls at ms", r.at_ms}, {"returned at ms", ms_since(r.t0)}, {"error", static_cast<bool>(err)}});
        },
        virtual_time);
  }
}

}  // namespace

TEST_CASE("Attempts at 0, 1, 3, 7 ... s", "[schedule]") { retry_schedules(); }

TEST_CASE("Returns as soon as an attempt succeeds", "[success]") { retry_schedules(); }

TEST_CASE("No sleep after the final failed attempt", "[final-sleep]") { retry_schedules(); }

TEST_CASE("The error names the attempts and wraps the last failure", "[error]") {
  gograde::check::run(
      [] {
        // Owned by the operation too: a call made after the test returned finds it.
        auto rp = std::make_shared<recorder>();
        recorder& r = *rp;
        const gox::error err = Retry([rp] { return rp->call(); }, 4);
        observe("error", err ? err.Error() : "");
        observe("calls", r.errors.size());
        observe("wraps the last failure", err && !r.errors.empty() && gox::errors::Is(err, r.errors.back()));
        observe("wraps the first failure", err && !r.errors.empty() && gox::errors::Is(err, r.errors.front()));
      },
      virtual_time);
}

TEST_CASE("attempts <= 0: an error at once, no call", "[no-attempts]") {
  for (int attempts : {0, -1, -100}) {
    gograde::check::run(
        [&] {
          // Owned by the operation too: a call made after the test returned finds it.
          auto rp = std::make_shared<recorder>();
          recorder& r = *rp;
          const gox::error err = Retry([rp] { return rp->call(); }, attempts);
          observe("attempts " + std::to_string(attempts),
                  {{"error", static_cast<bool>(err)}, {"calls", r.at_ms.size()}, {"returned at ms", ms_since(r.t0)}});
        },
        virtual_time);
  }
}

TEST_CASE("Retries on several fibers at once keep their own schedule", "[concurrent]") {
  gograde::check::run([] {
    gox::WaitGroup wg;
    auto shared = std::make_shared<std::vector<recorder>>(4);  // owned by the operations too
    std::vector<recorder>& rs = *shared;
    std::vector<gox::error> errs(4);
    for (int f = 0; f < 4; ++f) {
      wg.Add(1);
      gox::go(
          [&, f] {
            rs[f].succeed_on = 4;
            errs[f] = Retry([shared, f] { return (*shared)[f].call(); }, 5);
            wg.Done();
          },
          "retrier");
    }
    wg.Wait();
    for (int f = 0; f < 4; ++f)
      observe("fiber " + std::to_string(f), {{"error", static_cast<bool>(errs[f])}, {"calls at ms", rs[f].at_ms}});
  }, virtual_time);
}
