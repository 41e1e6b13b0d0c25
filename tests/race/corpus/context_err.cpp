// Edge: cancelling a context happens before Err() returns non-nil.
// Racy: the canceller writes after cancelling; the poller trusts Err().
#include "corpus.hpp"
using corpus::racy;

long reason_code = 0;

void corpus_main() {
  auto [ctx, cancel] = gox::context::WithCancel(gox::context::Background());
  gox::go([cancel = cancel] {
    if (!racy) reason_code = 3;
    cancel();
    if (racy) reason_code = 3;  // RACE
  });
  while (!ctx.Err()) gox::yield();
  corpus::observe(reason_code);  // RACE
}
CORPUS_MAIN
