#pragma once
// Reference: the seed's worker, and the driver around it that closes the
// results once every worker is done (on its own fiber, so an unbuffered
// results channel cannot deadlock).
#include <functional>
#include <memory>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

using Work = std::function<int(int)>;

inline void worker(int id, gox::recv_chan<int> jobs, gox::send_chan<int> results, gox::WaitGroup& wg,
                   const Work& work) {
  (void)id;
  for (int j : jobs) results.send(work(j));
  wg.Done();
}

inline gox::recv_chan<int> Pool(int workers, gox::recv_chan<int> jobs, Work work) {
  auto results = gox::make_chan<int>();
  auto wg = std::make_shared<gox::WaitGroup>();
  auto w = std::make_shared<Work>(std::move(work));
  for (int id = 1; id <= workers; ++id) {
    wg->Add(1);
    gox::go([=] { worker(id, jobs, results, *wg, *w); }, "worker");
  }
  wg->Wait();
  results.close();
  return results;
}
