// Hidden tests for the follow-up, drive half: ReverseGraphemes on the judge's
// inputs, from one fiber and from many at once.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "graphemes.hpp"

TEST_CASE("Grapheme clusters stay whole: combining marks, emoji sequences, flags", "[graphemes]") {
  gograde::check::run([] {
    for (const auto& v : gograde::check::input("graphemes"))
      gograde::check::observe(v.at("key").get<std::string>(),
                              gograde::hex(ReverseGraphemes(gograde::unhex(v.at("in").get<std::string>()))));
  });
}

TEST_CASE("ReverseGraphemes from many fibers at once", "[graphemes]") {
  gograde::check::run([] {
    std::vector<std::string> in;
    for (const auto& v : gograde::check::input("graphemes")) in.push_back(gograde::unhex(v.at("in").get<std::string>()));
    std::vector<std::string> got(in.size());
    gox::WaitGroup wg;
    for (int f = 0; f < 4; ++f) {
      wg.Add(1);
      gox::go([&, f] {
        for (std::size_t k = static_cast<std::size_t>(f); k < in.size(); k += 4) got[k] = ReverseGraphemes(in[k]);
        wg.Done();
      });
    }
    wg.Wait();
    nlohmann::json seen = nlohmann::json::array();
    for (const auto& g : got) seen.push_back(gograde::hex(g));
    gograde::check::observe("in input order", std::move(seen));
  });
}
