#pragma once
// Reference: a buffered channel of `limit` slots as the semaphore, a
// WaitGroup for the fibers, the first error kept under a mutex and
// cancelling the group's context.
#include <functional>
#include <memory>
#include <mutex>
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

inline Fetched FetchAll(gox::context::Context parent, const std::vector<std::string>& urls, int limit,
                        const Fetch& fetch) {
  auto [ctx, cancel] = gox::context::WithCancel(parent);
  auto slots = gox::make_chan<gox::context::empty>(static_cast<std::size_t>(limit));
  std::vector<std::string> bodies(urls.size());
  gox::Mutex mu;
  gox::error first;
  gox::WaitGroup wg;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    slots.send({});  // "every URL gets its chance"
    wg.Add(1);
    gox::go(
        [&, i, ctx = ctx, cancel = cancel] {
          auto [body, err] = fetch(ctx, urls[i]);
          {
            std::lock_guard g(mu);
            if (err && !first) {
              first = err;
              cancel();
            }
            bodies[i] = std::move(body);
          }
          (void)slots.recv();
          wg.Done();
        },
        "fetch");
  }
  wg.Wait();
  cancel();
  if (first) return {{}, first};
  if (parent.Err()) return {{}, parent.Err()};
  return {std::move(bodies), {}};
}
