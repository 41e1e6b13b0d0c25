#pragma once
// A grade built by hand, touching every part of every report format: a
// passed item, a data race with source excerpts, a deadlock with a fiber
// dump, timed events for the timeline, and a compile error variant.
#include "engine/grade.hpp"

namespace gograde::fixture {

inline rubric_item make_item(std::string id, std::string title, int points, std::string tests, flavour fl) {
  rubric_item it;
  it.id = std::move(id);
  it.title = std::move(title);
  it.points = points;
  it.suite = "hidden_test.cpp";
  it.tests = std::move(tests);
  it.builds = {fl};
  return it;
}

inline grade_result sample_grade() {
  grade_result g;
  g.exercise = "safe-counter";
  g.title = "Safe counter";
  g.submission = "candidates/bob <&>";
  g.set = {"acme", "1.2.0", "https://git.example.com/acme/interviews.git", "main",
           "3f2a9c1d0b8e7f6a5d4c3b2a1908f7e6d5c4b3a2"};
  g.input_hash = "00000000deadbeef";
  g.wall = std::chrono::milliseconds(1234);
  g.hidden_files = {"hidden_judge.cpp", "hidden_test.cpp", "cases.hpp"};

  item_outcome ok;
  ok.item = make_item("basic", "Inc, Dec and Value on one fiber", 2, "[basic]", flavour::normal);
  ok.awarded = 2;
  run_outcome r1;
  r1.config = "virt seed=1";
  r1.wall = std::chrono::milliseconds(7);
  r1.tests.push_back({"retries back off", true, "ok", "",
                      {{0, "attempt 1", "retry"}, {1000, "attempt 2", "retry"}, {3000, "attempt 3", "retry"},
                       {3000, "gave up", "caller"}}});
  r1.replay = "gograde replay safe-counter bob --item basic --seed 1 --virtual";
  ok.runs.push_back(r1);
  ok.test_code = "TEST_CASE(\"A new counter is zero\", \"[basic]\") {\n  SafeCounter c;\n  CHECK(c.Value() == 0);\n}\n";

  item_outcome race;
  race.item = make_item("race-free", "No data race in the race build", 2, "[race]", flavour::race);
  race.v = verdict::data_race;
  run_outcome r2;
  r2.config = "det seed=2";
  r2.fl = flavour::race;
  r2.v = verdict::data_race;
  r2.evidence = "data race\n   write of size 8 by worker\n      at Counter::Inc() counter.hpp:9";
  r2.excerpts.push_back({"counter.hpp", 9, 7, {"  void Inc() {", "    // no lock: \"fast\" <path>", "    n_++;", "  }", ""},
                         "write by worker"});
  r2.replay = "gograde replay safe-counter bob --item race-free --seed 2 --race";
  r2.command = "GOX_SCHED=det GOX_SEED=2 '/cache/suite' '[race]'";
  r2.output = "inc <1>\ninc <2>\n";
  r2.wall = std::chrono::milliseconds(20);
  race.runs.push_back(r2);
  race.test_code = "// hidden test: No data race in the race build\n// builds: race\n// runs: det seed=2, par threads=2\n";
  run_outcome r3 = r2;
  r3.config = "par threads=2";
  r3.replay = r3.command;
  race.runs.push_back(r3);

  item_outcome dl;
  dl.item = make_item("invariant", "Value never observes an impossible state", 1, "[invariant]", flavour::normal);
  dl.v = verdict::deadlock;
  run_outcome r4;
  r4.config = "det seed=1";
  r4.v = verdict::deadlock;
  r4.evidence = "in \"Value never sees an impossible state\":\nfatal error: all goroutines are asleep - deadlock!\n\n"
                "goroutine 1 \"main\" [Mutex.Lock]:\n    at counter.hpp:17";
  r4.replay = "gograde replay safe-counter bob --item invariant --seed 1";
  dl.runs.push_back(r4);

  item_outcome skip;  // a follow-up the candidate did not attempt
  skip.item = make_item("atomic-variant", "Follow-up: AtomicCounter", 2, "[atomic]", flavour::normal);
  skip.item.requires_files = {"atomic_counter.hpp"};
  skip.v = verdict::skipped;
  run_outcome r5;
  r5.config = "not attempted";
  r5.v = verdict::skipped;
  r5.evidence = "follow-up not attempted: submit atomic_counter.hpp to have it graded";
  skip.runs.push_back(r5);

  g.items = {ok, race, dl, skip};
  g.score = 2;
  g.max_score = 7;
  g.overall = verdict::data_race;
  return g;
}

// The sample with a crowded timeline (40 retries within 4 ms of a 2 s run,
// a lane with a long name) and a deadlock dump of 100 workers blocked in one
// place: what the scorecard must lay out without overlaps or repetition.
inline grade_result crowded_grade() {
  grade_result g = sample_grade();
  std::vector<timed_event> events;
  for (int k = 0; k < 40; ++k) events.push_back({1000.0 + k * 0.1, "attempt " + std::to_string(k + 1), "retry"});
  events.push_back({0, "start", "caller"});
  events.push_back({2000, "gave up after the deadline", "caller"});
  events.push_back({1000, "cancel", "a lane whose name is far too long for the margin"});
  g.items[0].runs[0].tests[0].events = events;
  std::string dump = "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 \"main\" [WaitGroup.Wait]:\n"
                     "    at pool.hpp:40";
  for (int k = 2; k <= 101; ++k)
    dump += "\n\ngoroutine " + std::to_string(k) + " \"worker " + std::to_string(k) +
            "\" [chan send]:\n    at pool.hpp:22\n    created at pool.hpp:31";
  dump += "\n\ngoroutine 102 [chan send]:\n    at pool.hpp:25";
  g.items[2].runs[0].evidence = dump;
  return g;
}

inline grade_result compile_error_grade() {
  grade_result g;
  g.exercise = "safe-counter";
  g.title = "Safe counter";
  g.submission = "candidates/erin";
  g.set = {"builtin", "1.0.0", "", "", ""};
  g.input_hash = "0000000000c0ffee";
  g.wall = std::chrono::milliseconds(900);
  item_outcome it;
  it.item = make_item("basic", "Inc, Dec and Value on one fiber", 2, "[basic]", flavour::normal);
  it.v = verdict::compile_error;
  run_outcome r;
  r.config = "build";
  r.v = verdict::compile_error;
  r.evidence = "counter.hpp:9:13: error: expected ';' before 'mu_'";
  it.runs.push_back(r);
  g.items = {it};
  g.max_score = 2;
  g.overall = verdict::compile_error;
  g.build_log = r.evidence + "\n";
  return g;
}

}  // namespace gograde::fixture
