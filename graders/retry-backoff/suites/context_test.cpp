// Hidden tests for the follow-up, RetryContext, drive half: cancellation, the
// cap and full jitter, in virtual time. context_judge.cpp decides.
#include <catch2/catch.hpp>

#include <memory>

#include "gograde/check.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "retry.hpp"
#include "retry_context.hpp"
#include "schedules.hpp"

namespace ctxns = gox::context;
using gograde::check::observe;
using gox::time::Millisecond;
using gox::time::Second;

TEST_CASE("RetryContext follows every schedule, the capped ones included", "[cap]") {
  for (const auto& s : gograde::check::input("schedules")) {
    gograde::check::run(
        [&] {
          // Owned by the operation too: a call made after the test returned finds it.
          auto rp = std::make_shared<recorder>();
          recorder& r = *rp;
          r.succeed_on = s.at("succeed_on");
          Backoff b;
          b.base = s.at("base_ms").get<long>() * Millisecond;
          b.max = s.at("cap_ms").get<long>() * Millisecond;
          const gox::error err =
              RetryContext(ctxns::Background(), [rp](ctxns::Context) { return rp->call(); }, s.at("attempts"), b);
          observe(s.at("key"), {{"calls at ms", r.at_ms},
                                {"returned at ms", ms_since(r.t0)},
                                {"error", static_cast<bool>(err)},
                                {"wraps the last failure", err && !r.errors.empty() && gox::errors::Is(err, r.errors.back())}});
        },
        virtual_time);
  }
}

namespace {

// What a cancelled RetryContext did.
void observe_return(const recorder& r, const gox::error& err) {
  observe("returned", {{"error", err ? err.Error() : ""},
                       {"canceled", gox::errors::Is(err, ctxns::Canceled)},
                       {"deadline exceeded", gox::errors::Is(err, ctxns::DeadlineExceeded)},
                       {"at ms", ms_since(r.t0)},
                       {"calls", r.at_ms.size()}});
}

}  // namespace

TEST_CASE("Cancelling during a sleep returns at that instant with the context's error", "[cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = ctxns::WithCancel(ctxns::Background());
        // Owned by the operation too: a call made after the test returned finds it.
        auto rp = std::make_shared<recorder>();
        recorder& r = *rp;
        gox::time::AfterFunc(2500 * Millisecond, [cancel = cancel] {
          gograde::check::event("cancel", "context");
          cancel();
        });
        const gox::error err = RetryContext(ctx, [rp](ctxns::Context) { return rp->call(); }, 10);
        gograde::check::event("returned", "RetryContext");
        observe_return(r, err);
      },
      virtual_time);
}

TEST_CASE("A deadline during a sleep returns at the deadline", "[cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = ctxns::WithTimeout(ctxns::Background(), 4 * Second);
        // Owned by the operation too: a call made after the test returned finds it.
        auto rp = std::make_shared<recorder>();
        recorder& r = *rp;
        const gox::error err = RetryContext(ctx, [rp](ctxns::Context) { return rp->call(); }, 10);
        cancel();
        observe_return(r, err);
      },
      virtual_time);
}

TEST_CASE("A context already done: no call at all", "[cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = ctxns::WithCancel(ctxns::Background());
        cancel();
        // Owned by the operation too: a call made after the test returned finds it.
        auto rp = std::make_shared<recorder>();
        recorder& r = *rp;
        const gox::error err = RetryContext(ctx, [rp](ctxns::Context) { return rp->call(); }, 3);
        observe_return(r, err);
      },
      virtual_time);
}

TEST_CASE("Full jitter: every delay in [0, min(cap, base*2^i)], spread uniformly", "[jitter]") {
  gograde::check::run(
      [] {
        Backoff b;
        b.base = Second;
        b.max = 5 * Second;
        b.jitter = true;
        nlohmann::json calls = nlohmann::json::array();
        for (int k = 0; k < 300; ++k) {
          // Owned by the operation too: a call made after the test returned finds it.
          auto rp = std::make_shared<recorder>();
          recorder& r = *rp;
          (void)RetryContext(ctxns::Background(), [rp](ctxns::Context) { return rp->call(); }, 5, b);
          calls.push_back(r.at_ms);
        }
        observe("calls at ms, per RetryContext", std::move(calls));
      },
      virtual_time);
}
