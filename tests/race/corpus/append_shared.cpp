// Classic mistake: several fibers append to one shared vector (Go: one slice)
// without a lock. Clean: the append is under a Mutex.
#include <vector>

#include "corpus.hpp"
using corpus::racy;

gox::Mutex mu;
std::vector<long> found;

void corpus_main() {
  found.reserve(64);  // no reallocation: the race is the append itself
  gox::WaitGroup wg;
  for (int w = 0; w < 3; ++w) {
    wg.Add(1);
    gox::go([&wg, w] {
      for (int i = 0; i < 5; ++i) {
        if (!racy) mu.Lock();
        found.push_back(w * 10 + i);  // RACE
        if (!racy) mu.Unlock();
        gox::yield();
      }
      wg.Done();
    });
  }
  wg.Wait();
  corpus::observe(static_cast<long>(found.size()));
}
CORPUS_MAIN
