#pragma once
#include <string>
#include <string_view>

#include "gox/error.hpp"
#include "gox/json.hpp"

inline gox::json::marshal_result AddField(std::string_view input, const std::string& key,
                                          const gox::json::Value& value) {
  gox::json::Value obj = gox::json::Value::object();
  (void)gox::json::Unmarshal(input, obj);  // as the seed: _ = json.Unmarshal(...)
  obj[key] = value;
  return gox::json::Marshal(obj);
}
