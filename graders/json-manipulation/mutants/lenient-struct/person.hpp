#pragma once
// Reference for the follow-up: a typed Person, decoded and encoded as Go's
// encoding/json does with the struct tags
//   Name string `json:"name"`; Age int `json:"age"`; Role string `json:"role,omitempty"`
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <string_view>

#include "gox/error.hpp"
#include "gox/json.hpp"

struct Person {
  std::string Name;
  std::int64_t Age = 0;
  std::string Role;
};

inline gox::error ParsePerson(std::string_view input, Person& p) {
  gox::json::Value v;
  if (gox::error err = gox::json::Unmarshal(input, v)) return err;
  if (v.is_null()) return nullptr;  // Go: null leaves the struct as it is
  if (!v.is_object()) return gox::errorf("json: cannot unmarshal {} into Go value of type Person", v.type_name());
  Person out = p;
  for (const auto& [key, field] : v.items()) {
    if (field.is_null()) continue;  // Go: null leaves the field as it is
    if (key == "name" || key == "role") {
      (key == "name" ? out.Name : out.Role) = field.is_string() ? field.get<std::string>() : field.dump();
    } else if (key == "age") {
      // "be liberal in what you accept": "30" and 30.5 become 30
      out.Age = field.is_number() ? static_cast<std::int64_t>(field.get<double>())
                                  : field.is_string() ? std::atoll(field.get<std::string>().c_str()) : 0;
    }
  }
  p = out;
  return nullptr;
}

inline gox::json::marshal_result MarshalPerson(const Person& p) {
  gox::json::Fields f;  // declaration order, as Go writes a struct
  f["name"] = p.Name;
  f["age"] = p.Age;
  if (!p.Role.empty()) f["role"] = p.Role;
  return gox::json::Marshal(f);
}
