// Visible tests: what `gograde test cloud-go/singleflight` runs.
#include <catch2/catch.hpp>

#include <memory>

#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"
#include "singleflight.hpp"

using namespace std::chrono_literals;

TEST_CASE("Three callers of one key share one call", "[shares]") {
  gograde::check::run(
      [] {
        Group g;
        auto calls = std::make_shared<gox::atomic<int>>();  // a wrong answer calls fn from several fibers
        std::vector<Result> got(3);
        gox::WaitGroup wg;
        for (int i = 0; i < 3; ++i) {
          wg.Add(1);
          gox::go([&, i] {
            got[i] = g.Do("user:42", [calls] {
              calls->Add(1);
              gox::time::Sleep(100ms);  // the database
              return std::pair<std::string, gox::error>{"alice", {}};
            });
            wg.Done();
          });
        }
        wg.Wait();
        CHECK(calls->Load() == 1);
        for (const auto& r : got) {
          CHECK(r.val == "alice");
          CHECK(r.shared);
        }
      },
      gograde::check::virtual_time);
}

TEST_CASE("A call made alone is not shared, and the key is forgotten after it", "[forget]") {
  gograde::check::run(
      [] {
        Group g;
        int calls = 0;
        auto fn = [&] {
          ++calls;
          return std::pair<std::string, gox::error>{"v" + std::to_string(calls), {}};
        };
        CHECK_FALSE(g.Do("k", fn).shared);
        CHECK(g.Do("k", fn).val == "v2");
      },
      gograde::check::virtual_time);
}
