#include "engine/stress.hpp"

#include <algorithm>

#include "engine/cause.hpp"

namespace gograde {

stress_result stress(builder& b, const exercise& ex, const fs::path& submission, const stress_options& opt,
                     const std::function<void(const stress_progress&)>& on_round) {
  using clock = std::chrono::steady_clock;
  stress_result res;
  auto plan_of = [&opt](int seed) {
    return [&opt, seed](const rubric_item& it) {
      return std::vector<run_config>{make_run(uses_virtual_time(it) ? "virt" : "det", seed),
                                     make_run("par", opt.threads)};
    };
  };
  // The builds first: the duration is the exploration's alone.
  {
    const auto tb = clock::now();
    grade_options go;
    go.visible_only = opt.visible_only;
    go.only_item = opt.only_item;
    go.plan = plan_of(opt.first_seed);
    go.build_only = true;
    const grade_result g = grade(b, ex, submission, go);
    res.build_elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - tb);
    for (const auto& it : g.items)
      for (const auto& r : it.runs)
        if (r.config == "build" && r.v != verdict::passed && r.v != verdict::skipped) {
          res.build_problem = r.evidence;
          res.build_verdict = r.v;
          return res;
        }
  }
  const auto t0 = clock::now();
  std::map<std::string, std::size_t> kept;  // cause key -> its entry in res.failures
  for (int seed = opt.first_seed;; ++seed) {
    if (opt.max_seeds > 0 && seed - opt.first_seed >= opt.max_seeds) break;
    if (opt.max_seeds == 0 && clock::now() - t0 >= opt.duration) break;
    grade_options go;
    go.visible_only = opt.visible_only;
    go.only_item = opt.only_item;
    go.run_timeout = opt.run_timeout;
    go.replay_prefix = opt.replay_prefix;
    go.plan = plan_of(seed);
    const grade_result g = grade(b, ex, submission, go);
    for (const auto& it : g.items)
      for (const auto& r : it.runs) {
        if (r.config == "build") {
          // Nothing to explore: the submission does not build.
          res.build_problem = r.evidence;
          res.build_verdict = r.v;
          res.totals.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0);
          return res;
        }
        if (r.v == verdict::skipped) continue;  // a follow-up not attempted: nothing to explore
        ++res.totals.schedules;
        if (r.v == verdict::passed) continue;
        ++res.totals.failures_by_verdict[to_string(r.v)];
        // One entry per cause (the first run that showed it), counted.
        const cause c = cause_of(r);
        if (const auto k = kept.find(c.key); k != kept.end()) {
          stress_failure& f = res.failures[k->second];
          ++f.count;
          if (std::find(f.items.begin(), f.items.end(), it.item.id) == f.items.end()) f.items.push_back(it.item.id);
          continue;
        }
        kept.emplace(c.key, res.failures.size());
        res.failures.push_back({it.item.id, r.config.rfind("par", 0) == 0 ? 0 : seed, r, c.headline, 1, {it.item.id}});
      }
    ++res.totals.seeds;
    res.totals.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0);
    if (on_round) on_round(res.totals);
  }
  return res;
}

}  // namespace gograde
