#include "policy.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <utility>

#include "runtime_state.hpp"

namespace gox::detail {

namespace {

// Draws from the run's own seeded stream, which select's choices share: a
// seed gives the same schedule it always gave.
class random_walk final : public sched_policy {
 public:
  explicit random_walk(runtime_state& rt) : rt_(rt) {}
  // Always switches when another fiber is ready (as gox always has).
  bool keep_running(const std::vector<boost::fibers::context*>&, boost::fibers::context*, bool) noexcept override {
    return false;
  }
  std::size_t choose(const std::vector<boost::fibers::context*>& ready, boost::fibers::context*) noexcept override {
    return rt_.next_rand() % ready.size();
  }

 private:
  runtime_state& rt_;
};

class pct final : public sched_policy {
 public:
  pct(std::uint64_t seed, int depth, std::uint64_t steps) : state_(seed * 0xA24BAED4963EE407ULL + 0x9FB21C651E98DF25ULL) {
    const std::uint64_t k = std::max<std::uint64_t>(steps, 1);
    for (int i = 1; i < depth; ++i) change_.push_back(1 + splitmix64(state_) % k);
    std::sort(change_.begin(), change_.end());
    low_ = depth;  // change points give depth-1, depth-2, ..., 1: below every first priority
  }

  bool keep_running(const std::vector<boost::fibers::context*>& ready, boost::fibers::context* current,
                    bool explicit_yield) noexcept override {
    step(current);
    stepped_ = true;
    // An explicit yield asks to let others run: behind every other fiber, or
    // a spin-wait on a fiber of lower priority would never end.
    if (explicit_yield) prio_[current] = --floor_;
    if (ready.empty()) return true;
    const std::int64_t mine = priority(current);
    if (mine < priority(ready[pick(ready)])) return false;
    // A fiber spinning without yielding (a load in a loop) on a lower one:
    // after a long streak it goes behind the others too.
    if (++streak_ > kMaxStreak) {
      prio_[current] = --floor_;
      return false;
    }
    return true;
  }

  std::size_t choose(const std::vector<boost::fibers::context*>& ready,
                     boost::fibers::context* current) noexcept override {
    // A fiber that blocks (or the dispatcher) reaches here without
    // keep_running: that is a step too.
    if (!stepped_ && current) step(current);
    stepped_ = false;
    streak_ = 0;
    return pick(ready);
  }

 private:
  static constexpr unsigned kMaxStreak = 20000;
  static constexpr std::int64_t kFirst = std::int64_t{1} << 40;

  // A step of the running fiber: at the change points it drops below
  // every fiber that has not dropped yet.
  void step(boost::fibers::context* current) noexcept {
    ++step_;
    while (next_ < change_.size() && step_ >= change_[next_]) {
      prio_[current] = --low_;
      ++next_;
    }
  }

  // Fibers get a random priority when first seen. The thread's own
  // contexts (Boost's dispatcher, which readies itself whenever it resumes a
  // fiber, and the thread's main context) run only when no fiber can.
  std::int64_t priority(boost::fibers::context* c) {
    if (!c->get_properties()) return INT64_MIN;
    auto [it, fresh] = prio_.try_emplace(c, 0);
    if (fresh) it->second = kFirst + static_cast<std::int64_t>(splitmix64(state_) >> 24);
    return it->second;
  }

  std::size_t pick(const std::vector<boost::fibers::context*>& ready) noexcept {
    std::size_t best = 0;
    std::int64_t best_p = INT64_MIN;
    for (std::size_t i = 0; i < ready.size(); ++i)
      if (const std::int64_t p = priority(ready[i]); p > best_p || i == 0) {
        best_p = p;
        best = i;
      }
    return best;
  }

