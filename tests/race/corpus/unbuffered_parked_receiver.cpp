// Edge: an unbuffered hand-off orders only its matched pair. A receiver that
// parked on the channel and was served by another sender is not ordered
// before a later hand-off between two other fibers on that channel (Go's
// racesync). Racy: a second sender serves main, so main's read is ordered
// after that sender only; clean: the parked receiver sends to main itself.
// (The sleeps only make the receiver park first; they order nothing.)
#include "corpus.hpp"
using corpus::racy;
namespace t = gox::time;

long x = 0;

void corpus_main() {
  auto ch = gox::make_chan<int>();
  gox::go([ch] {
    x = 1;  // RACE
    ch.recv();  // parks: nobody sends yet
    if (!racy) ch.send(2);
  }, "parked receiver");
  t::Sleep(50 * t::Millisecond);
  gox::go([ch] { ch.send(1); }, "first sender");  // served by the parked receiver
  t::Sleep(50 * t::Millisecond);
  if (racy) gox::go([ch] { ch.send(2); }, "second sender");
  ch.recv();
  corpus::observe(x);  // RACE
}
CORPUS_MAIN
