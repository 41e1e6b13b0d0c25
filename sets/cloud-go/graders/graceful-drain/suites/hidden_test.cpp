// Hidden tests for Serve, drive half, in virtual time: jobs in a buffered
// channel, a process that takes each job's time unless its context is
// cancelled first, and the notice as a context cancelled at an exact instant.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "drain.hpp"
#include "gograde/check.hpp"
#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

namespace {

using gograde::check::ms_since;
using gograde::check::observe;

struct record {
  gox::Mutex mu;
  gox::time::Time t0 = gox::time::Now();
  std::map<std::string, long> started, returned;
  int running = 0, most = 0;
};

// The process handed to Serve (owning the record: a wrong answer may call it
// after the test).
Process processor(std::shared_ptr<record> r) {
  return [r](gox::context::Context ctx, const Job& j) -> gox::error {
    const std::string id = std::to_string(j.id);
    {
      std::lock_guard g(r->mu);
      r->started[id] = ms_since(r->t0);
      if (++r->running > r->most) r->most = r->running;
    }
    gox::error err;
    gox::time::Timer t = gox::time::NewTimer(j.work);
    gox::select(gox::recv_case(t.C, [](gox::time::Time) {}),
                gox::recv_case(ctx.Done(), [&](gox::context::empty) { err = ctx.Err(); }));
    t.Stop();
    std::lock_guard g(r->mu);
    r->returned[id] = ms_since(r->t0);
    --r->running;
    return err;
  };
}

void play(const nlohmann::json& c) {
  gograde::check::run(
      [&] {
        auto r = std::make_shared<record>();
        const auto work = c.at("work_ms").get<std::vector<long>>();
        auto jobs = gox::make_chan<Job>(work.size() + 1);
        for (std::size_t i = 0; i < work.size(); ++i) jobs.send(Job{static_cast<int>(i) + 1, gox::time::Millisecond * work[i]});
        if (c.at("closed").get<bool>()) jobs.close();
        const long notice_ms = c.at("notice_ms");
        auto [notice, cancel] = notice_ms < 0 ? gox::context::WithCancel(gox::context::Background())
                                              : gox::context::WithTimeout(gox::context::Background(),
                                                                          gox::time::Millisecond * notice_ms);
        const Drained d = Serve(notice, jobs, c.at("workers").get<int>(),
                                gox::time::Millisecond * c.at("grace_ms").get<long>(), processor(r));
        const long at = ms_since(r->t0);
        cancel();
        std::lock_guard g(r->mu);
        observe(c.at("key").get<std::string>(), {{"finished", d.finished},
                                                 {"interrupted", d.interrupted},
                                                 {"not started", d.not_started},
                                                 {"returned at ms", at},
                                                 {"running at return", r->running},
                                                 {"started", r->started}});
      },
      gograde::check::virtual_time);
}

void cases(const std::string& test) {
  for (const auto& c : gograde::check::input("cases"))
    if (c.at("test") == test) play(c);
}

}  // namespace

TEST_CASE("Without a notice every job runs and Serve returns when the channel is done", "[complete]") { cases("complete"); }

TEST_CASE("No job is taken after the notice; queued jobs are requeued", "[stop-taking]") { cases("stop-taking"); }

TEST_CASE("In-flight jobs get the grace period, then are interrupted", "[deadline]") { cases("deadline"); }

TEST_CASE("Idle workers stop at the notice", "[idle]") { cases("idle"); }

TEST_CASE("Concurrent workers on explored schedules", "[concurrent]") { cases("concurrent"); }
