// Hidden tests for reverse-string, judge half. Expected bytes come from Go
// (the vectors file is written and re-checked by reference/reverse-string/go);
// for generated strings, from Go's conversions (gox's are Go's: see the
// runtime's tests against Go).
#include <catch2/catch.hpp>

#include "gograde/judge.hpp"
#include "gox/utf8.hpp"
#include "vectors.hpp"

namespace {

using gograde::judge::observed;
using gograde::judge::observed_as;

GOGRADE_INPUT("runes") { return driver_inputs("runes"); }

bool plain(const std::string& s) { return gox::utf8::ValidString(s) && s.find('\0') == std::string::npos; }

std::string oracle(const std::string& s) {
  auto r = gox::Runes(s);
  std::reverse(r.begin(), r.end());
  return gox::String(r);
}

// Every plain (or not) vector, reversed as Go reverses it.
int check_vectors(bool want_plain) {
  int n = 0;
  const auto& vs = vectors("runes");
  for (std::size_t k = 0; k < vs.size(); ++k) {
    const auto& v = vs[k];
    if (plain(v.in) != want_plain) continue;
    ++n;
    INFO("vector \"" << v.name << "\": Reverse(" << quoted(v.in) << ")");
    CHECK(quoted(unhex(observed_as<std::string>(key_of(k, v.name)))) == quoted(v.out));
  }
  return n;
}

// The driver's [input, Reverse(input), Reverse(Reverse(input))?] lists.
struct reversal {
  std::string in, out, back;
};
std::vector<reversal> reversals(std::size_t at_least) {
  std::vector<reversal> out;
  for (const auto& r : observed("reversed")) {
    if (!r.is_array() || r.size() < 2 || !r[0].is_string() || !r[1].is_string()) FAIL("malformed observation");
    out.push_back({unhex(r[0].get<std::string>()), unhex(r[1].get<std::string>()),
                   r.size() > 2 && r[2].is_string() ? unhex(r[2].get<std::string>()) : std::string()});
  }
  INFO("the driver reversed " << out.size() << " strings");
  REQUIRE(out.size() >= at_least);
  return out;
}

}  // namespace

TEST_CASE("ASCII and multi-byte text reverse as in Go", "[basic]") { REQUIRE(check_vectors(true) > 10); }

TEST_CASE("Invalid UTF-8 and NUL bytes: Go's []rune semantics", "[go]") { REQUIRE(check_vectors(false) > 8); }

TEST_CASE("Random bytes reverse as Go reverses them", "[go]") {
  for (const auto& r : reversals(3000)) {
    INFO("Reverse(" << quoted(r.in) << ")");
    REQUIRE(quoted(r.out) == quoted(oracle(r.in)));
  }
}

TEST_CASE("Reverse(Reverse(s)) == s for generated valid strings", "[property]") {
  for (const auto& r : reversals(3000)) {
    INFO("s = " << quoted(r.in) << ", Reverse(s) = " << quoted(r.out));
    REQUIRE(gox::utf8::RuneCountInString(r.out) == gox::utf8::RuneCountInString(r.in));
    REQUIRE(r.out.size() == r.in.size());
    REQUIRE(quoted(r.back) == quoted(r.in));
  }
}

TEST_CASE("Many fibers reverse at the same time", "[concurrent]") {
  int wrong = 0;
  std::string first;
  for (const auto& r : reversals(8 * 64))
    if (r.out != oracle(r.in) && wrong++ == 0) first = "Reverse(" + quoted(r.in) + ") gave " + quoted(r.out);
  INFO(first);
  CHECK(wrong == 0);
}
