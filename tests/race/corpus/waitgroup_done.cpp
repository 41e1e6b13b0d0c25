// Edge: WaitGroup.Done happens before the Wait it releases returns. Racy: the
// worker calls Done before storing its result.
#include "corpus.hpp"
using corpus::racy;

long results[4];

void corpus_main() {
  gox::WaitGroup wg;
  for (int w = 0; w < 4; ++w) {
    wg.Add(1);
    gox::go([&wg, w] {
      if (racy) wg.Done();
      results[w] = w * w;  // RACE
      if (!racy) wg.Done();
    });
  }
  wg.Wait();
  long sum = 0;
  for (long r : results) sum += r;  // RACE
  corpus::observe(sum);
}
CORPUS_MAIN
