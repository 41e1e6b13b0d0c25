#pragma once
// Singleflight: see README.md. Do may be called concurrently.
#include <functional>
#include <string>
#include <utility>

#include "gox/error.hpp"
#include "gox/sync.hpp"

struct Result {
  std::string val;
  gox::error err;
  bool shared = false;
};

class Group {
 public:
  Result Do(const std::string& key, const std::function<std::pair<std::string, gox::error>()>& fn) {
    (void)key;
    auto [v, err] = fn();  // TODO: share one call per key
    return {v, err, false};
  }
};
