#pragma once
// Reference for the follow-up: a typed Person, decoded and encoded as Go's
// encoding/json does with the struct tags
//   Name string `json:"name"`; Age int `json:"age"`; Role string `json:"role,omitempty"`
#include <cmath>
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
      if (!field.is_string())
        return gox::errorf("json: cannot unmarshal {} into Go struct field Person.{} of type string", field.type_name(), key);
      (key == "name" ? out.Name : out.Role) = field.get<std::string>();
    } else if (key == "age") {
      const double f = field.is_number() ? field.get<double>() : NAN;
      if (!field.is_number() || std::floor(f) != f || f < -9.2e18 || f > 9.2e18)
        return gox::errorf("json: cannot unmarshal {} into Go struct field Person.age of type int", field.dump());
      out.Age = static_cast<std::int64_t>(f);
    }
  }
  p = out;
  return nullptr;
}

inline gox::json::marshal_result MarshalPerson(const Person& p) {
  gox::json::Value f;  // a map: keys sorted, not in declaration order
  f["name"] = p.Name;
  f["age"] = p.Age;
  if (!p.Role.empty()) f["role"] = p.Role;
  return gox::json::Marshal(f);
}
