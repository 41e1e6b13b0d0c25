// Edge: close before the end of a range loop over the channel. The producer
// counts what it sent in a shared total. Racy: it updates the total after
// closing.
#include "corpus.hpp"
using corpus::racy;

long total = 0;

void corpus_main() {
  auto ch = gox::make_chan<int>(4);
  gox::go([ch] {
    for (int i = 1; i <= 8; ++i) ch.send(i);
    if (!racy) total = 8;
    ch.close();
    if (racy) total = 8;  // RACE
  });
  long sum = 0;
  for (int v : ch) sum += v;
  corpus::observe(sum + total);  // RACE
}
CORPUS_MAIN
