#pragma once
// The Go-generated vectors (graders/reverse-string/data/vectors.json, read by
// the judge halves), what the drivers get of them (names and inputs), and a
// readable quoting of byte strings for failure messages.
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gograde/data.hpp"

using gograde::unhex;
#include "gox/utf8.hpp"

struct rev_vector {
  std::string name, in, out;
};

inline const std::vector<rev_vector>& vectors(const char* section) {
  static const nlohmann::json all = nlohmann::json::parse(gograde::data("vectors.json"));
  static std::map<std::string, std::vector<rev_vector>> cache;
  static std::mutex mu;
  std::lock_guard lock(mu);
  auto& v = cache[section];
  if (v.empty())
    for (const auto& c : all.at(section)) v.push_back({c.at("name"), unhex(c.at("in").get<std::string>()), unhex(c.at("out").get<std::string>())});
  return v;
}

// A section of the vectors as the driver may see it: keys and inputs (hex).
// A vector's key is its position and name (names repeat).
inline std::string key_of(std::size_t k, const std::string& name) { return std::to_string(k) + ": " + name; }

inline nlohmann::json driver_inputs(const char* section) {
  nlohmann::json out = nlohmann::json::array();
  const auto& vs = vectors(section);
  for (std::size_t k = 0; k < vs.size(); ++k) out.push_back({{"key", key_of(k, vs[k].name)}, {"in", gograde::hex(vs[k].in)}});
  return out;
}

// Go's %q, near enough: printable UTF-8 as is, everything else escaped.
inline std::string quoted(const std::string& s) {
  std::string q = "\"";
  std::string_view rest = s;
  while (!rest.empty()) {
    const auto d = gox::utf8::DecodeRuneInString(rest);
    if (d.r == gox::utf8::RuneError && d.size == 1) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(rest[0]));
      q += buf;
    } else if (d.r < 0x20 || d.r == 0x7f || (d.r >= 0x80 && d.r < 0xa0) || d.r == 0x200d || (d.r >= 0x300 && d.r < 0x370) ||
               (d.r >= 0xfe00 && d.r <= 0xfe0f) || d.r == 0x20e3 || d.r == 0xfffd) {
      char buf[16];
      std::snprintf(buf, sizeof buf, d.r < 0x10000 ? "\\u%04x" : "\\U%08x", static_cast<unsigned>(d.r));
      q += buf;
    } else if (d.r == '"' || d.r == '\\') {
      q += '\\';
      q += static_cast<char>(d.r);
    } else {
      q.append(rest.substr(0, static_cast<std::size_t>(d.size)));
    }
    rest.remove_prefix(static_cast<std::size_t>(d.size));
  }
  return q + "\"";
}
