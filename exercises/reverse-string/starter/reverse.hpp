#pragma once
// Reverse a string by code point, as Go's Reverse in the statement does.
#include <string>
#include <string_view>

#include "gox/utf8.hpp"

inline std::string Reverse(std::string_view s) {
  // TODO
  return std::string(s);
}
