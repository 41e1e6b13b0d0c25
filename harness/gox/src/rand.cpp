#include "gox/rand.hpp"

#include <atomic>

#include "gox/panic.hpp"
#include "runtime_state.hpp"

namespace gox::rand {

namespace {

constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ULL;

std::uint64_t mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::atomic<std::uint64_t> process_source{mix(1)};

// SplitMix64 on an atomic counter: lock-free, so any thread may draw.
std::uint64_t next() noexcept {
  detail::runtime_state* rt = detail::current_runtime();
  std::atomic<std::uint64_t>& s = rt ? rt->user_rng : process_source;
  return mix(s.fetch_add(kGamma, std::memory_order_relaxed) + kGamma);
}

}  // namespace

std::int64_t Int63() { return static_cast<std::int64_t>(next() >> 1); }

std::int64_t Int63n(std::int64_t n) {
  if (n <= 0) throw gox::panic("invalid argument to Int63n");
  const auto un = static_cast<std::uint64_t>(n);
  // Rejection sampling: no modulo bias.
  const std::uint64_t limit = (std::uint64_t{1} << 63) - ((std::uint64_t{1} << 63) % un);
  for (;;) {
    const std::uint64_t v = next() >> 1;
    if (v < limit) return static_cast<std::int64_t>(v % un);
  }
}

int Intn(int n) {
  if (n <= 0) throw gox::panic("invalid argument to Intn");
  return static_cast<int>(Int63n(n));
}

double Float64() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

}  // namespace gox::rand
