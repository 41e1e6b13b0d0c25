// Edge: a select's receive case is a receive: the send happens before it.
// Racy: the sender writes after sending.
#include "corpus.hpp"
using corpus::racy;

int x = 0;

void corpus_main() {
  auto a = gox::make_chan<int>();
  auto b = gox::make_chan<int>();
  gox::go([a] {
    if (!racy) x = 1;
    a.send(1);
    if (racy) x = 1;  // RACE
  });
  int got = 0;
  gox::select(gox::recv_case(a, [&](int v) { got = v; }),
              gox::recv_case(b, [&](int v) { got = v; }));
  corpus::observe(got + x);  // RACE
}
CORPUS_MAIN
