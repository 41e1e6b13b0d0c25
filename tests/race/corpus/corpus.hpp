#pragma once
// One program of the race corpus. Each file is built twice: with
// GOX_CORPUS_RACY=1 (the racy variant) and =0 (the clean one); the two differ
// by one synchronisation step, chosen with `racy`. Lines marked "// RACE"
// hold the racy variant's two conflicting accesses: the checker requires
// every report to name exactly those lines, and the clean variant to produce
// no report at all. The program's configuration (scheduler, seed, threads)
// comes from GOX_* in the environment (gox::run_main).

#include <atomic>

#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

#ifndef GOX_CORPUS_RACY
#error "build with -DGOX_CORPUS_RACY=0 or 1"
#endif

namespace corpus {

inline constexpr bool racy = GOX_CORPUS_RACY != 0;

/// Keeps a read from being optimised away without adding an access of its own
/// that could race (an atomic, which TSan treats as synchronisation-free here).
inline std::atomic<long> sink{0};
inline void observe(long v) { sink.fetch_add(v, std::memory_order_relaxed); }

}  // namespace corpus

#define CORPUS_MAIN int main() { return gox::run_main(corpus_main); }
