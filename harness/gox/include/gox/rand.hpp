#pragma once
/// gox::rand: Go's math/rand top-level functions on the run's random source.
///
/// Inside a run the source is seeded from the run's seed (config::seed), so a
/// deterministic run draws the same numbers every time it is replayed, and
/// two seeds draw different ones. The stream is the program's own: drawing
/// numbers does not change the scheduler's choices. Outside a run a
/// process-wide source seeded with 1 is used (Go 1.19's default).
/// Safe from any fiber or thread.

#include <cstdint>

namespace gox::rand {

/// A non-negative pseudo-random 63-bit integer.
std::int64_t Int63();
/// In [0, n); panics (gox::panic) if n <= 0.
std::int64_t Int63n(std::int64_t n);
/// In [0, n); panics if n <= 0.
int Intn(int n);
/// In [0.0, 1.0).
double Float64();

}  // namespace gox::rand
