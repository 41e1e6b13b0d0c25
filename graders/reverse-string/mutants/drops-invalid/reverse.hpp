#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "gox/utf8.hpp"

inline std::string Reverse(std::string_view s) {
  std::vector<gox::rune> r;
  while (!s.empty()) {
    const auto d = gox::utf8::DecodeRuneInString(s);
    if (!(d.r == gox::utf8::RuneError && d.size == 1)) r.push_back(d.r);
    s.remove_prefix(static_cast<std::size_t>(d.size));
  }
  std::reverse(r.begin(), r.end());
  return gox::String(r);
}
