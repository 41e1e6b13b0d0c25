#pragma once
/// gox::utf8: Go's unicode/utf8 and its string <-> []rune conversions.
///
///   std::vector<gox::rune> r = gox::Runes(s);   // []rune(s)
///   std::string t = gox::String(r);             // string(r)
///   auto [c, size] = gox::utf8::DecodeRuneInString(s);
///
/// Go's rules, exactly: a byte sequence that is not valid UTF-8 (a stray
/// continuation byte, a truncated or overlong sequence, an encoded surrogate,
/// anything above U+10FFFF) decodes as U+FFFD consuming ONE byte, so a
/// truncated 3-byte sequence gives two U+FFFD. Encoding a rune that is not a
/// valid code point (a surrogate, negative, > U+10FFFF) writes U+FFFD.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gox {

/// Go's rune: a Unicode code point (int32).
using rune = std::int32_t;

namespace utf8 {

inline constexpr rune RuneError = 0xFFFD;
inline constexpr rune MaxRune = 0x10FFFF;
inline constexpr int UTFMax = 4;

struct decoded {
  rune r;    ///< the code point, or RuneError
  int size;  ///< bytes consumed: 1..4; 0 only for empty input
};

/// The first rune of s: (RuneError, 1) for an invalid sequence, (RuneError, 0) for "".
decoded DecodeRuneInString(std::string_view s) noexcept;
/// The last rune of s, with the same conventions.
decoded DecodeLastRuneInString(std::string_view s) noexcept;
/// Appends r's UTF-8 encoding (U+FFFD for an invalid rune) to out.
void AppendRune(std::string& out, rune r);
/// Bytes needed to encode r, or -1 if r is not a valid code point.
int RuneLen(rune r) noexcept;
/// Runes in s (each invalid byte counts as one).
int RuneCountInString(std::string_view s) noexcept;
bool ValidString(std::string_view s) noexcept;
bool ValidRune(rune r) noexcept;

}  // namespace utf8

/// []rune(s)
std::vector<rune> Runes(std::string_view s);
/// string(runes)
std::string String(const std::vector<rune>& runes);

}  // namespace gox
