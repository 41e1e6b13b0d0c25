// Where gox's race build follows Go's memory model and Go's detector does not.
//
// Go's memory model: "for any sync.Mutex l, call n of l.Unlock() is
// synchronized before call m of l.Lock() returns, for n < m", and a Mutex may
// be unlocked by a goroutine that did not lock it. Go's detector models
// Unlock as a release that *overwrites* the Mutex's clock, so an Unlock by a
// goroutine that is not ordered after the previous holder forgets every
// earlier Unlock: Go then reports a race the model rules out. gox's Unlock
// *merges* its clock into the Mutex's, so every earlier Unlock still happens
// before the next Lock, as the model says. Go's twin, which Go reports:
// go/departure_test.go (there `other` learns that main holds Lock (2) from a
// raw pipe read, the one signal Go's detector never turns into an edge).
//
// The program, with no timing in it:
//   main:  x = 1; Lock (1); Unlock (1); Lock (2); then lock `held` for good
//   other: waits until `held` is locked (a failed TryLock orders nothing),
//          then Unlock (2): it never synchronised with main
//   third: after `other` is done, Lock (3) and read x
// Unlock (1) is synchronized before Lock (3), so x = 1 happens before the read.
//
// Usage: mutex_foreign_unlock [model|nolock]. `model` (the default) must give
// no report; `nolock` (the third fiber reads without Lock) must report the race,
// which shows the two accesses are seen at all. Configuration from GOX_* env.
#include <cstdio>
#include <cstring>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

namespace {
long x = 0;
}

int main(int argc, char** argv) {
  const bool lock_before_read = !(argc > 1 && std::strcmp(argv[1], "nolock") == 0);
  return gox::run_main([lock_before_read] {
    gox::Mutex m, held;
    auto other_done = gox::make_chan<int>();
    auto third_done = gox::make_chan<long>();
    gox::go([&m, &held, other_done] {
      while (held.TryLock()) {  // only this fiber ever unlocks `held`: no edge from main
        held.Unlock();
        gox::yield();
      }
      m.Unlock();  // Unlock (2) of main's Lock (2)
      other_done.close();
    });
    gox::go([&m, other_done, third_done, lock_before_read] {
      other_done.recv();
      if (lock_before_read) m.Lock();  // Lock (3)
      long seen = x;
      if (lock_before_read) m.Unlock();
      third_done.send(seen);
    });
    x = 1;
    m.Lock();    // Lock (1)
    m.Unlock();  // Unlock (1)
    m.Lock();    // Lock (2): the other fiber unlocks it
    held.Lock();
    long seen = third_done.recv();
    std::printf("the third fiber read x = %ld\n", seen);
  });
}
