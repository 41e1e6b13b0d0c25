// Classic mistake: check-then-act on a map, the check under the lock and the
// insert outside it.
#include <map>
#include <string>

#include "corpus.hpp"
using corpus::racy;

gox::Mutex mu;
std::map<std::string, long> sessions;

void ensure(const std::string& user) {
  mu.Lock();
  const bool missing = sessions.find(user) == sessions.end();  // RACE
  if (racy) mu.Unlock();
  if (missing) sessions[user] = 1;  // RACE
  if (!racy) mu.Unlock();
}

void corpus_main() {
  gox::WaitGroup wg;
  for (int w = 0; w < 3; ++w) {
    wg.Add(1);
    gox::go([&wg, w] {
      ensure(w == 0 ? "ann" : "bob");
      gox::yield();
      ensure("cid");
      wg.Done();
    });
  }
  wg.Wait();
  corpus::observe(static_cast<long>(sessions.size()));
}
CORPUS_MAIN
