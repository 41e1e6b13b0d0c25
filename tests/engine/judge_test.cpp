#include "engine/judge.hpp"

#include "engine/grade.hpp"
#include "engine/validate.hpp"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using namespace gograde;

namespace {

test_outcome test(const std::string& name, bool passed, const std::string& kind = "ok") {
  test_outcome t;
  t.name = name;
  t.passed = passed;
  t.kind = kind;
  t.detail = kind == "ok" ? "probe.hpp:3: CHECK( x == 1 )" : "goroutine 1 [chan receive]:";
  return t;
}

// A run that finished cleanly with two passing tests.
run_facts clean() {
  run_facts f;
  f.exit_code = 0;
  f.done = true;
  f.tests = {test("a", true), test("b", true)};
  f.timeout = std::chrono::seconds(8);
  f.stall_limit = std::chrono::seconds(3);
  f.cpu_limit = std::chrono::seconds(16);
  return f;
}

race::report data_race() {
  race::report r;
  r.kind = "data race";
  return r;
}

}  // namespace

TEST_CASE("A clean run with every test passing is passed, one failed check is failed", "[judge]") {
  CHECK(judge(clean()).v == verdict::passed);
  run_facts f = clean();
  f.tests[1].passed = false;
  const judgement j = judge(f);
  CHECK(j.v == verdict::failed);
  CHECK(j.test == 1);
  CHECK(j.evidence.find("\"b\"") != std::string::npos);
}

TEST_CASE("Forged records are rejected whatever else happened", "[judge]") {
  run_facts f = clean();
  f.forged = 2;
  f.races = {data_race()};
  f.timed_out = true;
  CHECK(judge(f).v == verdict::rejected);
}

TEST_CASE("A race build that exits with TSan's status but delivered no report was tampered with", "[judge]") {
  run_facts f = clean();
  f.fl = flavour::race;
  f.exit_code = kRaceExitCode;
  const judgement silenced = judge(f);
  CHECK(silenced.v == verdict::rejected);
  CHECK(silenced.evidence.find("tampered") != std::string::npos);
  f.races = {data_race()};
  CHECK(judge(f).v == verdict::data_race);
  f.races.clear();
  f.tsan_error = "ERROR: ThreadSanitizer: out of memory";  // the detector itself failed: a crash, never a pass
  CHECK(judge(f).v == verdict::crash);
  f.memory_exceeded = true;
  f.done = false;
  CHECK(judge(f).v == verdict::memory_limit);
  f = clean();
  f.exit_code = kRaceExitCode;  // a normal build may exit 66 for its own reasons: not a race
  CHECK(judge(f).v == verdict::passed);
}

TEST_CASE("A flood of race reports is a data race, any other flood is output_limit", "[judge]") {
  run_facts f = clean();
  f.fl = flavour::race;
  f.output_exceeded = true;
  f.term_signal = SIGKILL;
  CHECK(judge(f).v == verdict::output_limit);
  f.races = {data_race()};
  CHECK(judge(f).v == verdict::data_race);
}

TEST_CASE("Files past the disk quota are output_limit", "[judge]") {
  run_facts f = clean();
  f.disk_exceeded = true;
  f.term_signal = SIGKILL;
  f.done = false;
  CHECK(judge(f).v == verdict::output_limit);
  CHECK(judge(f).evidence.find("files") != std::string::npos);
}

TEST_CASE("Stalls, wall clock and CPU limits are timeouts and say which", "[judge]") {
  run_facts f = clean();
  f.stalled = true;
  f.term_signal = SIGKILL;
  f.done = false;
  CHECK(judge(f).v == verdict::timeout);
  CHECK(judge(f).evidence.find("no progress for 3 s") != std::string::npos);
  f.stalled = false;
  f.timed_out = true;
  CHECK(judge(f).v == verdict::timeout);
  CHECK(judge(f).evidence.find("after 8 s of running time;") != std::string::npos);
  f.waited_for_cpu = std::chrono::milliseconds(2500);
  CHECK(judge(f).evidence.find("(and 2.5 s more waiting for a busy CPU)") != std::string::npos);
  // Kept from running past every extension: the machine's fault, not a verdict.
  f.busy = true;
  CHECK(judge(f).v == verdict::inconclusive);
  CHECK(judge(f).evidence.find("machine was too busy") != std::string::npos);
  f.busy = false;
  f.timed_out = false;
  f.cpu_exceeded = true;
  CHECK(judge(f).evidence.find("16 s of CPU") != std::string::npos);
}

