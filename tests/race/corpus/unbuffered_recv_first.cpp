// Edge: a receive from an unbuffered channel happens before the matching
// send completes. Racy: the channel has capacity 1, so the send completes
// without waiting for the receive.
#include "corpus.hpp"
using corpus::racy;

int x = 0;

void corpus_main() {
  auto ch = gox::make_chan<int>(racy ? 1 : 0);
  auto done = gox::make_chan<int>();
  gox::go([ch, done] {
    x = 1;  // RACE
    ch.recv();
    done.recv();
  });
  ch.send(1);
  corpus::observe(x);  // RACE
  done.send(0);
}
CORPUS_MAIN
