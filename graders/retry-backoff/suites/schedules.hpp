#pragma once
// The schedules of graders/retry-backoff/data/vectors.json (also checked by
// the Go twin; read by the judge halves, which give the drivers the inputs
// only) and a recorder of when an operation is called (drivers).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gograde/check.hpp"
#include "gograde/data.hpp"

using gograde::check::ms_since;
using gograde::check::virtual_time;
#include "gox/error.hpp"
#include "gox/time.hpp"

struct schedule {
  std::string name;
  int attempts = 0, succeed_on = 0;
  long base_ms = 0, cap_ms = 0;
  std::vector<long> attempt_at_ms;
  long return_at_ms = 0;
  bool ok = false;
};

// Judge halves: every schedule, with what it must give.
inline std::vector<schedule> schedules() {
  std::vector<schedule> out;
  const nlohmann::json all = nlohmann::json::parse(gograde::data("vectors.json"));
  for (const auto& s : all.at("schedules"))
    out.push_back({s.at("name"), s.at("attempts"), s.at("succeed_on"), s.at("base_ms"), s.at("cap_ms"),
                   s.at("attempt_at_ms").get<std::vector<long>>(), s.at("return_at_ms"), s.at("ok")});
  if (out.size() < 10) throw std::runtime_error("vectors.json: too few schedules");
  return out;
}

// A schedule's key in observations: its position and name.
inline std::string key_of(std::size_t k, const std::string& name) { return std::to_string(k) + ": " + name; }

// Retry's own schedules: base 1 s, no cap.
inline bool is_retrys(long base_ms, long cap_ms) { return base_ms == 1000 && cap_ms == 0; }

// What a driver may see of the schedules: the inputs, not the instants.
inline nlohmann::json driver_inputs() {
  nlohmann::json out = nlohmann::json::array();
  const auto all = schedules();
  for (std::size_t k = 0; k < all.size(); ++k) {
    const auto& s = all[k];
    out.push_back({{"key", key_of(k, s.name)}, {"attempts", s.attempts}, {"succeed_on", s.succeed_on},
                   {"base_ms", s.base_ms}, {"cap_ms", s.cap_ms}});
  }
  return out;
}

// An operation that fails with a new error each call until call `succeed_on`.
struct recorder {
  gox::time::Time t0 = gox::time::Now();
  int succeed_on = 0;
  std::vector<long> at_ms;
  std::vector<gox::error> errors;
  gox::error call() {
    at_ms.push_back(ms_since(t0));
    gograde::check::event("attempt " + std::to_string(at_ms.size()), "operation");
    if (static_cast<int>(at_ms.size()) == succeed_on) return nullptr;
    errors.push_back(gox::errorf("failure {}", at_ms.size()));
    return errors.back();
  }
};

inline std::string show(const std::vector<long>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "] ms";
}
