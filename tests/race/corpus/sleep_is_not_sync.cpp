// Classic mistake: sleeping "long enough" instead of synchronising. Sleep
// orders nothing; the clean variant waits on a channel.
#include "corpus.hpp"
using corpus::racy;
namespace t = gox::time;

long answer = 0;

void corpus_main() {
  auto done = gox::make_chan<int>();
  gox::go([done] {
    answer = 42;  // RACE
    done.close();
  });
  if (racy) t::Sleep(20 * t::Millisecond);
  else done.recv2();
  corpus::observe(answer);  // RACE
}
CORPUS_MAIN
