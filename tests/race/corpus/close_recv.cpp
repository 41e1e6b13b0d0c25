// Edge: closing a channel happens before a receive that returns because the
// channel is closed. Racy: the closer writes after closing.
#include "corpus.hpp"
using corpus::racy;

int x = 0;

void corpus_main() {
  auto done = gox::make_chan<int>();
  gox::go([done] {
    if (!racy) x = 1;
    done.close();
    if (racy) x = 1;  // RACE
  });
  done.recv2();
  corpus::observe(x);  // RACE
}
CORPUS_MAIN
