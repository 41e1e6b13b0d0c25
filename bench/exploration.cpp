// bench/exploration: how many runs each way of scheduling needs before a
// concurrency bug shows, on small programs whose bug needs one or more
// preemptions at the wrong place (the kinds an answer to the exercises gets
// wrong). Compiled as an exploration program (gograde_explore): every atomic
// operation and memory access is a scheduling point of the deterministic
// scheduler.
//
// For each bug and each policy: runs until the first failure, seed after
// seed, from 9 different starting seeds; the median and the worst of those 9,
// and the wall time of all of them. Policies:
//   random   the deterministic scheduler's random walk (gox's default)
//   pct:dN   PCT with depth N, k = the median steps of a random-walk run
//   par      today's real-parallelism check: the parallel scheduler on 2
//            threads, no exploration (what the threaded runs rely on)
// A run that has not failed after kCap runs counts as "> kCap".
//
//   dfs      bounded exhaustive search (gox::explore_all): its lockstep
//            schedule, then depth first, at most 2 preemptions: the runs
//            until the first failure, or "none in all N" when every such
//            schedule ran without one
//
//   bench/exploration [--markdown] [--no-par] [--only BUG]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

namespace {

constexpr int kCap = 2000;
constexpr int kTrials = 9;

// Each bug: runs its program under `c`; true when the bug showed.
struct bug {
  const char* name;
  const char* what;
  std::function<void(bool&)> body;  // sets its argument when the bug shows
  bool run(const gox::config& c) const;
};

std::uint64_t last_steps = 0;  // of the last run: scheduling decisions

bool bug::run(const gox::config& c) const {
  bool bad = false;
  const gox::run_result r = gox::run(c, [&] { body(bad); });
  last_steps = r.steps;
  return bad || !r.ok();
}

// Two fibers each add 20 with a load then a store.
void lost_update(bool& bad) {
    std::atomic<long> v{0};
    gox::WaitGroup wg;
    for (int f = 0; f < 2; ++f) {
      wg.Add(1);
      gox::go([&] {
        for (int i = 0; i < 20; ++i) v.store(v.load() + 1);
        wg.Done();
      });
    }
    wg.Wait();
    bad = v.load() != 40;
}

// A spin lock that checks, then takes: both fibers may pass the check.
void check_then_act(bool& bad) {
    std::atomic<bool> locked{false};
    std::atomic<int> inside{0};
    gox::WaitGroup wg;
    for (int f = 0; f < 2; ++f) {
      wg.Add(1);
      gox::go([&] {
        for (int i = 0; i < 3; ++i) {
          while (locked.load()) gox::yield();
          locked.store(true);
          if (inside.fetch_add(1) != 0) bad = true;
          inside.fetch_sub(1);
          locked.store(false);
        }
        wg.Done();
      });
    }
    wg.Wait();
}

// Striped counter: Inc and Dec hit different stripes, Value sums them one by
// one; a reader must never see a total below 0.
void striped_sum(bool& bad) {
    std::atomic<long> stripes[4] = {};
    std::atomic<unsigned> next{0};
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {
      for (int i = 0; i < 10; ++i) {
        stripes[next.fetch_add(1) % 4].fetch_add(1);
        stripes[next.fetch_add(1) % 4].fetch_sub(1);
      }
      wg.Done();
    });
    gox::go([&] {
      for (int i = 0; i < 10; ++i) {
        long sum = 0;
        for (auto& s : stripes) sum += s.load();
        if (sum < 0 || sum > 1) bad = true;
      }
      wg.Done();
    });
    wg.Wait();
}

// A flag published before the buffer it announces.
void flag_before_buffer(bool& bad) {
    std::atomic<bool> ready{false};
    std::atomic<int> buf{0};
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {
      for (int i = 0; i < 5; ++i) (void)buf.load();  // some work first
      ready.store(true);
      buf.store(42);
      wg.Done();
    });
    gox::go([&] {
      for (int i = 0; i < 10; ++i)
        if (ready.load() && buf.load() != 42) bad = true;
      wg.Done();
    });
    wg.Wait();
}

// Three workers; the one that finds the count at 0 after its own decrement
// closes the results: two may both see 0 and close twice (a panic).
void last_worker_closes(bool&) {
    auto results = gox::make_chan<int>(16);
    std::atomic<int> left{3};
    for (int w = 0; w < 3; ++w)
      gox::go([&, w] {
        for (int j = 0; j < 3; ++j) results.send(w * 10 + j);
        left.fetch_sub(1);
        if (left.load() == 0) results.close();
      });
    for (int r : results) (void)r;
}

// Depth 2, and deep for a random walk: the checker must look once before the
// writer starts and once after all 100 of its steps, two of its own steps
// apart.
void long_window(bool& bad) {
    std::atomic<int> a{0};
    gox::WaitGroup wg;
    wg.Add(2);
    gox::go([&] {
      for (int i = 0; i < 100; ++i) a.fetch_add(1);
      wg.Done();
    });
    gox::go([&] {
      if (a.load() == 0 && a.load() == 100) bad = true;
      wg.Done();
    });
    wg.Wait();
}

