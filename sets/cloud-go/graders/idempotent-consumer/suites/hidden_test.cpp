// Hidden tests for Consume, drive half: each case of the judge's input on
// the fake queue (fake_queue.hpp) in virtual time. The consumer runs until
// every copy is removed (or 10 minutes of virtual time pass, or until the
// case's cancel_at_ms), then its context is cancelled; what the queue and the
// handler saw is observed.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "consumer.hpp"
#include "fake_queue.hpp"
#include "gograde/check.hpp"
#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"

namespace {

using gograde::check::ms_since;
using gograde::check::observe;

void play(const nlohmann::json& c) {
  gograde::check::run(
      [&] {
        auto q = std::make_shared<fake_queue>();
        q->visibility = gox::time::Millisecond * c.at("visibility_ms").get<long>();
        auto p = std::make_shared<payments>();
        p->ms = gox::time::Millisecond * c.at("handle_ms").get<long>();
        for (const auto& m : c.at("messages")) {
          q->arrive(m.at("id"), m.at("at_ms"));
          if (m.at("fail_first").get<int>() != 0) p->fail_first[m.at("id")] = m.at("fail_first");
        }
        auto [ctx, cancel] = gox::context::WithCancel(gox::context::Background());
        auto returned = gox::make_chan<long>(1);
        const int workers = c.at("workers"), max_receives = c.at("max_receives");
        gox::go(
            [q, p, ctx = ctx, returned, workers, max_receives] {
              Consume(ctx, queue_of(q), workers, max_receives, handler_of(p));
              returned.send(ms_since(q->t0));
            },
            "consumer");
        const long cancel_at = c.value("cancel_at_ms", -1L);
        if (cancel_at >= 0)  // a shutdown while handlers run
          gox::time::Sleep(gox::time::Millisecond * cancel_at);
        else
          gox::select(gox::recv_case(q->emptied, [](int, bool) {}),
                      gox::recv_case(gox::time::After(10 * gox::time::Minute), [](gox::time::Time) {}));
        const long cancelled_at = ms_since(q->t0);
        cancel();
        const long returned_at = returned.recv();
        std::lock_guard gq(q->mu);
        std::lock_guard gp(p->mu);
        observe(c.at("key").get<std::string>(), {{"charges", p->charges},
                                                 {"calls", p->calls},
                                                 {"most calls of one id at once", p->most_at_once_per_id},
                                                 {"most calls at once", p->most_running},
                                                 {"removed", q->removed},
                                                 {"dead-lettered", q->dead_lettered},
                                                 {"copies left", q->left},
                                                 {"stale removes", q->stale_removes},
                                                 {"emptied at ms", q->emptied_at_ms},
                                                 {"cancelled at ms", cancelled_at},
                                                 {"returned at ms", returned_at}});
      },
      gograde::check::virtual_time);
}

void cases(const std::string& test) {
  for (const auto& c : gograde::check::input("cases"))
    if (c.at("test") == test) play(c);
}

}  // namespace

TEST_CASE("Every message charged exactly once, handlers side by side", "[once]") { cases("once"); }

TEST_CASE("Duplicates delivered later are removed, not charged", "[duplicates]") { cases("duplicates"); }

TEST_CASE("A duplicate delivered while the first copy is handled is not charged", "[in-flight]") { cases("in-flight"); }

TEST_CASE("A failed message is redelivered after its visibility timeout", "[retry]") { cases("retry"); }

TEST_CASE("A poison message goes to the DLQ after max_receives attempts", "[dlq]") { cases("dlq"); }

TEST_CASE("Cancelled while handlers run, Consume returns once they are done", "[shutdown]") { cases("shutdown"); }

TEST_CASE("Concurrent deliveries and duplicates on explored schedules", "[concurrent]") { cases("concurrent"); }
