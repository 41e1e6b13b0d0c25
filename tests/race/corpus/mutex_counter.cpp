// Edge: Unlock happens before the next Lock. Classic mistake: a counter
// incremented by several fibers without the lock.
#include "corpus.hpp"
using corpus::racy;

gox::Mutex mu;
long counter = 0;

void corpus_main() {
  gox::WaitGroup wg;
  for (int w = 0; w < 4; ++w) {
    wg.Add(1);
    gox::go([&wg] {
      for (int i = 0; i < 50; ++i) {
        if (!racy) mu.Lock();
        counter++;  // RACE
        if (!racy) mu.Unlock();
        gox::yield();
      }
      wg.Done();
    });
  }
  wg.Wait();
  corpus::observe(counter);
}
CORPUS_MAIN
