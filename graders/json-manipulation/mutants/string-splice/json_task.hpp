#pragma once
#include <string>
#include <string_view>

#include "gox/error.hpp"
#include "gox/json.hpp"

inline gox::json::marshal_result AddField(std::string_view input, const std::string& key,
                                          const gox::json::Value& value) {
  const auto end = input.rfind('}');
  if (end == std::string_view::npos) return {"", gox::errors::New("not an object")};
  std::string out(input.substr(0, end));
  const bool empty = out.find_first_not_of(" \t\r\n{") == std::string::npos;
  out += (empty ? "" : ",") + gox::json::Marshal(gox::json::Value(key)).data + ":" + gox::json::Marshal(value).data + "}";
  return {out, nullptr};
}
