// Edge: the go statement happens before the new fiber starts. Racy: the
// parent writes what the child reads after starting it.
#include "corpus.hpp"
using corpus::racy;

long job_id = 0;

void corpus_main() {
  gox::WaitGroup wg;
  wg.Add(1);
  if (!racy) job_id = 9;
  gox::go([&wg] {
    corpus::observe(job_id);  // RACE
    wg.Done();
  });
  if (racy) job_id = 9;  // RACE
  wg.Wait();
}
CORPUS_MAIN
