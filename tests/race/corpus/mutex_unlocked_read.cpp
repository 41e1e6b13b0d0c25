// Classic mistake: the writer locks, the reader does not ("reads are safe").
#include "corpus.hpp"
using corpus::racy;

gox::Mutex mu;
long balance = 0;

void corpus_main() {
  gox::WaitGroup wg;
  wg.Add(1);
  gox::go([&wg] {
    mu.Lock();
    balance += 10;  // RACE
    mu.Unlock();
    wg.Done();
  });
  if (!racy) mu.Lock();
  corpus::observe(balance);  // RACE
  if (!racy) mu.Unlock();
  wg.Wait();
}
CORPUS_MAIN
