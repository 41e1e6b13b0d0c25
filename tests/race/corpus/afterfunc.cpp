// Edge: arming a timer happens before its function runs (time.AfterFunc).
// Racy: the state the function reads is written after arming.
#include "corpus.hpp"
using corpus::racy;
namespace t = gox::time;

long limit = 0;

void corpus_main() {
  auto done = gox::make_chan<int>();
  if (!racy) limit = 5;
  t::AfterFunc(t::Millisecond, [done] {
    corpus::observe(limit);  // RACE
    done.close();
  });
  if (racy) limit = 5;  // RACE
  done.recv2();
}
CORPUS_MAIN
