// Every report format against its golden file (tests/engine/golden/). To
// accept a deliberate change: GOGRADE_UPDATE_GOLDEN=1 ./engine_tests "[report]"
// and review the diff.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "engine/files.hpp"
#include "engine/report.hpp"
#include "report_fixture.hpp"

using namespace gograde;

namespace {

void check_golden(const std::string& name, const std::string& actual) {
  const fs::path golden = fs::path(GOGRADE_SOURCE_DIR) / "tests" / "engine" / "golden" / name;
  if (const char* u = std::getenv("GOGRADE_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(golden, std::ios::binary) << actual;
    WARN("updated " << golden.string());
    return;
  }
  REQUIRE(fs::exists(golden));
  const std::string expected = read_file(golden);
  INFO("golden file " << golden.string());
  // Line by line, so a failure points at the first difference.
  std::istringstream a(actual), e(expected);
  int line = 0;
  for (std::string la, le; ; ) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_e = static_cast<bool>(std::getline(e, le));
    ++line;
    if (!more_a && !more_e) break;
    INFO("line " << line);
    REQUIRE(la == le);
  }
  REQUIRE(actual == expected);
}

}  // namespace

TEST_CASE("Every report format matches its golden file", "[report]") {
  const grade_result g = fixture::sample_grade();
  for (const auto& f : report_formats()) {
    SECTION(f) { check_golden("sample." + report_extension(f), render(g, f, false)); }
  }
}

TEST_CASE("A crowded timeline and a long dump: the golden scorecard", "[report]") {
  check_golden("crowded.html", to_html(fixture::crowded_grade()));
}

TEST_CASE("A submission that does not compile: golden reports, Exercism status error", "[report]") {
  const grade_result g = fixture::compile_error_grade();
  for (const char* f : {"text", "junit", "exercism", "gradescope"}) {
    SECTION(f) { check_golden("compile_error." + report_extension(f), render(g, f, false)); }
  }
  const auto j = to_exercism(g);
  CHECK(j["version"] == 3);
  CHECK(j["status"] == "error");
  CHECK(j["message"].get<std::string>().find("expected ';'") != std::string::npos);
}

TEST_CASE("Reports escape what the submission controls", "[report]") {
  const grade_result g = fixture::sample_grade();
  const std::string html = to_html(g);
  CHECK(html.find("candidates/bob &lt;&amp;&gt;") != std::string::npos);
  CHECK(html.find("bob <&>") == std::string::npos);
  CHECK(html.find("&quot;fast&quot; &lt;path&gt;") != std::string::npos);
  const std::string xml = to_junit(g);
  CHECK(xml.find("bob <&>") == std::string::npos);
}

TEST_CASE("The HTML report is self-contained and draws the timeline", "[report]") {
  const std::string html = to_html(fixture::sample_grade());
  for (const char* external : {"http://", "https://", "<script", "<link", "src=", "@import"}) {
    INFO(external);
    // The SVG namespace URI is an identifier, never fetched; the set's URL is
    // text the page shows (checked below), not a link.
    std::string h = html;
    replace_all(h, "xmlns=\"http://www.w3.org/2000/svg\"", "");
    replace_all(h, "from https://git.example.com/acme/interviews.git</span>", "");
    CHECK(h.find(external) == std::string::npos);
  }
  CHECK(html.find("<svg class=\"timeline\"") != std::string::npos);
  CHECK(html.find("set <span id=\"set\">acme 1.2.0, commit 3f2a9c1d0b8e7f6a5d4c3b2a1908f7e6d5c4b3a2, following main") !=
        std::string::npos);
  // Four events, two lanes; the last at 3 s is at the axis' right end.
  CHECK(html.find("aria-label=\"timeline of 4 event(s)\"") != std::string::npos);
  CHECK(html.find("<title>attempt 3 at 3 s</title><circle cx=\"770.0\"") != std::string::npos);
  CHECK(html.find("<title>attempt 2 at 1 s</title><circle cx=\"343.3\"") != std::string::npos);
}

