#pragma once
// Graceful drain: see README.md.
#include <functional>
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
  (void)notice;
  (void)workers;
  (void)grace;
  Drained d;
  for (const Job& j : jobs) {  // TODO: workers, the notice, the grace period
    if (process(gox::context::Background(), j)) d.interrupted.push_back(j.id);
    else d.finished.push_back(j.id);
  }
  return d;
}
