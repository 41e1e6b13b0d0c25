#include "engine/cause.hpp"

#include <catch2/catch.hpp>

#include "engine/report.hpp"

using namespace gograde;

namespace {

run_outcome run(verdict v, std::string evidence, std::vector<std::pair<std::string, int>> lines = {}) {
  run_outcome r;
  r.v = v;
  r.config = "det seed=1";
  r.evidence = std::move(evidence);
  for (auto& [f, l] : lines) r.excerpts.push_back({f, l, l, {"x"}, "why"});
  return r;
}

item_outcome item(const std::string& id, std::vector<run_outcome> runs) {
  item_outcome io;
  io.item.id = id;
  io.item.title = id;
  io.item.points = 1;
  io.runs = std::move(runs);
  decide_item(io);
  return io;
}

const std::string kPanic4 =
    "in \"a\":\npanic: close of closed channel [in fiber 4 \"worker\" at pool.hpp:18]\n\ngoroutine 1 \"main\" [chan receive]:";
const std::string kPanic7 =
    "in \"b\":\npanic: close of closed channel [in fiber 7 \"worker\" at pool.hpp:18]\n\ngoroutine 2 \"worker\" [runnable]:";

}  // namespace

TEST_CASE("One panicking call is one cause, whichever fiber and test it hit", "[cause]") {
  const cause a = cause_of(run(verdict::crash, kPanic4)), b = cause_of(run(verdict::crash, kPanic7));
  CHECK(a.key == b.key);
  CHECK(a.headline == "panic: close of closed channel at pool.hpp:18");
  const cause other = cause_of(run(verdict::crash, "in \"a\":\npanic: send on closed channel [in fiber 4 \"w\" at pool.hpp:18]"));
  CHECK(other.key != a.key);
}

TEST_CASE("Races and deadlocks are told apart by the candidate's lines", "[cause]") {
  const auto r1 = run(verdict::data_race, "data race ...", {{"counter.hpp", 9}, {"counter.hpp", 14}});
  const auto r2 = run(verdict::data_race, "data race (other text)", {{"counter.hpp", 14}, {"counter.hpp", 9}});
  const auto r3 = run(verdict::data_race, "data race ...", {{"counter.hpp", 20}});
  CHECK(cause_of(r1).key == cause_of(r2).key);
  CHECK(cause_of(r1).key != cause_of(r3).key);
  CHECK(cause_of(r1).headline == "data race at counter.hpp:14, counter.hpp:9");
  const auto d = run(verdict::deadlock, "in \"t\":\nfatal error: all goroutines are asleep - deadlock!", {{"pool.hpp", 30}});
  CHECK(cause_of(d).headline == "deadlock: fibers blocked at pool.hpp:30");
  // The same lines with another verdict: another cause.
  CHECK(cause_of(run(verdict::leak, "leak", {{"pool.hpp", 30}})).key != cause_of(d).key);
}

TEST_CASE("A failed check is its test and check, numbers that vary do not split it", "[cause]") {
  const auto a = run(verdict::failed, "\"Plain threads lose no update\": CHECK( 199 == 200 )");
  const auto b = run(verdict::failed, "\"Plain threads lose no update\": CHECK( 187 == 200 )");
  const auto c = run(verdict::failed, "\"Many fibers lose no update\": CHECK( 187 == 200 )");
  CHECK(cause_of(a).key == cause_of(b).key);
  CHECK(cause_of(a).key != cause_of(c).key);
  CHECK(cause_of(run(verdict::passed, "")).key.empty());
  CHECK(cause_of(run(verdict::skipped, "not attempted")).key.empty());
}

TEST_CASE("A build failure's headline says what failed, not only that something did", "[cause]") {
  const auto runtime = run(verdict::internal_error,
                           "building the normal runtime failed:\nIn file included from gox/src/chan.cpp:1:\n"
                           "gox/include/gox/chan.hpp:12:3: error: 'foo' was not declared in this scope\n   12 | foo();\n");
  CHECK(cause_of(runtime).headline ==
        "internal_error: building the normal runtime failed: "
        "gox/include/gox/chan.hpp:12:3: error: 'foo' was not declared in this scope");
  const auto timed_out = run(verdict::internal_error,
                             "building the race runtime failed:\nthe compiler ran out of time\n");
  CHECK(cause_of(timed_out).headline ==
        "internal_error: building the race runtime failed: the compiler ran out of time");
  const auto compile = run(verdict::compile_error,
                           "In file included from suite.cpp:3:\ncounter.hpp:9:5: error: expected ';' before '}' token\n");
  CHECK(cause_of(compile).headline == "compile_error: counter.hpp:9:5: error: expected ';' before '}' token");
  // Not a build: a check's own text is not searched for "error: ".
  const auto failed = run(verdict::failed, "\"Retry\": CHECK( err == nil )\nwith: last error: timeout");
  CHECK(cause_of(failed).headline == "failed: \"Retry\": CHECK( err == nil )");
}

TEST_CASE("A grade's causes are counted over items, a report shows each once", "[cause]") {
  grade_result g;
  g.exercise = "worker-pool";
  g.title = "Worker pool";
  g.submission = "s";
  g.overall = verdict::crash;
  g.items = {item("exactly-once", {run(verdict::crash, kPanic4), run(verdict::crash, kPanic7)}),
             item("close", {run(verdict::crash, kPanic7)}),
             item("concurrent", {run(verdict::passed, "")}),
             item("race-free", {run(verdict::data_race, "data race", {{"pool.hpp", 17}})})};
  const auto groups = group_causes(g);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].runs == 3);
  CHECK(groups[0].items == std::vector<std::string>{"exactly-once", "close"});
  CHECK(groups[0].item == 0);
  CHECK(groups[1].items == std::vector<std::string>{"race-free"});
  CHECK(group_of(groups, g.items[1].runs[0]) == 0);
  CHECK(group_of(groups, g.items[2].runs[0]) == static_cast<std::size_t>(-1));

  const std::string text = to_text(g, false);
  CHECK(text.find("the same cause as [exactly-once] (cause 1 below)") != std::string::npos);
  CHECK(text.find("goroutine 2 \"worker\"") == std::string::npos);  // close's own dump is not repeated
  CHECK(text.find("causes (2 distinct):") != std::string::npos);
  CHECK(text.find("1. panic: close of closed channel at pool.hpp:18 — 3 run(s) in [exactly-once, close]") !=
        std::string::npos);
  const auto j = to_json(g);
  CHECK(j["causes"].size() == 2);
  CHECK(j["causes"][0]["runs"] == 3);
  CHECK(j["items"][1]["runs"][0]["cause"] == 0);
  const std::string html = to_html(g);
  CHECK(html.find("the same cause as <code>exactly-once</code> (cause 1)") != std::string::npos);
}
