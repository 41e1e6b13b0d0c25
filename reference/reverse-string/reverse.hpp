#pragma once
// Reference: Go's Reverse, on gox's []rune conversions.
#include <algorithm>
#include <string>
#include <string_view>

#include "gox/utf8.hpp"

inline std::string Reverse(std::string_view s) {
  std::vector<gox::rune> r = gox::Runes(s);
  std::reverse(r.begin(), r.end());
  return gox::String(r);
}
