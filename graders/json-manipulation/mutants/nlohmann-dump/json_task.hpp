#pragma once
#include <string>
#include <string_view>

#include "gox/error.hpp"
#include "gox/json.hpp"

inline gox::json::marshal_result AddField(std::string_view input, const std::string& key,
                                          const gox::json::Value& value) {
  try {
    nlohmann::json obj = nlohmann::json::parse(input);
    if (!obj.is_object()) return {"", gox::errors::New("not an object")};
    obj[key] = value;
    return {obj.dump(), nullptr};
  } catch (const std::exception& e) {
    return {"", gox::errors::New(e.what())};
  }
}
