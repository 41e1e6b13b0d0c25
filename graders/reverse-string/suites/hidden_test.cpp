// Hidden tests for reverse-string, drive half: reverses the judge's inputs
// and generated strings, and observes the results (as hex: they may be any
// bytes). hidden_judge.cpp holds what Go gives.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "gox/rand.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/utf8.hpp"
#include "reverse.hpp"

namespace {

using gograde::check::observe;

bool plain(const std::string& s) { return gox::utf8::ValidString(s) && s.find('\0') == std::string::npos; }

// Reverses every vector of the judge's "runes" input that is plain (or not).
void reverse_vectors(bool want_plain) {
  for (const auto& v : gograde::check::input("runes")) {
    const std::string in = gograde::unhex(v.at("in").get<std::string>());
    if (plain(in) == want_plain)
      gograde::check::observe_result(v.at("key").get<std::string>(), [&] { return gograde::hex(Reverse(in)); });
  }
}

// A random valid string: code points from every UTF-8 length, NULs included.
std::string random_valid(int max_len) {
  static const std::pair<gox::rune, gox::rune> ranges[] = {
      {0x00, 0x7F}, {0x80, 0x7FF}, {0x800, 0xD7FF}, {0xE000, 0xFFFF}, {0x10000, 0x10FFFF}, {0x300, 0x36F}};
  std::vector<gox::rune> r;
  for (int n = gox::rand::Intn(max_len + 1); n > 0; --n) {
    const auto [lo, hi] = ranges[gox::rand::Intn(6)];
    r.push_back(lo + static_cast<gox::rune>(gox::rand::Int63n(hi - lo + 1)));
  }
  return gox::String(r);
}

// Random bytes biased towards pieces of UTF-8 sequences.
std::string random_bytes(int max_len) {
  static const unsigned char pieces[] = {'a', 0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE2, 0xED,
                                         0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x82, 0xA0, 0x9F, 0x90};
  std::string s;
  for (int n = gox::rand::Intn(max_len + 1); n > 0; --n)
    s += static_cast<char>(pieces[gox::rand::Intn(static_cast<int>(sizeof pieces))]);
  return s;
}

// Observes [input, Reverse(input), ...] for `n` generated inputs, as hex
// (or what Reverse threw).
template <class Gen>
void reverse_generated(int n, Gen gen, bool twice) {
  gograde::check::observe_result("reversed", [&] {
    nlohmann::json seen = nlohmann::json::array();
    for (int i = 0; i < n; ++i) {
      const std::string s = gen();
      const std::string r = Reverse(s);
      nlohmann::json one = {gograde::hex(s), gograde::hex(r)};
      if (twice) one.push_back(gograde::hex(Reverse(r)));
      seen.push_back(std::move(one));
    }
    return seen;
  });
}

}  // namespace

TEST_CASE("ASCII and multi-byte text reverse as in Go", "[basic]") {
  gograde::check::run([] { reverse_vectors(true); });
}

TEST_CASE("Invalid UTF-8 and NUL bytes: Go's []rune semantics", "[go]") {
  gograde::check::run([] { reverse_vectors(false); });
}

TEST_CASE("Random bytes reverse as Go reverses them", "[go]") {
  gograde::check::run([] { reverse_generated(3000, [] { return random_bytes(8); }, false); });
}

TEST_CASE("Reverse(Reverse(s)) == s for generated valid strings", "[property]") {
  gograde::check::run([] { reverse_generated(3000, [] { return random_valid(12); }, true); });
}

TEST_CASE("Many fibers reverse at the same time", "[concurrent]") {
  gograde::check::run([] {
    std::vector<std::string> inputs;
    for (int i = 0; i < 64; ++i) inputs.push_back(random_valid(10));
    constexpr int kFibers = 8, kEach = 64;
    std::vector<std::string> got(kFibers * kEach);
    gox::WaitGroup wg;
    for (int f = 0; f < kFibers; ++f) {
      wg.Add(1);
      gox::go(
          [&, f] {
            for (int k = 0; k < kEach; ++k) {
              got[static_cast<std::size_t>(f * kEach + k)] = Reverse(inputs[(k * 7 + f) % inputs.size()]);
              if (k % 8 == 0) gox::yield();
            }
            wg.Done();
          },
          "reverser");
    }
    wg.Wait();
    nlohmann::json seen = nlohmann::json::array();
    for (int f = 0; f < kFibers; ++f)
      for (int k = 0; k < kEach; ++k)
        seen.push_back({gograde::hex(inputs[(k * 7 + f) % inputs.size()]),
                        gograde::hex(got[static_cast<std::size_t>(f * kEach + k)])});
    observe("reversed", std::move(seen));
  });
}
