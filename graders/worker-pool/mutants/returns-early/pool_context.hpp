#pragma once
// Follow-up mutant: results and errors on one unbuffered channel; RunAll
// stops reading at the first error and returns. Workers still holding a
// result block on the send forever.
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/error.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

using WorkE = std::function<std::pair<int, gox::error>(gox::context::Context, int)>;

struct RunResult {
  std::vector<int> results;
  gox::error err;
};

struct outcome {
  int value = 0;
  gox::error err;
};

inline RunResult RunAll(gox::context::Context parent, int workers, const std::vector<int>& jobs, const WorkE& work) {
  auto [ctx, cancel] = gox::context::WithCancel(parent);
  auto jobch = gox::make_chan<int>(jobs.size());
  for (int j : jobs) jobch.send(j);
  jobch.close();
  auto results = gox::make_chan<outcome>();
  auto wg = std::make_shared<gox::WaitGroup>();
  auto w = std::make_shared<WorkE>(work);
  for (int i = 0; i < workers; ++i) {
    wg->Add(1);
    gox::go(
        [=, ctx = ctx] {
          for (int j : jobch) {
            auto [v, err] = (*w)(ctx, j);
            results.send({v, err});
          }
          wg->Done();
        },
        "worker");
  }
  gox::go(
      [=] {
        wg->Wait();
        results.close();
      },
      "closer");
  RunResult r;
  for (const outcome& o : results) {
    if (o.err) {
      r.err = o.err;
      cancel();
      return r;  // the other workers' sends now block forever
    }
    r.results.push_back(o.value);
  }
  cancel();
  return r;
}
