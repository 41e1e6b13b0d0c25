#pragma once
/// gox runtime: runs a Go-style program on Boost.Fiber fibers.
///
/// `gox::run(cfg, main)` runs `main` as the fiber named "main" under the
/// scheduler and clock chosen in `cfg`, and returns how the run ended:
///
///  - ok:       main returned and every other fiber had ended;
///  - deadlock: every fiber was blocked and no timer was pending
///              (Go: "all goroutines are asleep - deadlock!");
///  - leak:     main returned but fibers were still alive once nothing could
///              run (goleak): they are listed in the dump;
///  - panic:    a gox::panic (or any exception) escaped a fiber.
///
/// After a deadlock, leak or panic the runtime unwinds every remaining fiber
/// (blocking calls throw an internal exception that user code does not see as
/// a std::exception), so `run` always returns with every fiber ended.
///
/// Schedulers: `deterministic` runs every fiber on one thread and picks the next
/// ready fiber with a PRNG seeded by `seed` (same seed, same schedule);
/// `parallel` shares fibers between `threads` threads. The clock is `real` or
/// `virtual`; virtual time starts at 2000-01-01T00:00:00Z and advances only when
/// every fiber is blocked, jumping to the next timer (Go's testing/synctest).
/// Virtual time needs the deterministic scheduler.
///
/// Thread safety: `run` may be called from any thread, including concurrently;
/// each run owns its threads. `go`, `yield` and every gox primitive must be
/// called from a fiber of a run, except where a header says otherwise.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gox/source_location.hpp"

namespace gox {

enum class sched_kind { deterministic, parallel };
enum class clock_kind { real, virtual_time };
/// Exploration (a program built for it, see harness/gox/src/explore.cpp): on
/// the deterministic scheduler, where the instrumented program code may lose
/// its fiber besides gox calls. `atomics`: at every atomic operation;
/// `accesses`: also at every plain load and store of shared memory.
enum class explore_kind { off, atomics, accesses };
/// The deterministic scheduler's policy: a uniformly random ready fiber at
/// each step, or PCT (random priorities, the highest ready fiber runs, and at
/// pct_depth-1 random steps among the first pct_steps the running fiber drops
/// below all others: finds a bug needing d ordering constraints with
/// probability at least 1/(n·k^(d-1)) per run). dfs: the bounded exhaustive
/// search's order (keep the running fiber, else the first ready one); a run
/// takes dfs_schedule's decisions first, and explore_all walks every
/// schedule within dfs_preemptions (gograde's check::run does that for a
/// test run under GOX_POLICY=dfs without a schedule).
enum class policy_kind { random, pct, dfs };

struct config {
  sched_kind sched = sched_kind::deterministic;
  std::uint64_t seed = 1;
  int threads = 2;  ///< parallel scheduler only
  clock_kind clock = clock_kind::real;
  /// After main returns, how long (on the run's clock) fibers still running
  /// may take to end before they count as leaked (goleak retries ~0.4 s).
  std::chrono::nanoseconds leak_grace = std::chrono::milliseconds(400);
  /// Real clock only: how long every fiber must stay blocked, with no timer
  /// pending, before the run is declared deadlocked (threads outside the run
  /// may still wake a fiber). Virtual time declares a deadlock at once.
  std::chrono::nanoseconds deadlock_grace = std::chrono::milliseconds(100);
  /// Deterministic scheduler, exploration build only (elsewhere ignored).
  explore_kind explore = explore_kind::off;
  /// Deterministic scheduler only.
  policy_kind policy = policy_kind::random;
  int pct_depth = 3;                ///< d: bugs of depth up to d are the target
  std::uint64_t pct_steps = 1000;   ///< k: the steps a run is expected to take
  int dfs_preemptions = 2;            ///< dfs: preemptions a schedule may have
  std::uint64_t dfs_runs = 1000;      ///< dfs: schedules an exploration may run at most
  /// dfs: one schedule's decisions that differ from the search's default, as
  /// "STEP.CHOICE+STEP.CHOICE..." ("first": none): replays that schedule.
  std::string dfs_schedule = {};
  /// Deterministic scheduler: keep the run's last `trace` switches (which
  /// fiber ran next, and why the one before stopped) and print them to
  /// stderr when the run ends (GOX_TRACE=N, or all: at most kTraceAll).
  std::uint64_t trace = 0;
  static constexpr std::uint64_t kTraceAll = 5000;

