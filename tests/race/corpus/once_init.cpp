// Edge: the function passed to Once.Do returns before any Do returns.
// Classic mistake: lazy initialisation guarded by a plain flag (double-checked
// init without Once).
#include "corpus.hpp"
using corpus::racy;

gox::Once once;
bool loaded = false;
long setting = 0;

long get_setting() {
  if (racy) {
    if (!loaded) {  // RACE
      setting = 42;  // RACE
      loaded = true;  // RACE
    }
  } else {
    once.Do([] { setting = 42; });
  }
  return setting;  // RACE
}

void corpus_main() {
  gox::WaitGroup wg;
  for (int w = 0; w < 3; ++w) {
    wg.Add(1);
    gox::go([&wg] {
      corpus::observe(get_setting());
      wg.Done();
    });
  }
  wg.Wait();
}
CORPUS_MAIN