TEST_CASE("Limits count only when the run did not end cleanly", "[judge]") {
  run_facts f = clean();
  f.memory_exceeded = true;
  CHECK(judge(f).v == verdict::passed);  // a refused allocation it survived
  f.term_signal = SIGKILL;
  CHECK(judge(f).v == verdict::memory_limit);
  f = clean();
  f.pids_exceeded = true;
  f.done = false;
  CHECK(judge(f).v == verdict::crash);
  CHECK(judge(f).evidence.find("processes and threads") != std::string::npos);
}

TEST_CASE("gox outcomes rank deadlock, then leak, then panic, and name their test", "[judge]") {
  run_facts f = clean();
  f.tests = {test("p", false, "panic"), test("l", false, "leak"), test("d", false, "deadlock")};
  judgement j = judge(f);
  CHECK(j.v == verdict::deadlock);
  CHECK(j.test == 2);
  f.tests.pop_back();
  CHECK(judge(f).v == verdict::leak);
  f.tests.pop_back();
  CHECK(judge(f).v == verdict::crash);
}

TEST_CASE("A suite that stops early is a crash, never a pass, a signal is named", "[judge]") {
  run_facts f = clean();
  f.done = false;
  CHECK(judge(f).v == verdict::crash);
  CHECK(judge(f).evidence.find("before reporting every test") != std::string::npos);
  f.term_signal = SIGSEGV;
  CHECK(judge(f).evidence.find("signal 11") != std::string::npos);
}

TEST_CASE("Our faults are internal errors, never the candidate's", "[judge]") {
  run_facts f = clean();
  f.start_failed = true;
  f.start_error = "cannot run bwrap";
  CHECK(judge(f).v == verdict::internal_error);
  f = clean();
  f.internal = "missing data file x.json";
  CHECK(judge(f).v == verdict::internal_error);
  f = clean();
  f.tests.clear();
  f.test_spec = "[nothing]";
  CHECK(judge(f).v == verdict::internal_error);
}

TEST_CASE("A judge half that did not finish is our fault, whatever the driver did", "[judge]") {
  run_facts f = clean();
  f.judge_error = "the judge half of the suite did not finish (signal 11)";
  f.forged = 3;
  f.term_signal = SIGSEGV;
  CHECK(judge(f).v == verdict::internal_error);
  CHECK(judge(f).evidence.find("judge half") != std::string::npos);
}

TEST_CASE("Tests the driver never reported fail, a driver that stopped is a crash", "[judge]") {
  // What the judge sends for a test the driver reported nothing for.
  run_facts f = clean();
  f.tests.push_back(test("c", false, "missing"));
  f.tests.back().detail = "the driver reported nothing for this test: it stopped before the test ended";
  CHECK(judge(f).v == verdict::failed);
  CHECK(judge(f).evidence.find("reported nothing") != std::string::npos);
  f.done = false;  // and the driver's last record never came
  CHECK(judge(f).v == verdict::crash);
}

TEST_CASE("A race report is evidence even when the program hung or ran out of time after it", "[judge]") {
  run_facts f = clean();
  f.fl = flavour::race;
  f.stalled = true;
  f.exit_code = -1;
  f.term_signal = SIGKILL;
  f.races = {data_race()};
  CHECK(judge(f).v == verdict::data_race);
  f.races.clear();
  CHECK(judge(f).v == verdict::timeout);
  // The count of finished tests leaves out those the driver never reported.
  f.tests.push_back(test("c", false, "missing"));
  CHECK(judge(f).evidence.find("2 test(s) had finished") != std::string::npos);
}

TEST_CASE("An item about races fails only on a race report", "[judge]") {
  // A race report decides, as ever.
  CHECK(race_item_run(verdict::data_race, true, true).v == verdict::data_race);
  CHECK(race_item_run(verdict::passed, false, true).v == verdict::passed);
  // Functional failures are the other items': passed when every test ran
  // under the detector, inconclusive when the run ended before.
  for (verdict v : {verdict::failed, verdict::deadlock, verdict::leak, verdict::crash, verdict::timeout}) {
    CAPTURE(to_string(v));
    const auto all = race_item_run(v, false, true);
    CHECK(all.v == verdict::passed);
    CHECK_THAT(all.note, Catch::Contains("no data race"));
    const auto part = race_item_run(v, false, false);
    CHECK(part.v == verdict::inconclusive);
    CHECK_THAT(part.note, Catch::Contains("nothing is proven"));
  }
  // Another kind of ThreadSanitizer report (a crash it found) keeps its verdict.
  CHECK(race_item_run(verdict::crash, true, true).v == verdict::crash);
  // What says nothing of races keeps its verdict: ours, a forgery, a limit.
  for (verdict v : {verdict::internal_error, verdict::rejected, verdict::output_limit, verdict::memory_limit,
                    verdict::compile_error, verdict::skipped})
    CHECK(race_item_run(v, false, false).v == v);
  // Inconclusive ranks just above a pass, below every failure.
  CHECK(severity(verdict::inconclusive) > severity(verdict::passed));
  CHECK(severity(verdict::inconclusive) < severity(verdict::failed));
  CHECK(parse_verdict("inconclusive") == verdict::inconclusive);
}

