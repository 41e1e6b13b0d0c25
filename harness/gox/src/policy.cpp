#include "policy.hpp"

#include <algorithm>
#include <unordered_map>

#include "runtime_state.hpp"

namespace gox::detail {

namespace {

std::uint64_t mix(std::uint64_t& s) noexcept {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

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
    for (int i = 1; i < depth; ++i) change_.push_back(1 + mix(state_) % k);
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
    if (fresh) it->second = kFirst + static_cast<std::int64_t>(mix(state_) >> 24);
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

}  // namespace

std::unique_ptr<sched_policy> make_policy(runtime_state& rt) {
  const config& cfg = rt.cfg;
  if (cfg.policy == policy_kind::pct) return std::make_unique<pct>(cfg.seed, cfg.pct_depth, cfg.pct_steps);
  return std::make_unique<random_walk>(rt);
}

}  // namespace gox::detail