struct measured {
  std::vector<int> runs;  // per trial, kCap + 1 when never failed
  double seconds = 0;
};

measured measure(const bug& b, const std::function<gox::config(std::uint64_t)>& cfg) {
  measured m;
  const auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < kTrials; ++t) {
    int n = 1;
    for (; n <= kCap; ++n)
      if (b.run(cfg(static_cast<std::uint64_t>(t) * 100000 + static_cast<std::uint64_t>(n)))) break;
    m.runs.push_back(n);
  }
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(m.runs.begin(), m.runs.end());
  return m;
}

std::string cell(const measured& m) {
  if (m.runs.empty()) return "not run";
  auto show = [](int n) { return n > kCap ? "> " + std::to_string(kCap) : std::to_string(n); };
  return show(m.runs[m.runs.size() / 2]) + " (" + show(m.runs.back()) + "), " +
         std::to_string(static_cast<long>(m.seconds * 1000)) + " ms";
}

}  // namespace

int main(int argc, char** argv) {
  bool markdown = false, with_par = true;
  const char* only = nullptr;  // --only NAME: that bug alone
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
    if (std::strcmp(argv[i], "--markdown") == 0) markdown = true;
    if (std::strcmp(argv[i], "--no-par") == 0) with_par = false;  // the slow column
  }
  const std::vector<bug> bugs0 = {
      {"lost-update", "load then store, 2 fibers x 20", lost_update},
      {"check-then-act", "spin lock: check, then take", check_then_act},
      {"striped-sum", "Value sums stripes one by one", striped_sum},
      {"flag-before-buffer", "ready stored before the data", flag_before_buffer},
      {"last-worker-closes", "decrement, then load to ask 'last?'", last_worker_closes},
      {"long-window", "look before and after 100 steps of another", long_window},
  };
  std::vector<bug> bugs;
  for (const bug& b : bugs0)
    if (!only || std::strcmp(only, b.name) == 0) bugs.push_back(b);
  if (bugs.empty()) {
    std::fprintf(stderr, "exploration: no bug named %s\n", only);
    return 2;
  }
  auto det = [](std::uint64_t seed) {
    gox::config c;
    c.seed = seed;
    c.explore = gox::explore_kind::accesses;
    return c;
  };
  const char* header[] = {"bug", "steps", "random", "pct:d1", "pct:d2", "pct:d3", "dfs (<= 2 preemptions)",
                          "par (2 threads)"};
  if (markdown) {
    std::printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|---|---|\n", header[0],
                header[1], header[2], header[3], header[4], header[5], header[6], header[7]);
  } else {
    std::printf("runs until the first failure: median (worst) of %d starting seeds, and the wall time of all\n",
                kTrials);
  }
  for (const bug& b : bugs) {
    // k for PCT: the steps of a typical run (the median of 5 random walks).
    std::vector<std::uint64_t> steps;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      (void)b.run(det(seed));
      steps.push_back(last_steps);
    }
    std::sort(steps.begin(), steps.end());
    const std::uint64_t k = std::max<std::uint64_t>(steps[2], 1);
    auto pct = [&det, k](int d) {
      return [&det, k, d](std::uint64_t seed) {
        gox::config c = det(seed);
        c.policy = gox::policy_kind::pct;
        c.pct_depth = d;
        c.pct_steps = k;
        return c;
      };
    };
    auto par = [](std::uint64_t) {
      gox::config c;
      c.sched = gox::sched_kind::parallel;
      c.threads = 2;
      return c;
    };
    const measured rnd = measure(b, det), p1 = measure(b, pct(1)), p2 = measure(b, pct(2)), p3 = measure(b, pct(3)),
                   pa = with_par ? measure(b, par) : measured{};
    // Depth first, at most 2 preemptions: one search (it has no seed).
    const auto t0 = std::chrono::steady_clock::now();
    const gox::exploration ex = gox::explore_all(det(1), [&b] {
      bool bad = false;
      b.body(bad);
      return bad;
    }, 2, kCap);
    const double dfs_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const std::string dfs_cell = (ex.found ? std::to_string(ex.runs)
                                  : ex.complete ? "none in all " + std::to_string(ex.runs)
                                                : "> " + std::to_string(kCap)) +
                                 ", " + std::to_string(static_cast<long>(dfs_ms)) + " ms";
    if (markdown)
      std::printf("| %s (%s) | %llu | %s | %s | %s | %s | %s | %s |\n", b.name, b.what,
                  static_cast<unsigned long long>(k), cell(rnd).c_str(), cell(p1).c_str(), cell(p2).c_str(),
                  cell(p3).c_str(), dfs_cell.c_str(), cell(pa).c_str());
    else
      std::printf("%-20s random %-26s pct:d1 %-26s pct:d2 %-26s pct:d3 %-26s dfs %-22s par %s\n", b.name,
                  cell(rnd).c_str(), cell(p1).c_str(), cell(p2).c_str(), cell(p3).c_str(), dfs_cell.c_str(),
                  cell(pa).c_str());
    std::fflush(stdout);
  }
  return 0;
}