  /// `base` overridden by GOX_SCHED (det|par), GOX_SEED, GOX_THREADS,
  /// GOX_CLOCK (real|virtual), GOX_EXPLORE (off|atomics|accesses) and
  /// GOX_POLICY (random, pct[:d=D][,steps=K] or
  /// dfs[:preemptions=P][,runs=N][,schedule=S]) and GOX_TRACE (N or all)
  /// where set. Throws
  /// std::invalid_argument on a malformed value.
  static config from_env(config base);
  static config from_env() { return from_env(config{}); }
  /// e.g. "sched=det seed=7 clock=virtual", "sched=det seed=2 clock=real explore=atomics",
  /// "sched=det seed=3 clock=real policy=pct:d=2,steps=500"
  std::string describe() const;
};

/// Sets `c`'s policy from text in GOX_POLICY's syntax ("random",
/// "pct:d=3,steps=2000", "dfs:preemptions=2,runs=1000",
/// "dfs:schedule=57.1+120.2"); throws std::invalid_argument when malformed.
void parse_policy(const std::string& text, config& c);
/// The policy in GOX_POLICY's syntax, e.g. "pct:d=3,steps=1000".
std::string describe_policy(const config& c);

enum class outcome { ok, deadlock, leak, panic };
const char* to_string(outcome o) noexcept;

/// One fiber as the runtime last saw it.
struct fiber_info {
  std::uint64_t id = 0;
  std::string name;
  bool blocked = false;
  std::string wait;  ///< e.g. "chan receive", "WaitGroup.Wait"; empty if runnable
  source_location where;       ///< the blocking call
  source_location created_at;  ///< the go() call
};

struct run_result {
  outcome result = outcome::ok;
  std::string message;  ///< Go-style first line, e.g. the panic value
  std::vector<fiber_info> fibers;  ///< dump: the blocked fibers / leaked fibers
  std::chrono::nanoseconds elapsed{0};  ///< on the run's clock
  /// Deterministic scheduler: the scheduling decisions the run took (the k
  /// PCT's pct_steps should match).
  std::uint64_t steps = 0;
  /// config::trace > 0: the last switches, one line each ("switch 12 at
  /// 3.000 ms: goroutine 4 \"worker 2\" runs (goroutine 1 \"main\" blocked:
  /// chan receive)"; the time in virtual time only), oldest first.
  std::vector<std::string> trace;
  bool ok() const noexcept { return result == outcome::ok; }
  /// The Go-like text: "fatal error: all goroutines are asleep - deadlock!"
  /// followed by one paragraph per fiber.
  std::string report() const;
};

/// Runs `main` to completion. Never throws for what the program does; throws
/// std::invalid_argument for an impossible configuration.
run_result run(const config& cfg, std::function<void()> main);

/// Bounded exhaustive exploration (as Rust's loom): runs `program` once per
/// schedule of the deterministic scheduler, depth first, every schedule with
/// at most `preemptions` preemptions (a switch away from a fiber that could
/// have continued; those with none first, then those with exactly one, ...;
/// each schedule runs once, and `runs` counts distinct schedules; when
/// `preemptions` > 0, one lockstep schedule runs before them all: the ready
/// fiber with the fewest steps runs at every scheduling point, so fibers
/// move side by side; config::dfs_schedule "lockstep"), until
/// `program` returns true (the bug showed), a run's
/// outcome is not ok, every such schedule has run, or `max_runs` have.
/// Meaningful in the exploration build (its scheduling points are the
/// program's memory operations); elsewhere only gox calls are points.
struct exploration {
  std::uint64_t runs = 0;   ///< schedules run
  bool complete = false;    ///< every schedule within the bound ran
  bool found = false;       ///< a run failed: `failing` is its outcome
  run_result failing;
  std::vector<unsigned> schedule;  ///< the failing run's decisions, in order
  std::string schedule_text;       ///< the same, as config::dfs_schedule replays it
};
/// Called after each run with its outcome and its schedule (as
/// config::dfs_schedule replays it); returning true ends the exploration.
using explored_run = std::function<bool(const run_result&, const std::string& schedule)>;
exploration explore_all(config cfg, const std::function<bool()>& program, int preemptions,
                        std::uint64_t max_runs = 100000, const explored_run& after_run = nullptr);
/// A schedule's decisions as config::dfs_schedule spells them.
std::string schedule_text(const std::vector<unsigned>& decisions);


/// For test programs: runs with config::from_env(), prints the report of a
/// failed run to stderr and returns the process exit code (0 ok, 2 deadlock or
/// panic as Go does, 3 leak).
int run_main(std::function<void()> main, config base = {});

/// `go f()`: starts `fn` on a new fiber of the current run. `name` shows in
/// dumps (default "goroutine N"). Throws gox::panic outside a run.
void go(std::function<void()> fn, std::string name = {},
        source_location loc = source_location::current());

/// Lets other ready fibers run (runtime.Gosched).
void yield();

/// The calling fiber's name ("" outside a run).
std::string fiber_name();

/// True while the calling code runs inside gox::run.
bool in_run() noexcept;

}  // namespace gox
