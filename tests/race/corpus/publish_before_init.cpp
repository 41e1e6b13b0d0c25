// Edge: an atomic store (release) happens before the load that observes it.
// Classic mistake: publishing the pointer before initialising the object.
#include "corpus.hpp"
using corpus::racy;

struct Config {
  long port = 0;
};
std::atomic<Config*> current{nullptr};

void corpus_main() {
  gox::WaitGroup wg;
  wg.Add(1);
  gox::go([&wg] {
    Config* c;
    while ((c = current.load()) == nullptr) gox::yield();
    corpus::observe(c->port);  // RACE
    wg.Done();
  });
  auto* c = new Config;
  if (racy) current.store(c);
  c->port = 8080;  // RACE
  if (!racy) current.store(c);
  wg.Wait();
  delete c;
}
CORPUS_MAIN