TEST_CASE("A check the judge could not conclude is inconclusive, unless another test failed", "[judge]") {
  run_facts f = clean();
  f.tests[0].passed = false;
  f.tests[0].inconclusive = true;
  f.tests[0].detail = "only 12 chunks overlapped";
  judgement j = judge(f);
  CHECK(j.v == verdict::inconclusive);
  CHECK(j.test == 0);
  CHECK_THAT(j.evidence, Catch::Contains("could not conclude") && Catch::Contains("only 12 chunks"));
  // A failure elsewhere is evidence: it decides.
  f.tests[1].passed = false;
  j = judge(f);
  CHECK(j.v == verdict::failed);
  CHECK(j.test == 1);
  // So does anything graver (a gox deadlock in the inconclusive test's run).
  f.tests[1].passed = true;
  f.tests[0].kind = "deadlock";
  CHECK(judge(f).v == verdict::deadlock);
}

namespace {

run_outcome run_of(flavour fl, verdict v) {
  run_outcome r;
  r.fl = fl;
  r.v = v;
  r.evidence = "what the run did";
  return r;
}

item_outcome item_of(std::vector<run_outcome> runs) {
  item_outcome io;
  io.runs = std::move(runs);
  decide_item(io);
  return io;
}

}  // namespace

TEST_CASE("A parallel run that could not conclude is set aside when explored schedules decided", "[judge]") {
  using enum verdict;
  // The explored runs concluded: the normal build's inconclusive run does not
  // cost the item, and says why it was set aside.
  item_outcome io = item_of({run_of(flavour::normal, passed), run_of(flavour::normal, inconclusive),
                             run_of(flavour::explore, passed), run_of(flavour::explore, passed)});
  CHECK(io.v == passed);
  CHECK_THAT(io.runs[1].evidence, Catch::Contains("set aside"));
  CHECK_THAT(io.runs[0].evidence, !Catch::Contains("set aside"));
  // Deciding twice notes it once.
  decide_item(io);
  CHECK(io.runs[1].evidence.find("set aside") == io.runs[1].evidence.rfind("set aside"));
  // A failure anywhere still decides: a counterexample from a parallel run
  // counts, and so does a failing explored schedule.
  CHECK(item_of({run_of(flavour::normal, failed), run_of(flavour::explore, passed)}).v == failed);
  CHECK(item_of({run_of(flavour::normal, inconclusive), run_of(flavour::explore, failed)}).v == failed);
  // Without the exploration build, or when an explored run itself could not
  // conclude, nothing is set aside.
  CHECK(item_of({run_of(flavour::normal, passed), run_of(flavour::normal, inconclusive)}).v == inconclusive);
  CHECK(item_of({run_of(flavour::race, inconclusive), run_of(flavour::race, passed)}).v == inconclusive);
  const item_outcome both = item_of({run_of(flavour::normal, inconclusive), run_of(flavour::explore, inconclusive)});
  CHECK(both.v == inconclusive);
  CHECK_THAT(both.runs[0].evidence, !Catch::Contains("set aside"));
  // A skipped item stays skipped.
  item_outcome sk;
  sk.v = skipped;
  sk.runs = {run_of(flavour::normal, skipped), run_of(flavour::explore, skipped)};
  decide_item(sk);
  CHECK(sk.v == skipped);
}

