// gox::rand: seeded by the run, its own stream, bounded and unbiased enough.
#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "gox/panic.hpp"
#include "gox/rand.hpp"
#include "gox/runtime.hpp"

namespace {
std::vector<std::int64_t> draw(std::uint64_t seed, gox::sched_kind sched = gox::sched_kind::deterministic) {
  std::vector<std::int64_t> v;
  gox::config c;
  c.seed = seed;
  c.sched = sched;
  auto r = gox::run(c, [&] {
    for (int i = 0; i < 8; ++i) v.push_back(gox::rand::Int63n(1000000));
  });
  REQUIRE(r.ok());
  return v;
}
}  // namespace

TEST_CASE("The same seed draws the same numbers, another seed others", "[rand]") {
  CHECK(draw(7) == draw(7));
  CHECK(draw(7) != draw(8));
  CHECK(draw(7, gox::sched_kind::parallel) == draw(7));
}

TEST_CASE("Drawing numbers does not change the schedule", "[rand]") {
  auto order = [](bool draw_numbers) {
    std::vector<int> seen;
    gox::config c;
    c.seed = 11;
    auto r = gox::run(c, [&] {
      for (int i = 0; i < 6; ++i)
        gox::go([&, i] {
          if (draw_numbers) (void)gox::rand::Float64();
          gox::yield();
          seen.push_back(i);
        });
    });
    REQUIRE(r.ok());
    return seen;
  };
  CHECK(order(true) == order(false));
}

TEST_CASE("Int63n stays in range and covers it, Float64 is at least 0 and below 1, n <= 0 panics", "[rand]") {
  gox::config c;
  auto r = gox::run(c, [] {
    std::set<std::int64_t> seen;
    double lo = 1, hi = 0;
    for (int i = 0; i < 20000; ++i) {
      const auto v = gox::rand::Int63n(10);
      REQUIRE(v >= 0);
      REQUIRE(v < 10);
      seen.insert(v);
      const double f = gox::rand::Float64();
      REQUIRE(f >= 0.0);
      REQUIRE(f < 1.0);
      lo = std::min(lo, f);
      hi = std::max(hi, f);
    }
    CHECK(seen.size() == 10);
    CHECK(lo < 0.01);
    CHECK(hi > 0.99);
    CHECK_THROWS_AS(gox::rand::Int63n(0), gox::panic);
    CHECK_THROWS_AS(gox::rand::Intn(-1), gox::panic);
  });
  CHECK(r.ok());
}
