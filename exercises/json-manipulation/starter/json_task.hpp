#pragma once
// JSON manipulation (see README.md).
#include <string>
#include <string_view>

#include "gox/error.hpp"
#include "gox/json.hpp"

inline gox::json::marshal_result AddField(std::string_view input, const std::string& key,
                                          const gox::json::Value& value) {
  // TODO
  (void)input, (void)key, (void)value;
  return {"", gox::errors::New("not implemented")};
}
