// Classic mistake: each worker locks its own Mutex (in Go, a Mutex copied by
// value or declared inside the goroutine), which excludes nobody.
#include "corpus.hpp"
using corpus::racy;

gox::Mutex shared_mu;
long hits = 0;

void corpus_main() {
  gox::WaitGroup wg;
  for (int w = 0; w < 3; ++w) {
    wg.Add(1);
    gox::go([&wg] {
      gox::Mutex own_mu;
      gox::Mutex& mu = racy ? own_mu : shared_mu;
      for (int i = 0; i < 20; ++i) {
        mu.Lock();
        hits++;  // RACE
        mu.Unlock();
        gox::yield();
      }
      wg.Done();
    });
  }
  wg.Wait();
  corpus::observe(hits);
}
CORPUS_MAIN
