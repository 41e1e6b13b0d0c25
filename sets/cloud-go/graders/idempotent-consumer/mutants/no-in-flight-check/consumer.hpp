#pragma once
// Reference: workers share a done-set and an in-flight set under one mutex;
// handle runs outside it; remove only after success; poison messages to the
// DLQ.
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "gox/context.hpp"
#include "gox/error.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

struct Message {
  std::string id, body, receipt;
  int receives = 1;
};

struct Queue {
  std::function<std::optional<Message>(gox::context::Context)> receive;
  std::function<void(const std::string& receipt)> remove;
  std::function<void(const Message&)> dead_letter;
};

using Handler = std::function<gox::error(const Message&)>;

inline void Consume(gox::context::Context ctx, const Queue& q, int workers, int max_receives, const Handler& handle) {
  gox::Mutex mu;
  std::set<std::string> done, in_flight;
  gox::WaitGroup wg;
  for (int w = 0; w < workers; ++w) {
    wg.Add(1);
    gox::go(
        [&] {
          while (std::optional<Message> m = q.receive(ctx)) {
            {
              std::unique_lock lk(mu);
              if (done.count(m->id)) {  // a duplicate of a message already handled
                lk.unlock();
                q.remove(m->receipt);
                continue;
              }
              // "The done-set is enough": a copy of an id being handled is handled again.
              if (m->receives > max_receives) {      // poison
                lk.unlock();
                q.dead_letter(*m);
                q.remove(m->receipt);
                continue;
              }
              in_flight.insert(m->id);
            }
            const gox::error err = handle(*m);
            {
              std::lock_guard g(mu);
              in_flight.erase(m->id);
              if (!err) done.insert(m->id);
            }
            if (!err) q.remove(m->receipt);
          }
          wg.Done();
        },
        "consumer");
  }
  wg.Wait();
}
