// Edge: a select parked on several unbuffered channels is ordered only with
// the case it is taken through. A case not taken orders nothing: a later
// hand-off on that channel between two other fibers is not ordered after the
// select's fiber (Go's racesync). Racy: another sender serves main on the
// channel the select did not take; clean: the select's fiber sends it.
// (The sleeps only make the select park first; they order nothing.)
#include "corpus.hpp"
using corpus::racy;
namespace t = gox::time;

long x = 0;

void corpus_main() {
  auto a = gox::make_chan<int>();
  auto b = gox::make_chan<int>();
  gox::go([a, b] {
    x = 1;  // RACE
    gox::select(gox::recv_case(a, [](int) {}), gox::recv_case(b, [](int) {}));  // parks on both
    if (!racy) b.send(2);
  }, "selector");
  t::Sleep(50 * t::Millisecond);
  gox::go([a] { a.send(1); }, "sender on a");  // the select is taken through a
  t::Sleep(50 * t::Millisecond);
  if (racy) gox::go([b] { b.send(2); }, "sender on b");
  b.recv();
  corpus::observe(x);  // RACE
}
CORPUS_MAIN
