#include "gox/utf8.hpp"

namespace gox {
namespace utf8 {

namespace {
bool cont(unsigned char c) noexcept { return (c & 0xC0) == 0x80; }
}  // namespace

decoded DecodeRuneInString(std::string_view s) noexcept {
  if (s.empty()) return {RuneError, 0};
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  // The second byte's range depends on the first (no overlongs, no
  // surrogates, nothing above U+10FFFF), as in Go's accept ranges.
  int n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  rune r = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    r = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    r = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    r = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {RuneError, 1};
  }
  if (s.size() < static_cast<std::size_t>(n)) return {RuneError, 1};
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < lo || b1 > hi) return {RuneError, 1};
  r = (r << 6) | (b1 & 0x3F);
  for (int i = 2; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (!cont(b)) return {RuneError, 1};
    r = (r << 6) | (b & 0x3F);
  }
  return {r, n};
}

decoded DecodeLastRuneInString(std::string_view s) noexcept {
  if (s.empty()) return {RuneError, 0};
  const std::size_t end = s.size();
  if (static_cast<unsigned char>(s[end - 1]) < 0x80) return {static_cast<unsigned char>(s[end - 1]), 1};
  // Back up over at most UTFMax-1 continuation bytes to a start byte.
  std::size_t start = end - 1;
  const std::size_t lim = end >= UTFMax ? end - UTFMax : 0;
  while (start > lim && cont(static_cast<unsigned char>(s[start]))) --start;
  const decoded d = DecodeRuneInString(s.substr(start));
  if (start + static_cast<std::size_t>(d.size) != end) return {RuneError, 1};
  return d;
}

bool ValidRune(rune r) noexcept { return (r >= 0 && r < 0xD800) || (r > 0xDFFF && r <= MaxRune); }

int RuneLen(rune r) noexcept {
  if (!ValidRune(r)) return -1;
  return r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
}

void AppendRune(std::string& out, rune r) {
  if (!ValidRune(r)) r = RuneError;
  const auto u = static_cast<std::uint32_t>(r);
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (u >> 18));
    out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
}

int RuneCountInString(std::string_view s) noexcept {
  int n = 0;
  while (!s.empty()) {
    s.remove_prefix(static_cast<std::size_t>(DecodeRuneInString(s).size));
    ++n;
  }
  return n;
}

bool ValidString(std::string_view s) noexcept {
  while (!s.empty()) {
    const decoded d = DecodeRuneInString(s);
    if (d.r == RuneError && d.size == 1) return false;
    s.remove_prefix(static_cast<std::size_t>(d.size));
  }
  return true;
}

}  // namespace utf8

std::vector<rune> Runes(std::string_view s) {
  std::vector<rune> out;
  out.reserve(s.size());
  while (!s.empty()) {
    const utf8::decoded d = utf8::DecodeRuneInString(s);
    out.push_back(d.r);
    s.remove_prefix(static_cast<std::size_t>(d.size));
  }
  return out;
}

std::string String(const std::vector<rune>& runes) {
  std::string out;
  out.reserve(runes.size());
  for (rune r : runes) utf8::AppendRune(out, r);
  return out;
}

}  // namespace gox
