// Edge: cancelling a context happens before Done() is observed closed.
// Racy: the canceller writes after cancelling.
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
  ctx.Done().recv2();
  corpus::observe(reason_code);  // RACE
}
CORPUS_MAIN
