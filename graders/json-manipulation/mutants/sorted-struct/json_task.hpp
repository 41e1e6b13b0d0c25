#pragma once
// Reference: the seed, with its ignored error handled and a non-object
// input refused.
#include <string>
#include <string_view>

#include "gox/error.hpp"
#include "gox/json.hpp"

inline gox::json::marshal_result AddField(std::string_view input, const std::string& key,
                                          const gox::json::Value& value) {
  gox::json::Value obj;
  if (gox::error err = gox::json::Unmarshal(input, obj)) return {"", err};
  if (!obj.is_object()) return {"", gox::errorf("input is not a JSON object (a {})", obj.type_name())};
  obj[key] = value;
  return gox::json::Marshal(obj);
}
