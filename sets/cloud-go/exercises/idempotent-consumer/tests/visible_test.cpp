// Visible tests: what `gograde test cloud-go/idempotent-consumer` runs, on a
// tiny in-memory queue (no visibility timeout: enough to start).
#include <catch2/catch.hpp>

#include <deque>
#include <map>
#include <memory>

#include "consumer.hpp"
#include "gograde/check.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"

using namespace std::chrono_literals;

namespace {
struct tiny_queue {
  gox::Mutex mu;
  std::deque<Message> waiting;
  std::map<std::string, int> removed;
};

Queue queue_of(std::shared_ptr<tiny_queue> t) {
  return Queue{[t](gox::context::Context ctx) -> std::optional<Message> {
                 for (;;) {
                   {
                     std::lock_guard g(t->mu);
                     if (!t->waiting.empty()) {
                       Message m = t->waiting.front();
                       t->waiting.pop_front();
                       return m;
                     }
                   }
                   if (ctx.Err()) return std::nullopt;
                   gox::time::Sleep(10ms);  // poll
                 }
               },
               [t](const std::string& receipt) {
                 std::lock_guard g(t->mu);
                 ++t->removed[receipt];
               },
               [](const Message&) {}};
}
}  // namespace

TEST_CASE("A message delivered twice is charged once, both copies removed", "[duplicates]") {
  gograde::check::run(
      [] {
        auto t = std::make_shared<tiny_queue>();
        t->waiting = {{"order-1", "charge 10 EUR", "r1", 1}, {"order-1", "charge 10 EUR", "r2", 1}};
        auto charged = std::make_shared<int>(0);
        auto [ctx, cancel] = gox::context::WithTimeout(gox::context::Background(), 1s);
        Consume(ctx, queue_of(t), 1, 5, [charged](const Message&) {
          ++*charged;
          return gox::error();
        });
        cancel();
        CHECK(*charged == 1);
        CHECK(t->removed == std::map<std::string, int>{{"r1", 1}, {"r2", 1}});
      },
      gograde::check::virtual_time);
}
