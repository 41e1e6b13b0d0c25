#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"
#include "gox_test.hpp"

using namespace gox_test;
namespace t = gox::time;
namespace ctxns = gox::context;

TEST_CASE("Background is never done", "[gox][context]") {
  run_ok(virt(), [] {
    auto bg = ctxns::Background();
    REQUIRE_FALSE(bg.Done());
    REQUIRE_FALSE(bg.Err());
    REQUIRE_FALSE(bg.Deadline().has_value());
  });
}

TEST_CASE("Cancel closes Done, sets Err to Canceled and reaches every descendant",
          "[gox][context]") {
  run_ok(virt(), [] {
    auto [parent, cancel_parent] = ctxns::WithCancel(ctxns::Background());
    auto [child, cancel_child] = ctxns::WithCancel(parent);
    auto grandchild = ctxns::WithValue(child, "k", "v");
    auto [leaf, cancel_leaf] = ctxns::WithCancel(grandchild);
    REQUIRE_FALSE(parent.Err());
    REQUIRE(leaf.Value("k") == "v");

    bool woke = false;
    gox::go([&, leaf = leaf] {
      leaf.Done().recv();
      woke = true;
    });
    cancel_parent();
    t::Sleep(t::Millisecond);
    REQUIRE(woke);
    REQUIRE(parent.Err() == ctxns::Canceled);
    REQUIRE(child.Err() == ctxns::Canceled);
    REQUIRE(leaf.Err() == ctxns::Canceled);
    REQUIRE_FALSE(leaf.Done().recv2().ok);
    cancel_parent();  // idempotent
    cancel_child();
    cancel_leaf();
  });
}

TEST_CASE("Cancelling a child leaves its parent running", "[gox][context]") {
  run_ok(virt(), [] {
    auto [parent, cancel_parent] = ctxns::WithCancel(ctxns::Background());
    auto [child, cancel_child] = ctxns::WithCancel(parent);
    cancel_child();
    REQUIRE(child.Err() == ctxns::Canceled);
    REQUIRE_FALSE(parent.Err());
    cancel_parent();
  });
}

TEST_CASE("A child of a canceled parent starts canceled", "[gox][context]") {
  run_ok(virt(), [] {
    auto [parent, cancel] = ctxns::WithCancel(ctxns::Background());
    cancel();
    auto [child, cancel_child] = ctxns::WithTimeout(parent, t::Hour);
    REQUIRE(child.Err() == ctxns::Canceled);
    cancel_child();
  });
}

TEST_CASE("WithTimeout is done at exactly its deadline with DeadlineExceeded", "[gox][context]") {
  run_ok(virt(), [] {
    auto start = t::Now();
    auto [ctx, cancel] = ctxns::WithTimeout(ctxns::Background(), 3 * t::Second);
    REQUIRE(ctx.Deadline()->Sub(start) == 3 * t::Second);
    ctx.Done().recv();
    REQUIRE(t::Since(start) == 3 * t::Second);
    REQUIRE(ctx.Err() == ctxns::DeadlineExceeded);
    REQUIRE(gox::errors::Is(ctx.Err(), ctxns::DeadlineExceeded));
    REQUIRE(ctx.Err().Error() == "context deadline exceeded");
    cancel();
  });
}

TEST_CASE("A child's deadline never extends its parent's", "[gox][context]") {
  run_ok(virt(), [] {
    auto start = t::Now();
    auto [parent, cp] = ctxns::WithTimeout(ctxns::Background(), t::Second);
    auto [child, cc] = ctxns::WithTimeout(parent, t::Hour);
    REQUIRE(child.Deadline()->Sub(start) == t::Second);
    child.Done().recv();
    REQUIRE(t::Since(start) == t::Second);
    REQUIRE(child.Err() == ctxns::DeadlineExceeded);
    cp();
    cc();
  });
}

TEST_CASE("Contexts start no watcher fibers, so nothing leaks", "[gox][context]") {
  auto r = gox::run(virt(), [] {
    auto [a, ca] = ctxns::WithCancel(ctxns::Background());
    auto [b, cb] = ctxns::WithTimeout(a, t::Hour);
    auto [c, cc] = ctxns::WithCancel(b);
    (void)c;
    (void)cc;
    (void)cb;
    ca();
  });
  INFO(r.report());
  REQUIRE(r.result == gox::outcome::ok);
}

TEST_CASE("Done works as a select case", "[gox][context]") {
  run_ok(virt(), [] {
    auto r = ctxns::WithTimeout(ctxns::Background(), 2 * t::Second);
    auto ctx = r.ctx;
    auto cancel = r.cancel;
    auto work = gox::make_chan<int>();
    std::string why;
    gox::select(gox::recv_case(work, [](int) {}),
                gox::recv_case(ctx.Done(), [&](auto) { why = ctx.Err().Error(); }));
    REQUIRE(why == "context deadline exceeded");
    cancel();
  });
}
