// Edge: Unlock happens before the next Lock, between plain threads (no fiber
// of the run: gox primitives also serve std::thread, as the safe-counter
// exercise grades). Racy: the second thread increments without the lock.
#include <thread>

#include "corpus.hpp"
using corpus::racy;

gox::Mutex mu;
long counter = 0;

void corpus_main() {
  std::thread locked([] {
    for (int i = 0; i < 2000; ++i) {
      mu.Lock();
      counter++;  // RACE
      mu.Unlock();
    }
  });
  std::thread careless([] {
    for (int i = 0; i < 2000; ++i) {
      if (!racy) mu.Lock();
      counter++;  // RACE
      if (!racy) mu.Unlock();
    }
  });
  locked.join();
  careless.join();
  corpus::observe(counter);
}
CORPUS_MAIN
