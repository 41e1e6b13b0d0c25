// Edge: every fiber ends before gox::run returns (a join). Racy: the main
// fiber reads the result itself, before the worker is known to be done.
#include "corpus.hpp"
using corpus::racy;

long result = 0;

int main() {
  const int rc = gox::run_main([] {
    gox::go([] { result = 1; });  // RACE
    if (racy) {
      for (int i = 0; i < 3; ++i) gox::yield();
      corpus::observe(result);  // RACE
    }
  });
  if (!racy) corpus::observe(result);
  return rc;
}
