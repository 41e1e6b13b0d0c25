// Peak RSS with N fibers parked on one channel: prints "rss_kb=<n>".
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include "gox/chan.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  gox::config c;
  c.sched = gox::sched_kind::parallel;
  c.threads = 1;
  auto r = gox::run(c, [n] {
    auto ch = gox::make_chan<int>();
    gox::WaitGroup started;
    started.Add(n);
    for (int i = 0; i < n; ++i)
      gox::go([&] {
        started.Done();
        ch.recv();
      });
    started.Wait();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("rss_kb=%ld\n", ru.ru_maxrss);
    ch.close();
  });
  return r.ok() ? 0 : 1;
}
