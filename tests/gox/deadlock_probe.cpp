// A program that deadlocks, for tests/gox/deadlock_isolation.sh: the deadlock
// must be reported, not waited out, however the program is started (directly,
// under timeout(1), in its own session, in the grader's sandbox). Which
// deadlock: argv[1]; the scheduler, seed and clock come from GOX_* (run_main).
#include <cstdio>
#include <cstring>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

namespace {

// The shape reported: a counter whose Inc forgets to unlock on one path.
struct leaky_counter {
  gox::Mutex mu;
  long n = 0;
  void Inc() {
    mu.Lock();
    if (n == 3) {
      ++n;
      return;  // the lock stays held
    }
    ++n;
    mu.Unlock();
  }
};

void leaked_lock() {
  leaky_counter c;
  gox::WaitGroup wg;
  for (int f = 0; f < 4; ++f) {
    wg.Add(1);
    gox::go([&] {
      for (int i = 0; i < 5; ++i) {
        c.Inc();
        gox::time::Sleep(gox::time::Millisecond);  // timers fire, then none is left
      }
      wg.Done();
    });
  }
  wg.Wait();
}

void channel() {
  auto ch = gox::make_chan<int>();
  gox::go([ch] { gox::time::Sleep(5 * gox::time::Millisecond); });
  ch.recv();
}

void waitgroup() {
  gox::WaitGroup wg;
  wg.Add(2);
  gox::go([&] { wg.Done(); });
  wg.Wait();
}

}  // namespace

int main(int argc, char** argv) {
  const char* which = argc > 1 ? argv[1] : "leaked-lock";
  void (*body)() = std::strcmp(which, "channel") == 0     ? channel
                   : std::strcmp(which, "waitgroup") == 0 ? waitgroup
                                                          : leaked_lock;
  return gox::run_main(body);
}