  std::uint64_t state_;
  std::vector<std::uint64_t> change_;
  std::size_t next_ = 0;
  std::uint64_t step_ = 0;
  std::int64_t low_ = 0;
  std::int64_t floor_ = 0;
  std::unordered_map<boost::fibers::context*, std::int64_t> prio_;
  bool stepped_ = false;  // keep_running counted this step already
  unsigned streak_ = 0;   // steps the running fiber kept the thread in a row
};

// One decision of a depth-first exploration's run.
struct dfs_point {
  unsigned n = 1;        // options
  unsigned chosen = 0;
  bool keep_point = false;  // at a scheduling point: 0 keep running, 1 switch (a preemption)
};

struct dfs_trace {
  std::vector<unsigned> prefix;  // decisions to take first (the schedule being explored)
  std::vector<dfs_point> points;  // the decisions this run took
  bool lockstep = false;          // the lockstep schedule instead (prefix unused)
};

std::atomic<dfs_trace*> current_dfs{nullptr};  // explore_all's, while its run runs

// Depth first: replays the prefix, then never preempts and runs the first
// ready fiber; explore_all moves the prefix to the next schedule.
class dfs final : public sched_policy {
 public:
  explicit dfs(dfs_trace* t) : t_(t) {}
  // One schedule, replayed: its own trace, no search.
  explicit dfs(std::vector<unsigned> prefix, bool lockstep = false)
      : own_(std::make_unique<dfs_trace>()), t_(own_.get()) {
    own_->prefix = std::move(prefix);
    own_->lockstep = lockstep;
  }

  bool keep_running(const std::vector<boost::fibers::context*>& ready, boost::fibers::context* current,
                    bool explicit_yield) noexcept override {
    if (!t_ || program_fibers(ready) == 0) return true;
    if (t_->lockstep) {
      stepped_ = true;
      const std::uint64_t mine = ++of(current, current).steps;
      // Keeps the thread to catch up with the others, not counting the
      // fibers it spawned that have not started (a spawning loop spawns them
      // all before they run, so they start side by side).
      const bool keep = !explicit_yield && ++streak_ <= kMaxStreak && mine < fewest_steps(ready, current);
      if (!keep) streak_ = 0;
      t_->points.push_back({2, keep ? 0u : 1u, true});
      return keep;
    }
    // A yield gives the thread away: which fiber takes it is choose()'s
    // decision, not a preemption. So is a spin that went on too long.
    if (explicit_yield || ++streak_ > kMaxStreak) {
      streak_ = 0;
      return false;
    }
    if (decide(2, true) == 0) return true;
    streak_ = 0;
    return false;
  }

  std::size_t choose(const std::vector<boost::fibers::context*>& ready, boost::fibers::context* current) noexcept override {
    streak_ = 0;
    // Lockstep: a fiber that blocks (reaching here without keep_running)
    // took a step too.
    if (t_ && t_->lockstep && current && current->get_properties() && !std::exchange(stepped_, false))
      ++of(current, current).steps;
    const unsigned n = program_fibers(ready);
    if (!t_ || n <= 1) {
      for (std::size_t i = 0; i < ready.size(); ++i)
        if (ready[i]->get_properties()) return i;
      return 0;  // only the thread's own contexts
    }
    if (t_->lockstep) return balanced(ready);
    unsigned k = decide(n, false);
    for (std::size_t i = 0; i < ready.size(); ++i)
      if (ready[i]->get_properties() && k-- == 0) return i;
    return 0;
  }

 private:
  static constexpr unsigned kMaxStreak = 20000;

  static unsigned program_fibers(const std::vector<boost::fibers::context*>& ready) noexcept {
    unsigned n = 0;
    for (auto* c : ready) n += c->get_properties() != nullptr;
    return n;
  }

  // Lockstep keeps the fibers' progress even: the ready program fiber with
  // the fewest steps runs (of equals, the one that ran least recently; a new
  // one has taken none), so fibers running the same code stay at the same
  // operation, and a window between two operations of one is open to all
  // the others. Recorded as its index among the program fibers.
  struct progress {
    std::uint64_t steps = 0;
    std::uint64_t ran = 0;  // when it was last chosen, or first seen
    bool started = false;
    boost::fibers::context* spawner = nullptr;  // running when it was first seen
  };

  progress& of(boost::fibers::context* c, boost::fibers::context* running) {
    auto [it, fresh] = lock_.try_emplace(c);
    if (fresh) {
      it->second.ran = ++tick_;
      it->second.spawner = running;
    }
    return it->second;
  }

