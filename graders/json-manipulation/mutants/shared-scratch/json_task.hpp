#pragma once
#include <string>
#include <string_view>

#include "gox/error.hpp"
#include "gox/json.hpp"

inline gox::json::marshal_result AddField(std::string_view input, const std::string& key,
                                          const gox::json::Value& value) {
  static gox::json::Value scratch;
  scratch = nullptr;
  if (gox::error err = gox::json::Unmarshal(input, scratch)) return {"", err};
  if (!scratch.is_object()) return {"", gox::errors::New("not an object")};
  scratch[key] = value;
  return gox::json::Marshal(scratch);
}
