#pragma once
// The cases of graders/worker-pool/data/vectors.json (also checked by the Go
// twin), and helpers that observe a pool from the outside.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "gograde/check.hpp"

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
  static const nlohmann::json v = nlohmann::json::parse(gograde::check::data("vectors.json"));
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
