// Edge: a send on an unbuffered channel happens before the matching receive
// completes. Racy: the sender writes after sending.
#include "corpus.hpp"
using corpus::racy;

int x = 0;

void corpus_main() {
  auto ch = gox::make_chan<int>();
  gox::go([ch] {
    if (!racy) x = 1;
    ch.send(1);
    if (racy) x = 1;  // RACE
  });
  ch.recv();
  corpus::observe(x);  // RACE
}
CORPUS_MAIN
