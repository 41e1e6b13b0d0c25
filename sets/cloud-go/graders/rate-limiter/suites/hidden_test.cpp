// Hidden tests for the rate limiter, drive half: plays each scenario of the
// test data in virtual time (every instant exact) and observes what Allow
// answered; hidden_judge.cpp holds what it must answer.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"
#include "limiter.hpp"

namespace {

using gograde::check::observe;

void play(const std::string& tag) {
  for (const auto& s : gograde::check::input("scenarios")) {
    if (s.at("tag") != tag) continue;
    gograde::check::run(
        [&] {
          Limiter l(s.at("rate").get<double>(), s.at("burst").get<int>());
          const gox::time::Time t0 = gox::time::Now();
          std::vector<bool> got;
          for (const auto& c : s.at("calls")) {
            const auto wait = gox::time::Millisecond * c.at("at_ms").get<long>() - gox::time::Since(t0);
            if (wait > gox::time::Duration::zero()) gox::time::Sleep(wait);
            got.push_back(l.Allow(c.at("key").get<std::string>()));
          }
          observe(s.at("name").get<std::string>(), {{"allowed", got}, {"returned at ms", gograde::check::ms_since(t0)}});
        },
        gograde::check::virtual_time);
  }
}

}  // namespace

TEST_CASE("A new key allows exactly its burst at once", "[burst]") { play("burst"); }

TEST_CASE("Tokens flow back at the rate, fractions included", "[refill]") { play("refill"); }

TEST_CASE("An idle bucket fills to its burst and no further", "[cap]") { play("cap"); }

TEST_CASE("Each key has its own bucket", "[keys]") { play("keys"); }

// 4 fibers call Allow 12 times each on one hot key and on a key of their own,
// all at the same instant (virtual time: nothing sleeps, so no token flows
// in): the hot key grants exactly its burst of 20, each own key all 12.
TEST_CASE("Concurrent calls grant exactly the tokens there are", "[concurrent]") {
  gograde::check::run([] {
    auto l = std::make_shared<Limiter>(0.001, 20);
    auto hot = std::make_shared<std::vector<long>>(4), own = std::make_shared<std::vector<long>>(4);
    gox::WaitGroup wg;
    for (int f = 0; f < 4; ++f) {
      wg.Add(1);
      gox::go([&wg, l, hot, own, f] {
        const std::string mine = "tenant-" + std::to_string(f);
        for (int i = 0; i < 12; ++i) {
          if (l->Allow("hot")) ++(*hot)[f];
          if (l->Allow(mine)) ++(*own)[f];
        }
        wg.Done();
      });
    }
    wg.Wait();
    long total = 0;
    for (long h : *hot) total += h;
    observe("hot key granted", total);
    observe("own keys granted", *own);
  }, gograde::check::virtual_time);
}