TEST_CASE("A search's distinct outcomes are split for the judge, one file each", "[judge][dfs]") {
  const fs::path dir = fs::temp_directory_path() / fmt::format("gograde-split-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path records = dir / "driver.jsonl";
  auto obs = [](const std::string& test, const std::string& key, int value, int variant) {
    nlohmann::json j = {{"event", "obs"}, {"test", test}, {"key", key}, {"value", value}};
    if (variant >= 0) j["variant"] = variant;
    return j.dump();
  };
  {
    std::ofstream out(records);
    out << obs("a", "outside", 1, -1) << "\n";  // observed outside the search: in every file
    for (int v = 0; v < 3; ++v) out << obs("a", "total", 10 + v, v) << "\n";
    for (int v = 0; v < 2; ++v) out << obs("b", "total", 20 + v, v) << "\n";
    out << obs("b", "forged", 9, 4000) << "\n";  // a tag out of range counts as untagged
    out << "not a record\n";
    out << nlohmann::json{{"event", "test"}, {"name", "a"}, {"status", "passed"}}.dump() << "\n";
  }
  const std::vector<fs::path> files = split_variants(records);
  REQUIRE(files.size() == 3);  // the most any test sent
  auto lines_of = [](const fs::path& f) {
    std::vector<nlohmann::json> v;
    std::ifstream in(f);
    for (std::string line; std::getline(in, line);) v.push_back(nlohmann::json::parse(line, nullptr, false));
    return v;
  };
  for (int k = 0; k < 3; ++k) {
    CAPTURE(k);
    const auto lines = lines_of(files[static_cast<std::size_t>(k)]);
    REQUIRE(lines.size() == 6);  // outside, a's k, b's k % 2, the forged one, the non-record, the test record
    CHECK(lines[1]["value"] == 10 + k);
    CHECK(lines[2]["value"] == 20 + k % 2);
    CHECK(lines[3]["key"] == "forged");
    CHECK(lines[4].is_discarded());
  }
  // Nothing tagged: nothing to split.
  {
    std::ofstream out(records, std::ios::trunc);
    out << obs("a", "total", 1, -1) << "\n";
  }
  CHECK(split_variants(records).empty());
  fs::remove_all(dir);
}

TEST_CASE("What a search explored, in words: the lockstep schedule apart from the bounded ones", "[judge][explore]") {
  using nlohmann::json;
  const json variants = json::array({json{{"schedule", "lockstep"}}, json{{"schedule", "first"}}});
  CHECK(gograde::explored_words(json{{"runs", 1185}, {"preemptions", 2}, {"complete", true}, {"variants", variants}}) ==
        "the lockstep schedule and all 1,184 schedules with at most 2 preemptions, 2 distinct outcomes judged");
  CHECK(gograde::explored_words(json{{"runs", 1000}, {"preemptions", 1}, {"complete", false}, {"variants", variants}}) ==
        "the lockstep schedule and 999 schedules with at most 1 preemption (not all: the run budget), 2 distinct "
        "outcomes judged");
  // No preemption allowed: no lockstep run, every run a bounded schedule.
  CHECK(gograde::explored_words(json{{"runs", 3}, {"preemptions", 0}, {"complete", true}, {"variants", variants}}) ==
        "all 3 schedules with at most 0 preemptions, 2 distinct outcomes judged");
  CHECK(gograde::explored_words(json{{"runs", 1}, {"preemptions", 2}, {"failed", true},
                                     {"variants", json::array({json{{"schedule", "lockstep"}}})}}) ==
        "the lockstep schedule (fibers one operation at a time, side by side) failed, the search's first");
  CHECK(gograde::explored_words(json{{"runs", 57}, {"preemptions", 2}, {"failed", true},
                                     {"variants", json::array({json{{"schedule", "12.1+40.1"}}})}}) ==
        "depth first with at most 2 preemptions: schedule 57 failed");
}

TEST_CASE("Validation: a reference needs every point, a mutant its verdict overall and on each item it names",
          "[judge][validate]") {
  auto result = [](verdict overall, int score, int max, std::vector<std::pair<std::string, verdict>> items) {
    grade_result g;
    g.overall = overall;
    g.score = score;
    g.max_score = max;
    for (const auto& [id, v] : items) {
      item_outcome io;
      io.item.id = id;
      io.v = v;
      g.items.push_back(io);
    }
    return g;
  };
  validation_row ref{"ex", "reference", "passed", result(verdict::passed, 13, 13, {}), false, {}};
  judge_validation(ref);
  CHECK(ref.ok);
  ref.result.score = 11;  // passed, yet a follow-up's points missing
  judge_validation(ref);
  CHECK_FALSE(ref.ok);
  validation_row m{"ex", "atomic-load-store", "failed",
                   result(verdict::failed, 4, 13, {{"basic", verdict::passed}, {"lost", verdict::failed}}), false, {}};
  judge_validation(m, {{"lost", "failed"}});
  CHECK(m.ok);
  CHECK(m.off.empty());
  // The right overall verdict from the wrong item is not the mutant caught.
  judge_validation(m, {{"basic", "failed"}});
  CHECK_FALSE(m.ok);
  REQUIRE(m.off.size() == 1);
  CHECK(m.off[0] == "basic: expected failed, got passed");
  // An item the rubric does not have is a mistake in the mutant, said so.
  judge_validation(m, {{"lots", "failed"}});
  CHECK_FALSE(m.ok);
  CHECK(m.off[0] == "lots: expected failed, but the rubric has no such item");
  m.result.overall = verdict::data_race;
  judge_validation(m, {});
  CHECK_FALSE(m.ok);
  m.expected = "no-such-verdict";
  m.result.overall = verdict::failed;
  judge_validation(m, {});
  CHECK_FALSE(m.ok);
}
