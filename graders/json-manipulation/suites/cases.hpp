#pragma once
// The Go-generated vectors (graders/json-manipulation/data/vectors.json,
// written and re-checked by reference/json-manipulation/go).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "gograde/check.hpp"

using gograde::check::unhex;
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
  static const nlohmann::json v = nlohmann::json::parse(gograde::check::data("vectors.json"));
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
