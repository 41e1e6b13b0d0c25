#pragma once
// Shared helpers for gox tests: configurations and run assertions.

#include <catch2/catch.hpp>
#include <string>

#include "gox/runtime.hpp"

namespace gox_test {

inline gox::config det(std::uint64_t seed = 1) {
  gox::config c;
  c.sched = gox::sched_kind::deterministic;
  c.seed = seed;
  c.clock = gox::clock_kind::real;
  return c;
}

inline gox::config virt(std::uint64_t seed = 1) {
  gox::config c = det(seed);
  c.clock = gox::clock_kind::virtual_time;
  return c;
}

inline gox::config par(int threads = 2) {
  gox::config c;
  c.sched = gox::sched_kind::parallel;
  c.threads = threads;
  return c;
}

/// Runs and requires a clean result, printing the report otherwise.
template <class F>
gox::run_result run_ok(const gox::config& c, F&& f) {
  gox::run_result r = gox::run(c, std::forward<F>(f));
  INFO("config: " << c.describe() << "\n" << r.report());
  REQUIRE(r.result == gox::outcome::ok);
  return r;
}

}  // namespace gox_test
