// Classic mistake: the goroutine captures the loop variable by reference
// (Go before 1.22: one variable shared by every iteration).
#include "corpus.hpp"
using corpus::racy;

// The loop's increment, out of line: at -O1 the compiler keeps no line for
// an increment on the loop's back edge, and the report would lose it.
[[gnu::noinline]] void next(int& i) {
  i++;  // RACE
}

void corpus_main() {
  gox::WaitGroup wg;
  long seen[3] = {};
  int i;  // one variable for the whole loop, as in Go before 1.22
  for (i = 0; i < 3;) {
    wg.Add(1);
    if (racy) {
      gox::go([&wg, &seen, &i] {
        corpus::observe(i);  // RACE
        wg.Done();
      });
    } else {
      gox::go([&wg, &seen, i] {
        seen[i] = i;
        wg.Done();
      });
    }
    next(i);
  }
  wg.Wait();
  corpus::observe(seen[0] + seen[1] + seen[2]);
}
CORPUS_MAIN
