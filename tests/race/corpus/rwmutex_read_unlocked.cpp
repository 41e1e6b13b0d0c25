// Edges: RWMutex Unlock happens before the next RLock, RUnlock before the next
// Lock. Racy: the reader reads without RLock.
#include "corpus.hpp"
using corpus::racy;

gox::RWMutex mu;
long config_version = 0;

void corpus_main() {
  gox::WaitGroup wg;
  wg.Add(2);
  gox::go([&wg] {
    for (int i = 0; i < 10; ++i) {
      mu.Lock();
      config_version++;  // RACE
      mu.Unlock();
      gox::yield();
    }
    wg.Done();
  });
  gox::go([&wg] {
    for (int i = 0; i < 10; ++i) {
      if (!racy) mu.RLock();
      corpus::observe(config_version);  // RACE
      if (!racy) mu.RUnlock();
      gox::yield();
    }
    wg.Done();
  });
  wg.Wait();
}
CORPUS_MAIN
