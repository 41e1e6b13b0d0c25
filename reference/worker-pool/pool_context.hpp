#pragma once
// Reference for the follow-up: the first error cancels the context every
// job gets; no job starts after that; RunAll returns once every fiber it
// started has ended.
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/error.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

using WorkE = std::function<std::pair<int, gox::error>(gox::context::Context, int)>;

struct RunResult {
  std::vector<int> results;  // of the jobs that succeeded before any error
  gox::error err;            // the first error, or the parent context's
};

inline RunResult RunAll(gox::context::Context parent, int workers, const std::vector<int>& jobs, const WorkE& work) {
  auto [ctx, cancel] = gox::context::WithCancel(parent);
  auto jobch = gox::make_chan<int>();
  gox::Mutex mu;  // guards r
  RunResult r;
  gox::WaitGroup wg;
  for (int w = 0; w < workers; ++w) {
    wg.Add(1);
    gox::go(
        [&, ctx = ctx, cancel = cancel] {
          for (int j : jobch) {
            if (ctx.Err()) continue;  // cancelled: start nothing more, let the feeder finish
            auto [v, err] = work(ctx, j);
            std::lock_guard g(mu);
            if (err && !r.err) {
              r.err = err;  // the first error; the worker that saw it cancels at once
              cancel();
            } else if (!err && !r.err) {
              r.results.push_back(v);
            }
          }
          wg.Done();
        },
        "worker");
  }
  gox::go(
      [&, ctx = ctx] {
        for (int j : jobs) {
          bool stop = false;
          gox::select(gox::send_case(jobch, j, [] {}), gox::recv_case(ctx.Done(), [&] { stop = true; }));
          if (stop) break;
        }
        jobch.close();
      },
      "feeder");
  wg.Wait();  // the workers end after the feeder has closed jobch
  cancel();
  if (!r.err && parent.Err()) r.err = parent.Err();
  return r;
}