  // The fewest steps of the ready fibers, leaving out those `current`
  // spawned that have not started yet.
  std::uint64_t fewest_steps(const std::vector<boost::fibers::context*>& ready, boost::fibers::context* current) {
    std::uint64_t fewest = UINT64_MAX;
    for (auto* c : ready)
      if (c->get_properties())
        if (const progress& p = of(c, current); p.started || p.spawner != current) fewest = std::min(fewest, p.steps);
    return fewest;
  }

  std::size_t balanced(const std::vector<boost::fibers::context*>& ready) {
    std::size_t best = ready.size();
    progress* bp = nullptr;  // ready[best]'s (the map's elements stay put)
    unsigned k = 0, best_k = 0;
    for (std::size_t i = 0; i < ready.size(); ++i) {
      if (!ready[i]->get_properties()) continue;
      progress& p = of(ready[i], nullptr);
      if (!bp || p.steps < bp->steps || (p.steps == bp->steps && p.ran < bp->ran)) {
        best = i;
        bp = &p;
        best_k = k;
      }
      ++k;
    }
    t_->points.push_back({k, best_k, false});
    bp->ran = ++tick_;
    bp->started = true;
    return best;
  }

  unsigned decide(unsigned n, bool keep_point) noexcept {
    const std::size_t at = t_->points.size();
    unsigned c = at < t_->prefix.size() ? t_->prefix[at] : 0;
    if (c >= n) c = 0;
    t_->points.push_back({n, c, keep_point});
    return c;
  }

