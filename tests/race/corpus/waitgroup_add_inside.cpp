// Classic mistake: WaitGroup.Add inside the goroutine, so Wait may return
// before the workers have even registered. Reported as Go reports it: the
// Add races with the Wait (group "wg"), or the results race with their
// reader (group "data"), or both, depending on the schedule.
#include "corpus.hpp"
using corpus::racy;

long results[4];

void corpus_main() {
  gox::WaitGroup wg;
  for (int w = 0; w < 4; ++w) {
    if (!racy) wg.Add(1);
    gox::go([&wg, w] {
      if (racy) wg.Add(1);  // RACE:wg
      results[w] = w + 1;  // RACE:data
      wg.Done();
    });
  }
  wg.Wait();  // RACE:wg
  long sum = 0;
  for (long r : results) sum += r;  // RACE:data
  corpus::observe(sum);
}
CORPUS_MAIN
