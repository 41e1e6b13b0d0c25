// Edge: a send on a buffered channel happens before the receive of that value
// completes. Racy: the producer writes after sending.
#include "corpus.hpp"
using corpus::racy;

int x = 0;

void corpus_main() {
  auto ch = gox::make_chan<int>(10);
  gox::go([ch] {
    if (!racy) x = 1;
    ch.send(1);
    if (racy) x = 1;  // RACE
  });
  ch.recv();
  corpus::observe(x);  // RACE
}
CORPUS_MAIN
