#pragma once
// Idempotent queue consumer: see README.md. Keep Message, Queue and Handler
// as they are: the tests use them.
#include <functional>
#include <optional>
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
  (void)workers;
  (void)max_receives;
  while (auto m = q.receive(ctx)) {  // TODO: workers, idempotency, the DLQ
    q.remove(m->receipt);
    (void)handle(*m);
  }
}