  std::unique_ptr<dfs_trace> own_;
  dfs_trace* t_;
  unsigned streak_ = 0;
  std::unordered_map<boost::fibers::context*, progress> lock_;  // lockstep: each fiber's progress
  std::uint64_t tick_ = 0;
  bool stepped_ = false;  // lockstep: keep_running counted this step already
};

// The next schedule after `t`'s run within the subtree below `floor`
// decisions, depth first: the last free decision (which fiber runs after one
// blocks or yields) at or after `floor` that has an untried option.
// Preemptions are never taken here: explore_all defers them to the next
// bound's pass. False when the subtree is done.
bool next_schedule(dfs_trace& t, std::size_t floor) {
  for (std::size_t i = t.points.size(); i-- > floor;) {
    const dfs_point& p = t.points[i];
    if (p.keep_point || p.chosen + 1 >= p.n) continue;
    t.prefix.assign(i, 0);
    for (std::size_t j = 0; j < i; ++j) t.prefix[j] = t.points[j].chosen;
    t.prefix.push_back(p.chosen + 1);
    return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<sched_policy> make_policy(runtime_state& rt) {
  const config& cfg = rt.cfg;
  if (cfg.policy == policy_kind::pct) return std::make_unique<pct>(cfg.seed, cfg.pct_depth, cfg.pct_steps);
  if (cfg.policy == policy_kind::dfs) {
    if (dfs_trace* t = current_dfs.load()) return std::make_unique<dfs>(t);
    if (cfg.dfs_schedule == kLockstep) return std::make_unique<dfs>(std::vector<unsigned>{}, true);
    return std::make_unique<dfs>(parse_schedule(cfg.dfs_schedule).value_or(std::vector<unsigned>{}));
  }
  return std::make_unique<random_walk>(rt);
}

std::optional<std::vector<unsigned>> parse_schedule(const std::string& text) {
  std::vector<unsigned> out;
  if (text.empty() || text == "first" || text == kLockstep) return out;
  constexpr unsigned long kMaxStep = 1u << 24;  // a replay's prefix, not a memory bomb
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t plus = text.find('+', at);
    const std::string part = text.substr(at, plus == std::string::npos ? std::string::npos : plus - at);
    at = plus == std::string::npos ? text.size() + 1 : plus + 1;
    const std::size_t dot = part.find('.');
    if (dot == 0 || dot == std::string::npos || dot + 1 == part.size()) return std::nullopt;
    char* end = nullptr;
    const unsigned long step = std::strtoul(part.c_str(), &end, 10);
    if (end != part.c_str() + dot || step >= kMaxStep) return std::nullopt;
    const unsigned long choice = std::strtoul(part.c_str() + dot + 1, &end, 10);
    if (*end != '\0' || choice == 0 || choice > 1024 || part[dot + 1] == '-' || part[0] == '-') return std::nullopt;
    if (!out.empty() && step < out.size()) return std::nullopt;  // steps ascend
    out.resize(step + 1, 0);
    out[step] = static_cast<unsigned>(choice);
  }
  return out;
}

}  // namespace gox::detail

namespace gox {

std::string schedule_text(const std::vector<unsigned>& decisions) {
  std::string out;
  for (std::size_t i = 0; i < decisions.size(); ++i)
    if (decisions[i] != 0) {
      if (!out.empty()) out += '+';
      out.append(std::to_string(i)).append(1, '.').append(std::to_string(decisions[i]));
    }
  return out.empty() ? "first" : out;
}

exploration explore_all(config cfg, const std::function<bool()>& program, int preemptions, std::uint64_t max_runs,
                        const explored_run& after_run) {
  cfg.sched = sched_kind::deterministic;
  cfg.policy = policy_kind::dfs;
  exploration out;
  // Iterative preemption bounding without reruns: pass b runs every schedule
  // with exactly b preemptions, once. A pass starts from subtrees (a prefix
  // whose last decision is its b-th preemption), walks each depth first over
  // the free decisions, and leaves every further preemption it meets to the
  // next pass. So a bug that needs one preemption shows before the search
  // dives into pairs of them, and `runs` counts distinct schedules.
  struct subtree {
    std::shared_ptr<const std::vector<unsigned>> run;  // a run's decisions
    std::size_t at = 0;                                // preempt at run[at]
  };
  std::vector<subtree> pass{subtree{}};  // the root: nothing fixed
  bool dropped = false;                  // a subtree left out: over the budget
  // First, when preemptions are allowed at all, the lockstep schedule: it
  // preempts at every point, so a bug whose window lies between two
  // operations of one fiber (a lost update, check-then-act, a decrement
  // then a load) shows in this one run; it is not one of the bounded
  // schedules, so it neither counts against their completeness nor seeds them.
  // One run of `program` on `trace`'s schedule, its decisions into
  // `decisions`: true when the exploration ends with it (it failed, which
  // `out` then holds, or the callback said so).
  auto attempt = [&](detail::dfs_trace& trace, std::vector<unsigned>& decisions) {
    trace.points.clear();
    detail::current_dfs.store(&trace);
    bool bad = false;
    run_result r = run(cfg, [&] { bad = program(); });
    detail::current_dfs.store(nullptr);
    ++out.runs;
    decisions.reserve(trace.points.size());
    for (const auto& p : trace.points) decisions.push_back(p.chosen);
    const std::string text = trace.lockstep ? std::string(detail::kLockstep) : schedule_text(decisions);
    const bool stop = after_run && after_run(r, text);
    if (bad || !r.ok()) {
      out.found = true;
      out.failing = std::move(r);
      out.schedule = decisions;
      out.schedule_text = text;
      return true;
    }
    return stop;
  };
  if (preemptions > 0 && max_runs > 0) {
    detail::dfs_trace trace;
    trace.lockstep = true;
    std::vector<unsigned> decisions;
    if (attempt(trace, decisions)) return out;
  }
  for (int bound = 0; bound <= std::max(preemptions, 0) && !pass.empty(); ++bound) {
    std::vector<subtree> next;
    const bool defer = bound < preemptions;
    for (const subtree& root : pass) {
      detail::dfs_trace trace;
      if (root.run) {
        trace.prefix.assign(root.run->begin(), root.run->begin() + static_cast<std::ptrdiff_t>(root.at));
        trace.prefix.push_back(1);
      }
      const std::size_t floor = trace.prefix.size();
      for (;;) {
        if (out.runs >= max_runs) return out;
        const std::size_t fresh = trace.prefix.size();  // decisions past it are this run's own
        auto decisions = std::make_shared<std::vector<unsigned>>();
        if (attempt(trace, *decisions)) return out;
        if (defer)
          for (std::size_t i = trace.points.size(); i-- > fresh;) {
            if (!trace.points[i].keep_point) continue;
            // More subtrees than runs left cannot all run: keep what can.
            if (next.size() >= max_runs - out.runs) {
              dropped = true;
              break;
            }
            next.push_back({decisions, i});
          }
        if (!detail::next_schedule(trace, floor)) break;
      }
    }
    pass = std::move(next);
  }
  out.complete = !dropped;
  return out;
}

}  // namespace gox
