// A fiber panics while main and 1,500 other fibers are blocked: the run ends
// with the panic's report, on every scheduler, and ThreadSanitizer stays
// silent while the killed fibers unwind and their contexts are destroyed
// (gox keeps the last 1,024 ended ones; destroying one whose teardown left
// TSan ignoring its accesses was a fatal error of TSan's).
#include <cstdio>

#include "gox/chan.hpp"
#include "gox/panic.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

int main() {
  const gox::config c = gox::config::from_env();
  const gox::run_result r = gox::run(c, [] {
    auto never = gox::make_chan<int>();
    gox::WaitGroup wg;
    wg.Add(1);
    for (int i = 0; i < 1500; ++i) gox::go([never] { never.recv(); }, "blocked");
    gox::go([] {
      gox::yield();
      throw gox::panic("boom");
    }, "panicker");
    wg.Wait();
  });
  std::printf("outcome=%s\n%s\n", gox::to_string(r.result), r.message.c_str());
  return 0;
}
