// Hidden tests for reverse-string. Expected bytes come from Go (the vectors
// file is written and re-checked by reference/reverse-string/go).
#include <catch2/catch.hpp>

#include <map>
#include <mutex>

#include "gograde/check.hpp"
#include "gox/rand.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"
#include "gox/utf8.hpp"
#include "reverse.hpp"
#include "vectors.hpp"

namespace {

bool plain(const std::string& s) { return gox::utf8::ValidString(s) && s.find('\0') == std::string::npos; }

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

// What Go gives, computed the Go way (gox's conversions are Go's: see the
// runtime's tests against Go).
std::string oracle(const std::string& s) {
  auto r = gox::Runes(s);
  std::reverse(r.begin(), r.end());
  return gox::String(r);
}

}  // namespace

TEST_CASE("ASCII and multi-byte text reverse as in Go", "[basic]") {
  gograde::check::run([] {
    int n = 0;
    for (const auto& v : vectors("runes")) {
      if (!plain(v.in)) continue;
      ++n;
      INFO("vector \"" << v.name << "\": Reverse(" << quoted(v.in) << ")");
      CHECK(quoted(Reverse(v.in)) == quoted(v.out));
    }
    REQUIRE(n > 10);
  });
}

TEST_CASE("Invalid UTF-8 and NUL bytes: Go's []rune semantics", "[go]") {
  gograde::check::run([] {
    int n = 0;
    for (const auto& v : vectors("runes")) {
      if (plain(v.in)) continue;
      ++n;
      INFO("vector \"" << v.name << "\": Reverse(" << quoted(v.in) << ")");
      CHECK(quoted(Reverse(v.in)) == quoted(v.out));
    }
    REQUIRE(n > 8);
  });
}

TEST_CASE("Random bytes reverse as Go reverses them", "[go]") {
  gograde::check::run([] {
    for (int i = 0; i < 3000; ++i) {
      const std::string s = random_bytes(8);
      INFO("Reverse(" << quoted(s) << ")");
      REQUIRE(quoted(Reverse(s)) == quoted(oracle(s)));
    }
  });
}

TEST_CASE("Reverse(Reverse(s)) == s for generated valid strings", "[property]") {
  gograde::check::run([] {
    for (int i = 0; i < 3000; ++i) {
      const std::string s = random_valid(12);
      const std::string r = Reverse(s);
      INFO("s = " << quoted(s) << ", Reverse(s) = " << quoted(r));
      REQUIRE(gox::utf8::RuneCountInString(r) == gox::utf8::RuneCountInString(s));
      REQUIRE(r.size() == s.size());
      REQUIRE(quoted(Reverse(r)) == quoted(s));
    }
  });
}

TEST_CASE("Many fibers reverse at the same time", "[concurrent]") {
  gograde::check::run([] {
    std::vector<std::string> inputs;
    for (int i = 0; i < 64; ++i) inputs.push_back(random_valid(10));
    gox::WaitGroup wg;
    std::atomic<int> wrong{0};
    for (int f = 0; f < 8; ++f) {
      wg.Add(1);
      gox::go(
          [&, f] {
            for (int k = 0; k < 64; ++k) {
              const std::string& s = inputs[(k * 7 + f) % inputs.size()];
              if (Reverse(s) != oracle(s)) ++wrong;
              if (k % 8 == 0) gox::yield();
            }
            wg.Done();
          },
          "reverser");
    }
    wg.Wait();
    CHECK(wrong.load() == 0);
  });
}
