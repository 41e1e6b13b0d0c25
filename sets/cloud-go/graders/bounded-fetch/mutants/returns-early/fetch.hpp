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
  auto mu = std::make_shared<gox::Mutex>();
  auto first = std::make_shared<gox::error>();
  auto wg = std::make_shared<gox::WaitGroup>();
  auto bodies_p = std::make_shared<std::vector<std::string>>(urls.size());
  auto failed = gox::make_chan<gox::context::empty>(1);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    bool stopped = false;
    gox::select(gox::send_case(slots, gox::context::empty{}, [] {}),
                gox::recv_case(ctx.Done(), [&] { stopped = true; }));
    if (stopped || ctx.Err()) break;  // both ready: select may pick the slot
    wg->Add(1);
    gox::go(
        [=, url = urls[i], ctx = ctx, cancel = cancel] {
          auto [body, err] = fetch(ctx, url);
          {
            std::lock_guard g(*mu);
            if (err && !*first) {
              *first = err;
              cancel();
              (void)failed.try_send({});
            }
            (*bodies_p)[i] = std::move(body);
          }
          (void)slots.recv();
          wg->Done();
        },
        "fetch");
  }
  // "On the first error, return at once: the caller should not wait for
  // fetches whose results are thrown away."
  auto all_done = gox::make_chan<gox::context::empty>(1);
  gox::go([wg, all_done] { wg->Wait(); all_done.send({}); }, "waiter");
  gox::select(gox::recv_case(all_done, [](gox::context::empty) {}), gox::recv_case(failed, [](gox::context::empty) {}));
  cancel();
  std::lock_guard g(*mu);
  if (*first) return {{}, *first};
  if (parent.Err()) return {{}, parent.Err()};
  return {*bodies_p, {}};
}
