// Go reports a send that may run concurrently with close of the same channel
// (and it may panic). Clean: close only after every sender is done.
#include "corpus.hpp"
using corpus::racy;

void corpus_main() {
  auto results = gox::make_chan<int>(8);
  gox::WaitGroup wg;
  for (int w = 0; w < 2; ++w) {
    wg.Add(1);
    gox::go([&wg, results, w] {
      results.send(w);  // RACE
      wg.Done();
    });
  }
  if (!racy) wg.Wait();
  results.close();  // RACE
  if (racy) wg.Wait();
}
CORPUS_MAIN
