#pragma once
#include <string>
#include <string_view>

#include "gox/error.hpp"
#include "gox/json.hpp"

inline gox::json::marshal_result AddField(std::string_view input, const std::string& key,
                                          const gox::json::Value& value) {
  gox::json::Value parsed;
  if (gox::error err = gox::json::Unmarshal(input, parsed)) return {"", err};
  if (!parsed.is_object()) return {"", gox::errors::New("not an object")};
  // keep the input's order, "like the original"
  gox::json::Fields obj = gox::json::Fields::parse(std::string(input), nullptr, false);
  if (obj.is_discarded()) obj = gox::json::Fields::parse(parsed.dump());
  obj[key] = gox::json::Fields::parse(value.dump());
  return gox::json::Marshal(obj);
}
