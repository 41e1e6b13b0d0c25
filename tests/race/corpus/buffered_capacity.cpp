// Edge: the k-th receive from a channel of capacity C happens before the
// (k+C)-th send completes (a buffered channel as a semaphore). Racy: capacity
// 2, so the second send does not wait for the first receive.
#include "corpus.hpp"
using corpus::racy;

int x = 0;

void corpus_main() {
  auto sem = gox::make_chan<int>(racy ? 2 : 1);
  auto done = gox::make_chan<int>();
  sem.send(0);  // first send: fills the buffer
  gox::go([sem, done] {
    x = 1;  // RACE
    sem.recv();  // first receive
    done.recv();
  });
  sem.send(0);  // second send
  corpus::observe(x);  // RACE
  done.send(0);
}
CORPUS_MAIN