namespace {

struct label_box {
  double x0, x1;
  int y;
  std::string text;
};

// The event labels an SVG timeline drew, as boxes of the width the layout
// allows them (an upper bound of 10 px sans-serif text).
std::vector<label_box> event_labels(const std::string& svg) {
  std::vector<label_box> out;
  const std::regex label(R"re(<text class="ev" x="([0-9.]+)" y="([0-9]+)"[^>]*>([^<]*)</text>)re");
  for (auto m = std::sregex_iterator(svg.begin(), svg.end(), label); m != std::sregex_iterator(); ++m) {
    const double x = std::stod((*m)[1]);
    std::size_t chars = 0;
    for (unsigned char c : (*m)[3].str()) chars += (c & 0xC0) != 0x80;
    const double w = 6.2 * static_cast<double>(chars) + 2;
    out.push_back({x - w / 2, x + w / 2, std::stoi((*m)[2]), (*m)[3]});
  }
  return out;
}

}  // namespace

TEST_CASE("Timeline labels never overlap: crowded events stack on levels, the rest are left out and counted",
          "[report]") {
  // 40 retries within 4 ms of a 2 s run, and two quiet lanes.
  const grade_result g = fixture::crowded_grade();
  const std::vector<timed_event>& events = g.items[0].runs[0].tests[0].events;
  const std::string html = to_html(g);
  const auto labels = event_labels(html);
  REQUIRE(labels.size() >= 4);
  for (std::size_t a = 0; a < labels.size(); ++a)
    for (std::size_t b = a + 1; b < labels.size(); ++b) {
      INFO(labels[a].text << " and " << labels[b].text);
      const bool same_row = labels[a].y == labels[b].y;
      CHECK_FALSE((same_row && labels[a].x0 < labels[b].x1 && labels[b].x0 < labels[a].x1));
    }
  // Some crowded labels stacked on levels above the line, the rest left out.
  std::set<int> rows;
  for (const auto& l : labels) rows.insert(l.y);
  CHECK(rows.size() >= 4);
  const std::size_t shown = labels.size();
  CHECK(shown < events.size());
  CHECK(html.find(fmt::format("{} label(s) left out where events crowd", events.size() - shown)) != std::string::npos);
  // Every event keeps its marker and its tooltip.
  for (const auto& e : events) CHECK(html.find("<title>" + e.label + " at ") != std::string::npos);
  // Labels stay inside the picture; a long lane name is cut, whole in its tooltip.
  for (const auto& l : labels) {
    CHECK(l.x0 >= 0);
    CHECK(l.x1 <= 810);
  }
  CHECK(html.find("<title>a lane whose name is far too long for the margin</title>") != std::string::npos);
  CHECK(html.find(">a lane whose…</text>") != std::string::npos);
  // A quiet timeline leaves nothing out.
  CHECK(to_html(fixture::sample_grade()).find("left out") == std::string::npos);
}

TEST_CASE("Evidence collapses fibers blocked in the same place into one paragraph", "[report]") {
  const grade_result g = fixture::crowded_grade();
  const std::string dump = g.items[2].runs[0].evidence;
  const std::string c = collapse_repeats(dump);
  CHECK(c.find("goroutine 1 \"main\" [WaitGroup.Wait]:") != std::string::npos);
  CHECK(c.find("goroutine 2 \"worker 2\" [chan send]:\n    at pool.hpp:22\n    created at pool.hpp:31\n"
               "    (and 99 more fiber(s) in the same place: goroutine 3, 4, 5, 6, 7, ...)") != std::string::npos);
  CHECK(c.find("goroutine 50 ") == std::string::npos);
  CHECK(c.find("goroutine 102 [chan send]:\n    at pool.hpp:25") != std::string::npos);  // another place: its own
  CHECK(collapse_repeats("no dump here\n\nat all") == "no dump here\n\nat all");
  CHECK(collapse_repeats("") == "");
  // The HTML scorecard and the text report show the collapsed form.
  CHECK(to_html(g).find("(and 99 more fiber(s) in the same place") != std::string::npos);
  CHECK(to_text(g, false).find("(and 99 more fiber(s) in the same place") != std::string::npos);
  CHECK(to_text(g, false).find("goroutine 77 ") == std::string::npos);
  CHECK(to_text(g, false, true).find("goroutine 77 ") != std::string::npos);  // -v: all of it
}

