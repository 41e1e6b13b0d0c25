// Classic mistake: writing under a read lock, which other readers share.
#include "corpus.hpp"
using corpus::racy;

gox::RWMutex mu;
long cache_size = 0;

void corpus_main() {
  gox::WaitGroup wg;
  for (int w = 0; w < 3; ++w) {
    wg.Add(1);
    gox::go([&wg] {
      for (int i = 0; i < 10; ++i) {
        if (racy) mu.RLock();
        else mu.Lock();
        cache_size++;  // RACE
        if (racy) mu.RUnlock();
        else mu.Unlock();
        gox::yield();
      }
      wg.Done();
    });
  }
  wg.Wait();
  corpus::observe(cache_size);
}
CORPUS_MAIN
