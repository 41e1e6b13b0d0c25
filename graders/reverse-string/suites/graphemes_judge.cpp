// Hidden tests for the follow-up, judge half: ReverseGraphemes against Go's
// rivo/uniseg on the same strings (graders/reverse-string/data/vectors.json).
#include <catch2/catch.hpp>

#include "gograde/judge.hpp"
#include "vectors.hpp"

using gograde::judge::observed_as;

GOGRADE_INPUT("graphemes") { return driver_inputs("graphemes"); }

TEST_CASE("Grapheme clusters stay whole: combining marks, emoji sequences, flags", "[graphemes]") {
  int n = 0;
  const auto& vs = vectors("graphemes");
  for (std::size_t k = 0; k < vs.size(); ++k) {
    const auto& v = vs[k];
    ++n;
    INFO("vector \"" << v.name << "\": ReverseGraphemes(" << quoted(v.in) << ")");
    CHECK(quoted(unhex(observed_as<std::string>(key_of(k, v.name)))) == quoted(v.out));
  }
  REQUIRE(n > 50);
}

TEST_CASE("ReverseGraphemes from many fibers at once", "[graphemes]") {
  const auto& vs = vectors("graphemes");
  const auto got = observed_as<std::vector<std::string>>("in input order");
  REQUIRE(got.size() == vs.size());
  int wrong = 0;
  for (std::size_t k = 0; k < vs.size(); ++k)
    if (unhex(got[k]) != vs[k].out) ++wrong;
  CHECK(wrong == 0);
}