TEST_CASE("Gradescope results carry every rubric item's points", "[report]") {
  const auto j = to_gradescope(fixture::sample_grade());
  CHECK(j["score"] == 2);
  REQUIRE(j["tests"].size() == 4);
  // The optional follow-up not attempted: worth nothing, neither passed nor failed.
  CHECK(j["tests"][3]["max_score"] == 0);
  CHECK(j["tests"][3]["score"] == 0);
  CHECK_FALSE(j["tests"][3].contains("status"));
  CHECK(j["tests"][3]["output"] == "follow-up not attempted: submit atomic_counter.hpp to have it graded");
  // Gradescope's fields, with their types and allowed values.
  for (const auto& t : j["tests"]) {
    for (const auto& [k, v] : t.items()) {
      INFO(k);
      CHECK((k == "name" || k == "score" || k == "max_score" || k == "status" || k == "output" || k == "visibility"));
    }
    CHECK(t["name"].is_string());
    CHECK(t["score"].is_number());
    CHECK(t["max_score"].is_number());
    if (t.contains("status")) CHECK((t["status"] == "passed" || t["status"] == "failed"));
    CHECK((t["visibility"] == "visible" || t["visibility"] == "hidden" || t["visibility"] == "after_due_date" ||
           t["visibility"] == "after_published"));
  }
  CHECK(j["tests"][1]["max_score"] == 2);
  CHECK(j["tests"][1]["score"] == 0);
  CHECK(j["tests"][1]["status"] == "failed");
  CHECK(j["tests"][0]["status"] == "passed");
}

TEST_CASE("A run that cannot be replayed says why instead of printing a replay command", "[report]") {
  grade_result g = fixture::sample_grade();
  run_outcome r;
  r.config = "par threads=2";
  r.v = verdict::failed;
  r.evidence = "lost 3 updates";
  r.no_replay = "the parallel scheduler's threads interleave as the operating system runs them";
  CHECK(replay_text(r) == "not possible: the parallel scheduler's threads interleave as the operating system runs them");
  r.replay = "gograde replay safe-counter bob --item basic --seed 1";
  CHECK(replay_text(r) == r.replay);
  r.replay.clear();
  g.items.front().v = verdict::failed;
  g.items.front().runs.push_back(r);
  const std::string text = to_text(g, false, true);
  CHECK_THAT(text, Catch::Contains("replay: not possible: the parallel scheduler's"));
  CHECK_THAT(to_markdown(g), Catch::Contains("Replay: not possible: the parallel scheduler's"));
  CHECK_THAT(render(g, "json"), Catch::Contains("\"not_replayable\": \"the parallel scheduler's"));
  r.no_replay.clear();
  CHECK(replay_text(r).empty());
}

TEST_CASE("An item's exploration runs are summed up: how many schedules of which policy, and what failed",
          "[report]") {
  grade_result g = fixture::sample_grade();
  item_outcome& it = g.items.front();
  CHECK(explored_text(it).empty());  // no exploration-build runs
  for (int seed = 1; seed <= 3; ++seed) {
    run_outcome r;
    r.fl = flavour::explore;
    r.config = fmt::format("det seed={}", seed);
    it.runs.push_back(r);
  }
  run_outcome p;
  p.fl = flavour::explore;
  p.config = "pct:d=2,steps=200 det seed=1";
  p.v = verdict::crash;
  it.runs.push_back(p);
  CHECK(explored_text(it) ==
        "explored 3 random-walk seed(s) and 1 PCT seed(s) (pct:d=2,steps=200) with a scheduling point at every "
        "memory access: 1 failed");
  CHECK_THAT(to_text(g, false), Catch::Contains("      explored 3 random-walk seed(s)"));
  // A build that was refused or failed explored nothing.
  item_outcome refused;
  run_outcome b;
  b.fl = flavour::explore;
  b.config = "build";
  b.v = verdict::rejected;
  refused.runs.push_back(b);
  CHECK(explored_text(refused).empty());
  // A depth-first search says what it covered, in any build.
  item_outcome searched = it;
  searched.runs.clear();
  run_outcome dfs;
  dfs.fl = flavour::explore;
  dfs.config = "dfs:preemptions=2,runs=3000 virt seed=1";
  dfs.explored = "all 1,184 schedules with at most 2 preemptions, 3 distinct outcomes judged";
  searched.runs.push_back(dfs);
  CHECK(explored_text(searched) ==
        "explore build searched all 1,184 schedules with at most 2 preemptions, 3 distinct outcomes judged: no failure");
  dfs.v = verdict::crash;
  dfs.fl = flavour::normal;
  searched.runs.push_back(dfs);
  CHECK_THAT(explored_text(searched), Catch::EndsWith("\n      normal build searched all 1,184 schedules with at most 2 "
                                                     "preemptions, 3 distinct outcomes judged: crash"));
}

