#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "gox/utf8.hpp"

inline std::string Reverse(std::string_view s) {
  std::vector<gox::rune> r;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0) {
      r.push_back(0xFFFD);
      ++i;
      continue;
    }
    // consume the lead byte and every continuation byte that follows
    std::size_t k = 1;
    gox::rune cp = n == 1 ? b : b & (0xFF >> (n + 1));
    while (k < static_cast<std::size_t>(n) && i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80) {
      cp = (cp << 6) | (s[i + k] & 0x3F);
      ++k;
    }
    r.push_back(k == static_cast<std::size_t>(n) ? cp : 0xFFFD);
    i += k;
  }
  std::reverse(r.begin(), r.end());
  return gox::String(r);
}
