// Edge: an unbuffered hand-off orders only its matched pair. A sender that
// parked on the channel and was taken by another receiver is not ordered
// before a later hand-off between two other fibers on that channel (Go's
// racesync). Racy: main's send is taken by a second receiver, which reports
// back through another channel; clean: the parked sender's own receiver does.
// (The sleeps only make the sender park first; they order nothing.)
#include "corpus.hpp"
using corpus::racy;
namespace t = gox::time;

long x = 0;

void corpus_main() {
  auto ch = gox::make_chan<int>();
  auto back = gox::make_chan<int>(1);
  gox::go([ch] {
    x = 1;  // RACE
    ch.send(1);  // parks: nobody receives yet
  }, "parked sender");
  t::Sleep(50 * t::Millisecond);
  gox::go([ch, back] {
    ch.recv();  // takes the parked sender's value
    if (!racy) back.send(0);
  }, "first receiver");
  t::Sleep(50 * t::Millisecond);
  if (racy) {
    gox::go([ch, back] {
      ch.recv();  // takes main's value
      back.send(0);
    }, "second receiver");
    ch.send(2);
  }
  back.recv();
  corpus::observe(x);  // RACE
}
CORPUS_MAIN