TEST_CASE("A program's words in a report are plain: no terminal escapes, markup or line breaks", "[report]") {
  CHECK(plain_words("plain std::threads, scheduled by the OS (1/2)", 200) ==
        "plain std::threads, scheduled by the OS (1/2)");
  CHECK(plain_words("\x1b[31mred\x1b[0m <b>x</b>\nnext `cmd`", 200) == "??31mred??0m ?b?x?/b??next ?cmd?");
  CHECK(plain_words(std::string("a\0b", 3), 200) == "a?b");
  CHECK(plain_words(std::string(500, 'x'), 200).size() == 200);
}

TEST_CASE("JUnit: a test's name never changes with its outcome, defects fail, crashes and limits error", "[report]") {
  grade_result g = fixture::sample_grade();
  const std::string before = to_junit(g);
  CHECK(before.find("points)") == std::string::npos);
  CHECK(before.find("<property name=\"points.race-free\" value=\"0/2\"/>") != std::string::npos);
  CHECK(before.find("<testcase classname=\"safe-counter.race-free\" name=\"No data race in the race build\"") !=
        std::string::npos);
  // The same item passing: same classname and name.
  g.items[1].v = verdict::passed;
  g.items[1].awarded = 2;
  CHECK(to_junit(g).find("<testcase classname=\"safe-counter.race-free\" name=\"No data race in the race build\"") !=
        std::string::npos);
  CHECK(to_junit(g).find("<property name=\"points.race-free\" value=\"2/2\"/>") != std::string::npos);
  for (verdict v : {verdict::crash, verdict::timeout, verdict::compile_error, verdict::memory_limit,
                    verdict::output_limit, verdict::rejected, verdict::internal_error}) {
    INFO(to_string(v));
    g.items[1].v = v;
    const std::string xml = to_junit(g);
    CHECK(xml.find("<error message=\"" + std::string(to_string(v)) + "\"") != std::string::npos);
    CHECK(xml.find("errors=\"1\"") != std::string::npos);
  }
  for (verdict v : {verdict::failed, verdict::data_race, verdict::deadlock, verdict::leak}) {
    INFO(to_string(v));
    g.items[1].v = v;
    CHECK(to_junit(g).find("<failure message=\"" + std::string(to_string(v)) + "\"") != std::string::npos);
  }
  g.items[1].v = verdict::inconclusive;
  CHECK(to_junit(g).find("<skipped message=\"inconclusive: ") != std::string::npos);
}

