#pragma once
// Reference: workers select on the jobs and the notice; the jobs' own
// context is cancelled only at notice + grace; what is left in the channel
// is requeued.
#include <algorithm>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/error.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

struct Job {
  int id;
  gox::time::Duration work;
};

struct Drained {
  std::vector<int> finished, interrupted, not_started;
};

using Process = std::function<gox::error(gox::context::Context, const Job&)>;

inline Drained Serve(gox::context::Context notice, gox::recv_chan<Job> jobs, int workers, gox::time::Duration grace,
                     const Process& process) {
  // (Not structured bindings: clang 14 lets no lambda capture those.)
  const gox::context::WithCancelResult jobs_ctx = gox::context::WithCancel(gox::context::Background());
  const gox::context::Context& job_ctx = jobs_ctx.ctx;
  const auto& cancel_jobs = jobs_ctx.cancel;
  gox::Mutex mu;
  Drained d;
  gox::WaitGroup wg;
  for (int w = 0; w < workers; ++w) {
    wg.Add(1);
    gox::go(
        [&] {
          for (;;) {
            std::optional<Job> j;
            bool stop = false;
            gox::select(gox::recv_case(notice.Done(), [&](gox::context::empty) { stop = true; }),
                        gox::recv_case(jobs, [&](Job v, bool ok) {
                          if (ok) j = v;
                          else stop = true;
                        }));
            if (stop) break;
            if (notice.Err()) {  // both were ready: the notice wins
              std::lock_guard g(mu);
              d.not_started.push_back(j->id);
              break;
            }
            const gox::error err = process(job_ctx, *j);
            std::lock_guard g(mu);
            (err ? d.interrupted : d.finished).push_back(j->id);
          }
          wg.Done();
        },
        "worker");
  }
  auto all = gox::make_chan<gox::context::empty>();
  gox::go(
      [&] {
        wg.Wait();
        all.close();
      },
      "closer");
  gox::select(gox::recv_case(all, [](gox::context::empty) {}), gox::recv_case(notice.Done(), [&](gox::context::empty) {
                gox::time::Timer deadline = gox::time::NewTimer(grace);
                gox::select(gox::recv_case(all, [](gox::context::empty) {}),
                            gox::recv_case(deadline.C, [&](gox::time::Time) {
                              (void)all.recv();  // "never interrupt a job: wait for it"
                            }));
                deadline.Stop();
              }));
  cancel_jobs();
  for (bool more = true; more;)  // requeue what nobody took
    gox::select(gox::recv_case(jobs,
                               [&](Job v, bool ok) {
                                 if (ok) d.not_started.push_back(v.id);
                                 else more = false;
                               }),
                gox::default_case([&] { more = false; }));
  for (auto* v : {&d.finished, &d.interrupted, &d.not_started}) std::sort(v->begin(), v->end());
  return d;
}
