#pragma once
#include <algorithm>
#include <codecvt>
#include <locale>
#include <string>
#include <string_view>

inline std::string Reverse(std::string_view s) {
  std::wstring_convert<std::codecvt_utf8<char32_t>, char32_t> conv;
  std::u32string u = conv.from_bytes(s.data(), s.data() + s.size());
  std::reverse(u.begin(), u.end());
  return conv.to_bytes(u);
}