TEST_CASE("Exercism v3: the spec's fields and values, an optional follow-up not attempted is no test", "[report]") {
  grade_result g = fixture::sample_grade();
  auto j = to_exercism(g);
  CHECK(j["version"] == 3);
  CHECK(j["status"] == "fail");
  REQUIRE(j["tests"].size() == 3);  // the follow-up not attempted is left out
  for (const auto& t : j["tests"]) {
    for (const auto& [k, v] : t.items()) {
      INFO(k);
      CHECK((k == "name" || k == "status" || k == "message" || k == "output" || k == "test_code" || k == "task_id"));
    }
    CHECK(t["name"].is_string());
    CHECK(t["test_code"].is_string());
    CHECK((t["task_id"].is_number_integer() && t["task_id"] >= 1));
    CHECK((t["status"] == "pass" || t["status"] == "fail" || t["status"] == "error"));
    if (t["status"] != "pass") CHECK(t["message"].is_string());
  }
  CHECK(j["tests"][1]["status"] == "fail");  // a race: a defect found
  // test_code is the item's code as a candidate may read it; output what the
  // program printed in the failing run, at most 500 characters.
  g.items[0].test_code = "TEST_CASE(\"zero\", \"[basic]\") {\n  CHECK(c.Value() == 0);\n}\n";
  g.items[1].test_code = "// hidden test: races\n// builds: race\n// runs: det seed=1\n";
  g.items[1].runs.front().output = "debug: inc called\n";
  j = to_exercism(g);
  CHECK(j["tests"][0]["test_code"] == g.items[0].test_code);
  CHECK(j["tests"][1]["test_code"] == g.items[1].test_code);
  CHECK(j["tests"][1]["output"] == "debug: inc called\n");
  CHECK_FALSE(j["tests"][0].contains("output"));  // printed nothing: no output field
  std::string flood;
  for (int i = 0; i < 200; ++i) flood += "héllo ";
  g.items[1].runs.front().output = flood;
  const std::string cut = to_exercism(g)["tests"][1]["output"].get<std::string>();
  CHECK(cut.size() <= 500);
  CHECK_THAT(cut, Catch::EndsWith("[output cut at 500 characters]"));
  CHECK(nlohmann::json(cut).dump().size() > 0);  // still valid UTF-8
  CHECK(cut.rfind("h", 0) == 0);
  g.items[1].runs.front().output = "hidden_judge.cpp:71: assertion\n";
  CHECK(to_exercism(g)["tests"][1]["output"].get<std::string>().find("hidden_judge") == std::string::npos);
  g.items[1].runs.front().output.clear();
  g.items[1].v = verdict::crash;
  CHECK(to_exercism(g)["tests"][1]["status"] == "error");
  g.items[1].v = verdict::inconclusive;
  CHECK(to_exercism(g)["tests"][1]["status"] == "error");
  // Every item passed but the follow-up not attempted: the submission passes.
  g = fixture::sample_grade();
  for (auto& it : g.items)
    if (it.v != verdict::skipped) it.v = verdict::passed;
  g.overall = verdict::passed;
  j = to_exercism(g);
  CHECK(j["status"] == "pass");
  for (const auto& t : j["tests"]) CHECK(t["status"] == "pass");
}

TEST_CASE("Reports a candidate reads never name the hidden suites' files nor where the set lives", "[report]") {
  grade_result g = fixture::sample_grade();
  g.items[1].v = verdict::failed;
  g.items[1].runs.front().v = verdict::failed;
  g.items[1].runs.front().evidence =
      "\"Value never sees an impossible state\": hidden_judge.cpp:71: CHECK( lowest >= 0 )\n"
      "  from /srv/grader/sets/acme/graders/safe-counter/suites/cases.hpp:12: in make_case\n"
      "  counter.hpp:9: the candidate's own line";
  g.build_log = "hidden_test.cpp:40:5: note: in instantiation\n";
  g.items[1].runs.front().output =
      "/srv/grader/sets/acme/graders/safe-counter/suites/hidden_test.cpp:240\n"
      "/srv/grader/harness/check/check_main.cpp:228: FAILED:\n  REQUIRE( r.result == gox::outcome::ok )";
  for (const std::string& text : {to_gradescope(g).dump(), to_exercism(g).dump()}) {
    INFO(text);
    for (const char* secret : {"hidden_judge", "hidden_test", "cases.hpp", "/srv/grader", "git.example.com"})
      CHECK(text.find(secret) == std::string::npos);
    CHECK(text.find("a hidden check: CHECK( lowest >= 0 )") != std::string::npos);
    CHECK(text.find("counter.hpp:9: the candidate's own line") != std::string::npos);
  }
  CHECK(to_gradescope(g)["output"].get<std::string>().find("acme 1.2.0, commit 3f2a9c1") != std::string::npos);
  // The interviewer's formats keep every detail.
  CHECK(to_junit(g).find("hidden_judge.cpp:71") != std::string::npos);
  CHECK(to_text(g, false, false).find("hidden_judge.cpp:71") != std::string::npos);
}
