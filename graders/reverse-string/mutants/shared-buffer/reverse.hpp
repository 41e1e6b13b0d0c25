#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "gox/utf8.hpp"

inline std::string Reverse(std::string_view s) {
  static std::vector<gox::rune> buf;  // "avoid allocating on every call"
  buf.clear();
  while (!s.empty()) {
    const auto d = gox::utf8::DecodeRuneInString(s);
    buf.push_back(d.r);
    s.remove_prefix(static_cast<std::size_t>(d.size));
  }
  std::string out;
  for (auto it = buf.rbegin(); it != buf.rend(); ++it) gox::utf8::AppendRune(out, *it);
  return out;
}
