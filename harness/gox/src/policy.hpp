#pragma once
// The deterministic scheduler's policies: which ready context runs next.
//
// The scheduler (scheduler_algo in runtime.cpp) keeps the ready contexts and
// asks its run's policy at every scheduling decision (a step). A policy is a
// pure function of the run's configuration and the steps so far, so a seed
// (and the policy's parameters) replays the same schedule.
//   random walk: a uniformly random ready context at every step (gox's
//     original scheduler: seeds behave as they always did);
//   PCT (probabilistic concurrency testing): each fiber gets a random
//     priority, the highest ready one runs, and at d-1 steps chosen at random
//     in [1, k] the running fiber drops below every other. A bug that needs d
//     specific ordering constraints shows with probability at least
//     1/(n·k^(d-1)) per run (n fibers, k steps), far better than a random
//     walk for bugs that need a fiber to stay put for long;
//   depth first (explore_all, loom's way): keep the running fiber, else the
//     first ready one, after a prefix of decisions; each schedule is run
//     from the start, every schedule with 0 preemptions first, then every
//     one with exactly 1, ... up to the bound, each once. Before those, when
//     the bound allows preemptions, one lockstep schedule: the ready fiber
//     that has passed the fewest scheduling points runs, so fibers running
//     the same code move one operation at a time side by side, which opens
//     every window between two operations of one fiber to the others at once.

#include <boost/fiber/context.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gox/runtime.hpp"

namespace gox::detail {

class sched_policy {
 public:
  virtual ~sched_policy() = default;
  /// At a scheduling point of the running fiber `current` (`ready`: the
  /// others that could run; `explicit_yield`: gox::yield or
  /// std::this_thread::yield rather than an explored memory operation):
  /// true if it keeps the thread. Otherwise it yields, and choose() follows.
  virtual bool keep_running(const std::vector<boost::fibers::context*>& ready, boost::fibers::context* current,
                            bool explicit_yield) noexcept = 0;
  /// The index in `ready` (not empty) of the context to run next; `current`
  /// is the context giving up the thread (not in `ready`: Boost queues a
  /// yielding context again only once it has switched away).
  virtual std::size_t choose(const std::vector<boost::fibers::context*>& ready,
                             boost::fibers::context* current) noexcept = 0;
};

struct runtime_state;

/// The policy the run's configuration names, seeded by its seed.
std::unique_ptr<sched_policy> make_policy(runtime_state& rt);

/// The schedule that keeps the fibers' progress even: at every scheduling
/// point the ready fiber with the fewest steps runs (config::dfs_schedule's
/// name for it).
inline constexpr char kLockstep[] = "lockstep";

/// config::dfs_schedule's text as the decisions it names (all others 0), or
/// nullopt when malformed ("lockstep" parses, as no decisions).
std::optional<std::vector<unsigned>> parse_schedule(const std::string& text);

}  // namespace gox::detail
