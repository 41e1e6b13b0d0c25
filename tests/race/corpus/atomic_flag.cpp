// Edge: a store to an atomic flag happens before the load that sees it set.
// Racy: the data is written after the flag is raised.
#include "corpus.hpp"
using corpus::racy;

gox::atomic<bool> ready;
long payload = 0;

void corpus_main() {
  gox::WaitGroup wg;
  wg.Add(1);
  gox::go([&wg] {
    while (!ready.Load()) gox::yield();
    corpus::observe(payload);  // RACE
    wg.Done();
  });
  if (!racy) payload = 7;
  ready.Store(true);
  if (racy) payload = 7;  // RACE
  wg.Wait();
}
CORPUS_MAIN
