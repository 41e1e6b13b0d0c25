// Hidden tests for the circuit breaker, drive half, in virtual time: plays
// the scripts of the test data and observes what each Call returned, whether
// it ran the operation and the state after it; hidden_judge.cpp decides.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "breaker.hpp"
#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

namespace {

using namespace std::chrono_literals;
using gograde::check::ms_since;
using gograde::check::observe;

const gox::error kFailure = gox::errors::New("dependency unavailable");

std::string name(State s) {
  switch (s) {
    case State::Closed: return "closed";
    case State::Open: return "open";
    case State::HalfOpen: return "half-open";
  }
  return "not a State (" + std::to_string(static_cast<int>(s)) + ")";
}

// What a Call did: "ok", "fail" (ran op, returned its error), "open"
// (ErrOpen without running op), or what else happened.
std::string outcome(const gox::error& err, bool ran) {
  if (!err) return ran ? "ok" : "nil without running op";
  if (gox::errors::Is(err, ErrOpen)) return ran ? "ErrOpen after running op" : "open";
  if (gox::errors::Is(err, kFailure)) return ran ? "fail" : "op's error without running op";
  return "another error: " + err.Error();
}

// What b.Call did with an op that takes `takes` and returns `result`.
std::string call(Breaker& b, gox::error result = {}, gox::time::Duration takes = {}) {
  auto ran = std::make_shared<bool>(false);  // owned by the op too
  const gox::error err = b.Call([ran, result, takes] {
    *ran = true;
    if (takes > gox::time::Duration::zero()) gox::time::Sleep(takes);
    return result;
  });
  return outcome(err, *ran);
}

void play(const std::string& tag) {
  for (const auto& s : gograde::check::input("scripts")) {
    if (s.at("tag") != tag) continue;
    gograde::check::run(
        [&] {
          Breaker b(s.at("threshold").get<int>(), gox::time::Millisecond * s.at("cooldown_ms").get<long>());
          const gox::time::Time t0 = gox::time::Now();
          std::vector<std::string> returned, state;
          for (const auto& c : s.at("calls")) {
            const auto wait = gox::time::Millisecond * c.at("at_ms").get<long>() - gox::time::Since(t0);
            if (wait > gox::time::Duration::zero()) gox::time::Sleep(wait);
            returned.push_back(call(b, c.at("op") == "fail" ? kFailure : gox::error()));
            state.push_back(name(b.state()));
          }
          observe(s.at("name").get<std::string>(), {{"returned", returned}, {"state", state}});
        },
        gograde::check::virtual_time);
  }
}

}  // namespace

TEST_CASE("Closed: errors pass through, a success resets the count", "[closed]") { play("closed"); }

TEST_CASE("Threshold failures in a row open it, then no call runs", "[opens]") { play("opens"); }

TEST_CASE("After the cooldown one probe decides", "[cooldown]") { play("cooldown"); }

// Threshold 1, cooldown 1 s: fails at 0; at 1000 ms a probe starts that takes
// 500 ms; at 1100 ms three more callers arrive; at 1600 ms one more.
TEST_CASE("One probe at a time: the others are refused at once", "[probe]") {
  gograde::check::run(
      [] {
        auto b = std::make_shared<Breaker>(1, 1s);
        const gox::time::Time t0 = gox::time::Now();
        (void)b->Call([] { return kFailure; });
        gox::time::Sleep(1000ms);
        gox::WaitGroup wg;
        auto probe = std::make_shared<std::pair<std::string, long>>();
        wg.Add(1);
        gox::go([&wg, b, probe, t0] {
          const std::string o = call(*b, {}, 500ms);
          *probe = {o, ms_since(t0)};
          wg.Done();
        });
        gox::time::Sleep(100ms);
        const std::string during = name(b->state());
        auto others = std::make_shared<std::vector<std::pair<std::string, long>>>(3);
        for (int i = 0; i < 3; ++i) {
          wg.Add(1);
          gox::go([&wg, b, others, i, t0] {
            const std::string o = call(*b);
            (*others)[i] = {o, ms_since(t0)};
            wg.Done();
          });
        }
        wg.Wait();
        const std::string after = name(b->state());
        gox::time::Sleep(100ms);
        const std::string after_call = call(*b);
        std::vector<std::string> other_outcomes;
        std::vector<long> other_at;
        for (const auto& [o, at] : *others) {
          other_outcomes.push_back(o);
          other_at.push_back(at);
        }
        observe("probe", {{"returned", probe->first}, {"at ms", probe->second}});
        observe("state during the probe", during);
        observe("others", {{"returned", other_outcomes}, {"at ms", other_at}});
        observe("state after the probe", after);
        observe("call after", after_call);
      },
      gograde::check::virtual_time);
}

// Threshold 5: three callers in the closed state, each op taking 1 s.
TEST_CASE("Calls in the closed state run side by side", "[parallel]") {
  gograde::check::run(
      [] {
        auto b = std::make_shared<Breaker>(5, 1s);
        const gox::time::Time t0 = gox::time::Now();
        auto at = std::make_shared<std::vector<long>>(3);
        gox::WaitGroup wg;
        for (int i = 0; i < 3; ++i) {
          wg.Add(1);
          gox::go([&wg, b, at, i, t0] {
            (void)b->Call([] {
              gox::time::Sleep(1s);
              return gox::error();
            });
            (*at)[i] = ms_since(t0);
            wg.Done();
          });
        }
        wg.Wait();
        observe("returned at ms", *at);
      },
      gograde::check::virtual_time);
}

// Threshold 48: 8 fibers each make 6 failing calls at one instant, then one
// more call: the breaker must be open after exactly 48 failures.
TEST_CASE("Concurrent failures are all counted", "[concurrent]") {
  gograde::check::run(
      [] {
        auto b = std::make_shared<Breaker>(48, 1s);
        auto runs = std::make_shared<gox::atomic<long>>();
        gox::WaitGroup wg;
        for (int f = 0; f < 8; ++f) {
          wg.Add(1);
          gox::go([&wg, b, runs] {
            for (int i = 0; i < 6; ++i)
              (void)b->Call([runs] {
                runs->Add(1);
                return kFailure;
              });
            wg.Done();
          });
        }
        wg.Wait();
        const std::string st = name(b->state());
        const std::string next = call(*b);
        observe("ops run", runs->Load());
        observe("state after 48 failures", st);
        observe("next call", next);
      },
      gograde::check::virtual_time);
}
