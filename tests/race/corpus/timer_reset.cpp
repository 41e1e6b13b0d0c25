// Edge: setting a timer (Reset) happens before the receive of its tick.
// Racy: the deadline's reason is written after the timer is re-armed.
#include "corpus.hpp"
using corpus::racy;
namespace t = gox::time;

long reason = 0;

void corpus_main() {
  t::Timer timer = t::NewTimer(t::Hour);
  auto done = gox::make_chan<int>();
  gox::go([timer, done] {
    timer.C.recv();
    corpus::observe(reason);  // RACE
    done.close();
  });
  timer.Stop();
  if (!racy) reason = 2;
  timer.Reset(t::Millisecond);
  if (racy) reason = 2;  // RACE
  done.recv2();
}
CORPUS_MAIN
