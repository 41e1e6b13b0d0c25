#pragma once
// The cases of graders/worker-pool/data/vectors.json (also checked by the Go
// twin; read by the judge halves, which give the drivers the inputs only),
// and helpers that observe a pool from the outside.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "gograde/check.hpp"
#include "gograde/data.hpp"

using gograde::check::ms_since;
using gograde::check::virtual_time;
#include "gox/chan.hpp"
#include "gox/time.hpp"

struct pool_case {
  std::string name;
  int workers = 0;
  std::vector<int> jobs;
  long job_ms = 0, elapsed_ms = 0;
  std::vector<int> results;
};

struct runall_case {
  std::string name;
  int workers = 0;
  std::vector<int> jobs;
  int fail = -1;
  long job_ms = 0, fail_ms = 0;
  std::vector<int> started;
  long elapsed_ms = 0;
  std::vector<int> results;
};

inline const nlohmann::json& vectors() {
  static const nlohmann::json v = nlohmann::json::parse(gograde::data("vectors.json"));
  return v;
}

inline std::vector<pool_case> pool_cases() {
  std::vector<pool_case> out;
  for (const auto& c : vectors().at("pool"))
    out.push_back({c.at("name"), c.at("workers"), c.at("jobs").get<std::vector<int>>(), c.at("job_ms"),
                   c.at("elapsed_ms"), c.at("results").get<std::vector<int>>()});
  if (out.size() < 5) throw std::runtime_error("vectors.json: too few pool cases");
  return out;
}

inline std::vector<runall_case> runall_cases() {
  std::vector<runall_case> out;
  for (const auto& c : vectors().at("runall"))
    out.push_back({c.at("name"), c.at("workers"), c.at("jobs").get<std::vector<int>>(), c.at("fail"), c.at("job_ms"),
                   c.at("fail_ms"), c.at("started").get<std::vector<int>>(), c.at("elapsed_ms"),
                   c.at("results").get<std::vector<int>>()});
  if (out.size() < 3) throw std::runtime_error("vectors.json: too few runall cases");
  return out;
}

// A case's key in observations: its position and name.
inline std::string key_of(std::size_t k, const std::string& name) { return std::to_string(k) + ": " + name; }

// What a driver may see of the cases: their inputs, not what they give.
inline nlohmann::json driver_pool_inputs() {
  nlohmann::json out = nlohmann::json::array();
  const auto all = pool_cases();
  for (std::size_t k = 0; k < all.size(); ++k)
    out.push_back({{"key", key_of(k, all[k].name)}, {"workers", all[k].workers}, {"jobs", all[k].jobs},
                   {"job_ms", all[k].job_ms}});
  return out;
}

inline nlohmann::json driver_runall_inputs() {
  nlohmann::json out = nlohmann::json::array();
  const auto all = runall_cases();
  for (std::size_t k = 0; k < all.size(); ++k)
    out.push_back({{"key", key_of(k, all[k].name)}, {"workers", all[k].workers}, {"jobs", all[k].jobs},
                   {"fail", all[k].fail}, {"job_ms", all[k].job_ms}, {"fail_ms", all[k].fail_ms}});
  return out;
}

// A jobs channel holding `jobs`, closed.
inline gox::chan<int> closed_jobs(const std::vector<int>& jobs) {
  auto ch = gox::make_chan<int>(jobs.size());
  for (int j : jobs) ch.send(j);
  ch.close();
  return ch;
}

template <class T>
std::string show(std::vector<T> v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}
