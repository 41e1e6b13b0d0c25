// Hidden tests for worker-pool, drive half: runs the pool and observes what
// it did from the outside (calls per job, results, instants, what was in
// flight). hidden_judge.cpp decides. Workers record; the main fiber observes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "cases.hpp"
#include "gograde/check.hpp"
#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"
#include "pool.hpp"

namespace {

using gograde::check::observe;

// Counts calls per job and the most jobs ever in flight at once. Owned by
// the work functions it hands out, as a Go closure keeps what it uses alive:
// a worker the pool leaves running after the test's main has returned still
// finds it.
struct observer : std::enable_shared_from_this<observer> {
  std::mutex mu;
  std::map<int, int> calls;
  int in_flight = 0, most = 0, finished = 0;
  Work work(long job_ms) {
    return [this, self = shared_from_this(), job_ms](int j) {
      {
        std::lock_guard g(mu);
        ++calls[j];
        most = std::max(most, ++in_flight);
      }
      if (job_ms > 0) gox::time::Sleep(job_ms * gox::time::Millisecond);
      std::lock_guard g(mu);
      --in_flight;
      ++finished;
      return j * 2;
    };
  }
};

std::vector<int> drain(gox::recv_chan<int> results) {
  std::vector<int> got;
  for (int r : results) got.push_back(r);
  std::sort(got.begin(), got.end());
  return got;
}

struct pool_input {
  std::string key;
  int workers;
  std::vector<int> jobs;
  long job_ms;
};

std::vector<pool_input> pool_inputs() {
  std::vector<pool_input> out;
  for (const auto& c : gograde::check::input("pool"))
    out.push_back({c.at("key"), c.at("workers"), c.at("jobs").get<std::vector<int>>(), c.at("job_ms")});
  return out;
}

}  // namespace

TEST_CASE("Every job processed exactly once, every result delivered", "[exactly-once]") {
  for (const auto& c : pool_inputs()) {
    gograde::check::run([&] {
      auto o = std::make_shared<observer>();
      const std::vector<int> got = drain(Pool(c.workers, closed_jobs(c.jobs), o->work(0)));
      nlohmann::json calls = nlohmann::json::array();
      for (const auto& [job, n] : o->calls) calls.push_back({job, n});
      observe(c.key, {{"results", got}, {"calls per job", calls}});
    });
  }
}

TEST_CASE("The results channel closes once, after every worker is done", "[close]") {
  gograde::check::run([] {
    auto o = std::make_shared<observer>();
    auto results = Pool(4, closed_jobs({1, 2, 3, 4, 5, 6, 7, 8, 9}), o->work(3));
    int n = 0;
    for (int r : results) {
      (void)r;
      ++n;
    }
    {
      std::lock_guard g(o->mu);
      observe("finished when results closed", o->finished);
      observe("in flight when results closed", o->in_flight);
    }
    observe("results received", n);
    auto [v, ok] = results.recv2();  // still closed, not closed twice
    observe("a receive after the close got a value", ok);
  });
}

// Workers that finish together: each has its one job's result ready before
// the reader takes any (the reader first waits, in virtual time, until both
// are parked on the send), so both finish in the same instant, and the
// exploration build interleaves their last steps every way its seeds reach (a
// "last worker closes" decided by a separate load closes twice there).
TEST_CASE("Workers finishing together close the results once", "[close-together]") {
  gograde::check::run(
      [] {
        auto results = Pool(2, closed_jobs({1, 2}), [](int j) { return j * 2; });
        gox::time::Sleep(gox::time::Millisecond);
        int n = 0;
        for (int r : results) {
          (void)r;
          ++n;
        }
        observe("results received", n);
        auto [v, ok] = results.recv2();
        observe("a receive after the close got a value", ok);
      },
      gograde::check::virtual_time);
}

TEST_CASE("worker: sends each job's result, then calls Done exactly once", "[worker]") {
  gograde::check::run([] {
    auto jobs = gox::make_chan<int>();
    auto results = gox::make_chan<int>();
    // Shared with the fibers: a worker that outlives the test still finds it.
    struct shared_state {
      gox::WaitGroup wg;
      bool returned = false, waited = false;
    };
    auto st = std::make_shared<shared_state>();
    gox::WaitGroup& wg = st->wg;
    wg.Add(1);
    gox::go(
        [st, jobs, results] {
          worker(7, jobs, results, st->wg, [](int j) { return j * 2; });
          st->returned = true;
        },
        "worker 7");
    std::vector<int> got;
    for (int j : {3, 1, 2}) {
      jobs.send(j);
      got.push_back(results.recv());
    }
    jobs.close();
    wg.Wait();  // returns only if Done was called
    wg.Add(1);  // a second, late Done would make this Wait return early...
    gox::go([st] { st->wg.Wait(); st->waited = true; }, "waiter");
    gox::time::Sleep(50 * gox::time::Millisecond);
    observe("a second Wait returned early", st->waited);  // ...so it must still be waiting
    wg.Done();
    gox::time::Sleep(50 * gox::time::Millisecond);
    observe("worker returned", st->returned);
    observe("results for jobs 3, 1, 2", got);
  }, virtual_time);
}

TEST_CASE("Workers run concurrently: exact elapsed time", "[concurrent]") {
  for (const auto& c : pool_inputs()) {
    gograde::check::run(
        [&] {
          auto o = std::make_shared<observer>();
          const auto t0 = gox::time::Now();
          const std::vector<int> got = drain(Pool(c.workers, closed_jobs(c.jobs), o->work(c.job_ms)));
          gograde::check::event("results closed", "caller");
          observe(c.key, {{"elapsed ms", ms_since(t0)}, {"results", got}, {"most at once", o->most}});
        },
        virtual_time);
  }
}

TEST_CASE("A slow reader of the unbuffered results: no deadlock, nothing lost", "[unbuffered]") {
  gograde::check::run([] {
    auto o = std::make_shared<observer>();
    auto results = Pool(3, closed_jobs({1, 2, 3, 4, 5, 6}), o->work(0));
    std::vector<int> got;
    for (int r : results) {
      gox::time::Sleep(20 * gox::time::Millisecond);  // workers wait on us
      got.push_back(r);
    }
    std::sort(got.begin(), got.end());
    observe("results", got);
  });
}

TEST_CASE("Jobs closed early or before any job: no hang", "[early-close]") {
  gograde::check::run([] {
    auto o = std::make_shared<observer>();
    observe("results of no job", drain(Pool(3, closed_jobs({}), o->work(0))));
    // A producer that stops after 3 of the jobs it meant to send.
    auto jobs = gox::make_chan<int>();
    gox::go(
        [jobs] {
          for (int j = 0; j < 3; ++j) jobs.send(j);
          jobs.close();
        },
        "producer");
    observe("results of jobs 0, 1, 2", drain(Pool(4, jobs, o->work(1))));
  });
}

TEST_CASE("Many jobs on many workers, real parallelism", "[stress]") {
  gograde::check::run([] {
    auto o = std::make_shared<observer>();
    std::vector<int> jobs(400);
    for (int i = 0; i < 400; ++i) jobs[static_cast<std::size_t>(i)] = i;
    auto ch = gox::make_chan<int>();
    gox::go(
        [ch, jobs] {
          for (int j : jobs) ch.send(j);
          ch.close();
        },
        "producer");
    observe("results of jobs 0..399", drain(Pool(8, ch, o->work(0))));
  });
}
