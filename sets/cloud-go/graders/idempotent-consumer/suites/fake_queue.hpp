#pragma once
// A fake SQS standard queue in virtual time, for the idempotent-consumer
// drivers. Each entry is one copy of a message (a duplicate is a second
// entry with the same id), visible from its arrival. receive() hands out the
// first visible copy and hides it for the visibility timeout, with a new
// receipt; a copy not removed by then is delivered again. remove() takes a
// receipt (a stale one, of an earlier delivery, is counted and ignored).
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "consumer.hpp"
#include "gograde/check.hpp"
#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

struct fake_queue {
  struct entry {
    std::string id;
    gox::time::Time visible_at;
    int receives = 0;
    std::string receipt;
    bool gone = false;
  };
  gox::Mutex mu;
  gox::time::Time t0 = gox::time::Now();
  gox::time::Duration visibility;
  std::vector<entry> entries;
  std::size_t left = 0;
  gox::chan<int> emptied = gox::make_chan<int>();
  long emptied_at_ms = -1;
  std::map<std::string, int> removed, dead_lettered;
  int stale_removes = 0;

  void arrive(const std::string& id, long at_ms) {
    entries.push_back({id, t0.Add(gox::time::Millisecond * at_ms)});
    ++left;
  }

  std::optional<Message> receive(const gox::context::Context& ctx) {
    for (;;) {
      std::optional<gox::time::Time> next;
      {
        std::lock_guard g(mu);
        const gox::time::Time now = gox::time::Now();
        for (std::size_t i = 0; i < entries.size(); ++i) {
          entry& e = entries[i];
          if (e.gone) continue;
          if (!e.visible_at.After(now)) {
            ++e.receives;
            e.visible_at = now.Add(visibility);
            e.receipt = e.id + "/copy" + std::to_string(i) + "/delivery" + std::to_string(e.receives);
            return Message{e.id, "charge for " + e.id, e.receipt, e.receives};
          }
          if (!next || e.visible_at.Before(*next)) next = e.visible_at;
        }
      }
      if (ctx.Err()) return std::nullopt;
      if (!next) {  // nothing left to deliver, ever: wait for the end
        (void)ctx.Done().recv2();
        return std::nullopt;
      }
      gox::time::Timer t = gox::time::NewTimer(next->Sub(gox::time::Now()));
      bool done = false;
      gox::select(gox::recv_case(t.C, [](gox::time::Time) {}),
                  gox::recv_case(ctx.Done(), [&](gox::context::empty) { done = true; }));
      t.Stop();
      if (done) return std::nullopt;
    }
  }

  void remove(const std::string& receipt) {
    std::lock_guard g(mu);
    for (entry& e : entries)
      if (!e.gone && e.receipt == receipt) {
        e.gone = true;
        ++removed[e.id];
        if (--left == 0) {
          emptied_at_ms = gograde::check::ms_since(t0);
          emptied.close();
        }
        return;
      }
    ++stale_removes;
  }

  void dead_letter(const Message& m) {
    std::lock_guard g(mu);
    ++dead_lettered[m.id];
  }
};

// The payment handler: each call takes `ms`; an id in `fail_first` fails
// its first n calls (n < 0: always, a poison message). Records calls,
// successful charges, and how many calls of one id ran at once.
struct payments {
  gox::Mutex mu;
  gox::time::Duration ms;
  std::map<std::string, int> fail_first, calls, charges, running;
  int most_at_once_per_id = 0, running_total = 0, most_running = 0;
};

inline const gox::error kCardDeclined = gox::errors::New("payment provider unavailable");

inline Queue queue_of(std::shared_ptr<fake_queue> q) {
  return Queue{[q](gox::context::Context ctx) { return q->receive(ctx); },
               [q](const std::string& receipt) { q->remove(receipt); },
               [q](const Message& m) { q->dead_letter(m); }};
}

inline Handler handler_of(std::shared_ptr<payments> p) {
  return [p](const Message& m) -> gox::error {
    bool fails;
    {
      std::lock_guard g(p->mu);
      const int n = ++p->calls[m.id];
      const auto f = p->fail_first.find(m.id);
      fails = f != p->fail_first.end() && (f->second < 0 || n <= f->second);
      p->most_at_once_per_id = std::max(p->most_at_once_per_id, ++p->running[m.id]);
      p->most_running = std::max(p->most_running, ++p->running_total);
    }
    gox::time::Sleep(p->ms);
    std::lock_guard g(p->mu);
    --p->running[m.id];
    --p->running_total;
    if (fails) return kCardDeclined;
    ++p->charges[m.id];
    return {};
  };
}
