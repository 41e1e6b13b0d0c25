#pragma once
#include <algorithm>
#include <string>
#include <string_view>

#include "gox/utf8.hpp"

inline std::string Reverse(std::string_view sv) {
  const std::string copy(sv);
  const char* p = copy.c_str();
  std::string_view s(p);  // stops at the first NUL
  auto r = gox::Runes(s);
  std::reverse(r.begin(), r.end());
  return gox::String(r);
}
