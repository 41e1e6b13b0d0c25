#pragma once
// An honest alternative: the grace deadline is a timer (AfterFunc) started at
// the notice by a watcher fiber, workers stop taking jobs by checking the
// notice first, results kept per worker and merged at the end. Must get full
// marks.
#include <algorithm>
#include <functional>
#include <memory>
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
  const gox::context::WithCancelResult work = gox::context::WithCancel(gox::context::Background());
  std::vector<Drained> per(static_cast<std::size_t>(workers));
  gox::WaitGroup wg;
  for (int w = 0; w < workers; ++w) {
    wg.Add(1);
    gox::go([&, w] {
      Drained& mine = per[static_cast<std::size_t>(w)];
      while (!notice.Err()) {
        Job j{};
        bool got = false, closed = false;
        gox::select(gox::recv_case(jobs,
                                   [&](Job v, bool ok) {
                                     got = ok;
                                     closed = !ok;
                                     j = v;
                                   }),
                    gox::recv_case(notice.Done(), [](gox::context::empty) {}));
        if (closed) break;
        if (!got) continue;
        if (notice.Err()) {
          mine.not_started.push_back(j.id);
          break;
        }
        (process(work.ctx, j) ? mine.interrupted : mine.finished).push_back(j.id);
      }
      wg.Done();
    });
  }
  // The watcher: at the notice, arm the deadline; it ends when the workers do.
  auto over = gox::make_chan<int>(), watcher_done = gox::make_chan<int>();
  gox::go([&] {
    gox::select(gox::recv_case(notice.Done(), [&](gox::context::empty) {
                  gox::time::Timer t = gox::time::AfterFunc(grace, work.cancel);
                  (void)over.recv2();
                  t.Stop();
                }),
                gox::recv_case(over, [](int, bool) {}));
    watcher_done.close();
  });
  wg.Wait();
  over.close();
  (void)watcher_done.recv2();  // the watcher uses this frame: wait for it
  work.cancel();
  Drained d;
  for (const auto& p : per) {
    d.finished.insert(d.finished.end(), p.finished.begin(), p.finished.end());
    d.interrupted.insert(d.interrupted.end(), p.interrupted.begin(), p.interrupted.end());
    d.not_started.insert(d.not_started.end(), p.not_started.begin(), p.not_started.end());
  }
  for (;;) {
    bool more = false;
    gox::select(gox::recv_case(jobs,
                               [&](Job v, bool ok) {
                                 if (ok) d.not_started.push_back(v.id);
                                 more = ok;
                               }),
                gox::default_case([] {}));
    if (!more) break;
  }
  for (auto* v : {&d.finished, &d.interrupted, &d.not_started}) std::sort(v->begin(), v->end());
  return d;
}
