// Hidden tests for the follow-up: ReverseGraphemes against Go's
// rivo/uniseg on the same strings (graders/reverse-string/data/vectors.json).
#include <catch2/catch.hpp>

#include <map>
#include <mutex>

#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "graphemes.hpp"
#include "vectors.hpp"

TEST_CASE("Grapheme clusters stay whole: combining marks, emoji sequences, flags", "[graphemes]") {
  gograde::check::run([] {
    int n = 0;
    for (const auto& v : vectors("graphemes")) {
      ++n;
      INFO("vector \"" << v.name << "\": ReverseGraphemes(" << quoted(v.in) << ")");
      CHECK(quoted(ReverseGraphemes(v.in)) == quoted(v.out));
    }
    REQUIRE(n > 50);
  });
}

TEST_CASE("ReverseGraphemes from many fibers at once", "[graphemes]") {
  gograde::check::run([] {
    const auto& vs = vectors("graphemes");
    gox::WaitGroup wg;
    std::atomic<int> wrong{0};
    for (int f = 0; f < 4; ++f) {
      wg.Add(1);
      gox::go([&, f] {
        for (std::size_t k = static_cast<std::size_t>(f); k < vs.size(); k += 4)
          if (ReverseGraphemes(vs[k].in) != vs[k].out) ++wrong;
        wg.Done();
      });
    }
    wg.Wait();
    CHECK(wrong.load() == 0);
  });
}
