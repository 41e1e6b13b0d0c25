// A counter incremented by 10 fibers, with or without a gox::Mutex: the race
// build must report the unlocked increment (at its line) and nothing else,
// on every scheduler. Usage: counter_race racy|safe (config from GOX_* env).
#include <cstring>
#include <cstdio>
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
struct Counter { gox::Mutex mu; long val = 0;
  void inc(bool locked) { if (locked) { mu.Lock(); val++; mu.Unlock(); } else { val++; } } };
int main(int argc, char** argv) {
  bool locked = argc > 1 && std::strcmp(argv[1], "safe") == 0;
  gox::config c = gox::config::from_env();
  auto r = gox::run(c, [&] {
    Counter k; gox::WaitGroup wg;
    for (int f = 0; f < 10; ++f) { wg.Add(1); gox::go([&] { for (int i = 0; i < 100; ++i) { k.inc(locked); gox::yield(); } wg.Done(); }); }
    wg.Wait();
    std::printf("val=%ld\n", k.val);
  });
  return r.ok() ? 0 : 1;
}
