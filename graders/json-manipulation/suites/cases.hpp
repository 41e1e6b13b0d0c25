#pragma once
// The Go-generated vectors (graders/json-manipulation/data/vectors.json,
// written and re-checked by reference/json-manipulation/go; read by the judge
// halves, which give the drivers the inputs only).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "gograde/data.hpp"

using gograde::unhex;
#include "gox/json.hpp"

struct add_case {
  std::string name, in, key;
  gox::json::Value value;
  std::string out;
  bool error = false;
};

struct person_case {
  std::string name, in, role, out;
  bool error = false;
};

inline const nlohmann::json& vectors() {
  static const nlohmann::json v = nlohmann::json::parse(gograde::data("vectors.json"));
  return v;
}

inline std::vector<add_case> add_cases() {
  std::vector<add_case> out;
  for (const auto& c : vectors().at("add_field")) {
    add_case a{c.at("name"), unhex(c.at("in").get<std::string>()), c.at("key"), {}, unhex(c.value("out", std::string())), c.value("error", false)};
    if (gox::json::Unmarshal(c.at("value").get<std::string>(), a.value)) throw std::runtime_error("bad value in vectors");
    out.push_back(std::move(a));
  }
  if (out.size() < 10) throw std::runtime_error("vectors.json: too few add_field cases");
  return out;
}

inline std::vector<person_case> person_cases() {
  std::vector<person_case> out;
  for (const auto& c : vectors().at("person"))
    out.push_back({c.at("name"), unhex(c.at("in").get<std::string>()), c.at("role"), unhex(c.value("out", std::string())), c.value("error", false)});
  if (out.size() < 8) throw std::runtime_error("vectors.json: too few person cases");
  return out;
}

// A vector's key in observations: its position and name.
inline std::string key_of(std::size_t k, const std::string& name) { return std::to_string(k) + ": " + name; }

// What a driver may see of the vectors: the inputs (hex), not Go's output.
inline nlohmann::json driver_inputs() {
  nlohmann::json add = nlohmann::json::array(), person = nlohmann::json::array(), values = nlohmann::json::array();
  const auto adds = add_cases();
  for (std::size_t k = 0; k < adds.size(); ++k)
    add.push_back({{"key", key_of(k, adds[k].name)}, {"in", gograde::hex(adds[k].in)}, {"field", adds[k].key},
                   {"value", adds[k].value.dump()}});
  const auto people = person_cases();
  for (std::size_t k = 0; k < people.size(); ++k)
    person.push_back({{"key", key_of(k, people[k].name)}, {"in", gograde::hex(people[k].in)}, {"role", people[k].role}});
  const auto& rt = vectors().at("roundtrip");
  for (std::size_t k = 0; k < rt.size(); ++k)
    if (!rt[k].contains("error"))
      values.push_back({{"key", key_of(k, rt[k].at("name"))}, {"in", rt[k].at("in")}});
  return {{"add_field", add}, {"person", person}, {"values", values}};
}

// Bytes as Go's %q would show them (near enough): readable evidence.
inline std::string bytes_text(const std::string& s) {
  std::string q = "`";
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      q += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      q += buf;
    }
  }
  return q + "`";
}
