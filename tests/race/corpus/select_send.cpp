// Edge: a select's send case is a send: it happens before the receive
// completes. Racy: the selecting fiber writes after its send.
#include "corpus.hpp"
using corpus::racy;

int x = 0;

void corpus_main() {
  auto ch = gox::make_chan<int>(1);
  auto quit = gox::make_chan<int>();
  gox::go([ch, quit] {
    if (!racy) x = 1;
    gox::select(gox::send_case(ch, 1, [] {}), gox::recv_case(quit, [](int) {}));
    if (racy) x = 1;  // RACE
  });
  ch.recv();
  corpus::observe(x);  // RACE
}
CORPUS_MAIN
