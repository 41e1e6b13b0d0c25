// gox::utf8 and []rune conversions follow Go's unicode/utf8 exactly.
#include <catch2/catch.hpp>

#include "gox/utf8.hpp"

using gox::rune;

TEST_CASE("Runes: each invalid byte is one U+FFFD, as Go's []rune(s)", "[utf8]") {
  CHECK(gox::Runes("héllo") == std::vector<rune>{'h', 0xE9, 'l', 'l', 'o'});
  CHECK(gox::Runes("\xF0\x9F\x98\x80") == std::vector<rune>{0x1F600});
  CHECK(gox::Runes("\xE2\x82") == std::vector<rune>{0xFFFD, 0xFFFD});          // truncated 3-byte sequence
  CHECK(gox::Runes("\xE2\x82x") == std::vector<rune>{0xFFFD, 0xFFFD, 'x'});
  CHECK(gox::Runes("\xED\xA0\x80") == std::vector<rune>{0xFFFD, 0xFFFD, 0xFFFD});  // encoded surrogate
  CHECK(gox::Runes("\xC0\xAF") == std::vector<rune>{0xFFFD, 0xFFFD});          // overlong
  CHECK(gox::Runes("\xF4\x90\x80\x80") == std::vector<rune>{0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD});  // > U+10FFFF
  CHECK(gox::Runes(std::string_view("a\0b", 3)) == std::vector<rune>{'a', 0, 'b'});
  CHECK(gox::Runes("").empty());
}

TEST_CASE("String: invalid runes are written as U+FFFD", "[utf8]") {
  CHECK(gox::String({'a', 0x20AC, 0x1F600}) == "a\xE2\x82\xAC\xF0\x9F\x98\x80");
  CHECK(gox::String({0xD800, -1, 0x110000}) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("DecodeRune, DecodeLastRune, counts and validity", "[utf8]") {
  using namespace gox::utf8;
  auto d = DecodeRuneInString("\xE2\x82\xAC!");
  CHECK(d.r == 0x20AC);
  CHECK(d.size == 3);
  d = DecodeRuneInString("");
  CHECK(d.r == RuneError);
  CHECK(d.size == 0);
  d = DecodeLastRuneInString("a\xE2\x82\xAC");
  CHECK(d.r == 0x20AC);
  CHECK(d.size == 3);
  d = DecodeLastRuneInString("a\xE2\x82");
  CHECK(d.r == RuneError);
  CHECK(d.size == 1);
  CHECK(RuneCountInString("a\xE2\x82\xAC\xFF") == 3);
  CHECK(ValidString("a\xE2\x82\xAC"));
  CHECK_FALSE(ValidString("a\xE2\x82"));
  CHECK(RuneLen(0x10FFFF) == 4);
  CHECK(RuneLen(0xD800) == -1);
}
