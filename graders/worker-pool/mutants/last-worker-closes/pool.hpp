#pragma once
#include <atomic>
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

// No closer fiber: the last worker out closes the results.
inline gox::recv_chan<int> Pool(int workers, gox::recv_chan<int> jobs, Work work) {
  auto results = gox::make_chan<int>();
  auto left = std::make_shared<std::atomic<int>>(workers);
  auto w = std::make_shared<Work>(std::move(work));
  for (int id = 1; id <= workers; ++id) {
    gox::go(
        [=] {
          for (int j : jobs) results.send((*w)(j));
          left->fetch_sub(1);
          if (left->load() == 0) results.close();  // "am I the last?" asked after the decrement
        },
        "worker");
  }
  return results;
}
