#pragma once
#include <algorithm>
#include <string>
#include <string_view>

inline std::string Reverse(std::string_view s) {
  std::string r(s);
  std::reverse(r.begin(), r.end());
  return r;
}
