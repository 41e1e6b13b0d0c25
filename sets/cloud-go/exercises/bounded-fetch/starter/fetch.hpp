#pragma once
// Bounded parallel fetch: see README.md.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/error.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

using Fetch = std::function<std::pair<std::string, gox::error>(gox::context::Context, const std::string& url)>;

struct Fetched {
  std::vector<std::string> bodies;
  gox::error err;
};

inline Fetched FetchAll(gox::context::Context ctx, const std::vector<std::string>& urls, int limit, const Fetch& fetch) {
  (void)limit;
  Fetched out;
  for (const auto& u : urls) {  // TODO: in parallel, at most `limit` at a time
    auto [body, err] = fetch(ctx, u);
    if (err) return {{}, err};
    out.bodies.push_back(body);
  }
  return out;
}
