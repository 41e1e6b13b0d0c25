#include "engine/exercise.hpp"
#include "engine/grade.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>

using namespace gograde;

namespace {

// A throwaway set with one exercise whose rubric the test writes.
struct scratch_set {
  fs::path root = fs::temp_directory_path() / ("gograde-set-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  explicit scratch_set(const std::string& rubric, const std::string& meta_extra = "") {
    fs::create_directories(root / "exercises/demo/tests");
    fs::create_directories(root / "graders/demo/suites");
    std::ofstream(root / "exercises/demo/exercise.toml")
        << "slug = \"demo\"\ntitle = \"Demo\"\ndifficulty = \"easy\"\ncandidate_files = [\"a.hpp\"]\n"
        << meta_extra;
    std::ofstream(root / "exercises/demo/tests/visible_test.cpp") << "";
    std::ofstream(root / "graders/demo/suites/s.cpp") << "";
    std::ofstream(root / "graders/demo/suites/s_judge.cpp") << "";
    std::ofstream(root / "graders/demo/rubric.toml") << rubric;
  }
  ~scratch_set() { fs::remove_all(root); }
};

std::string load_error(const scratch_set& s) {
  try {
    load_exercise(s.root, "demo");
  } catch (const config_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Run specs expand to one configuration per seed or repetition", "[engine][exercise]") {
  auto det = parse_runs("det:2-4");
  REQUIRE(det.size() == 3);
  CHECK(det[0].label == "det seed=2");
  CHECK(det[2].label == "det seed=4");
  auto par = parse_runs("par:4x2");
  REQUIRE(par.size() == 2);
  CHECK(par[1].label == "par threads=4 #2");
  CHECK(parse_runs("virt:1")[0].env.back() == std::make_pair(std::string("GOX_CLOCK"), std::string("virtual")));
  CHECK_THROWS_AS(parse_runs("det:3-1"), config_error);
  CHECK_THROWS_AS(parse_runs("par:0"), config_error);
  CHECK_THROWS_AS(parse_runs("fast:1"), config_error);
}

TEST_CASE("PCT runs: depth, expected steps and seeds, malformed specs are refused", "[engine][exercise]") {
  const auto runs = parse_runs("pct:d=2,steps=300,seeds=5-7");
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].kind == "pct");
  CHECK(runs[0].seed == 5);
  CHECK(runs[2].seed == 7);
  CHECK(runs[0].policy == "pct:d=2,steps=300");
  CHECK(runs[1].label == "pct:d=2,steps=300 det seed=6");
  CHECK(std::count(runs[0].env.begin(), runs[0].env.end(),
                   std::make_pair(std::string("GOX_POLICY"), std::string("pct:d=2,steps=300"))) == 1);
  CHECK(std::count(runs[0].env.begin(), runs[0].env.end(),
                   std::make_pair(std::string("GOX_SCHED"), std::string("det"))) == 1);
  CHECK(parse_runs("pct:seeds=1")[0].policy == "pct:d=3,steps=1000");  // the defaults
  // The replay of a PCT run is the same run.
  const run_config again = make_policy_run(runs[1].policy, runs[1].seed);
  CHECK(again.env == runs[1].env);
  CHECK(make_policy_run("", 4).kind == "det");
  for (const char* bad : {"pct", "pct:d=3", "pct:d=0,seeds=1", "pct:d=17,seeds=1", "pct:steps=0,seeds=1",
                          "pct:depth=3,seeds=1", "pct:d=3,seeds=4-2", "pct:d=3x,seeds=1"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_runs(bad), config_error);
  }
}

TEST_CASE("DFS runs: one search with its preemption bound and budget, malformed specs are refused",
          "[engine][exercise]") {
  const auto runs = parse_runs("dfs:preemptions=1,runs=300");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].kind == "dfs");
  CHECK(runs[0].policy == "dfs:preemptions=1,runs=300");
  CHECK(std::count(runs[0].env.begin(), runs[0].env.end(),
                   std::make_pair(std::string("GOX_POLICY"), std::string("dfs:preemptions=1,runs=300"))) == 1);
  CHECK(parse_runs("dfs")[0].policy == "dfs:preemptions=2,runs=1000");  // the defaults
  CHECK(parse_runs("dfs:preemptions=0")[0].policy == "dfs:preemptions=0,runs=1000");
  const auto virt = parse_runs("dfs:clock=virtual");
  CHECK(std::count(virt[0].env.begin(), virt[0].env.end(),
                   std::make_pair(std::string("GOX_CLOCK"), std::string("virtual"))) == 1);
  // A failing schedule's replay is a run of its own.
  CHECK(make_policy_run("dfs:schedule=12.1+40.2", 1).kind == "dfs");
  for (const char* good : {"random", "pct:d=2,steps=300", "dfs:preemptions=1,runs=20", "dfs:schedule=first",
                           "dfs:schedule=12.1+40.2", "dfs:schedule=lockstep"})
    CHECK(policy_error(good).empty());
  for (const char* bad : {"pct:d=0", "dfs:runs=0", "dfs:schedule=", "dfs:schedule=12", "dfs:schedule=1.1;ls",
                          "dfs:schedule=1.1+", "dfs:schedule=1..1", "dfs:schedule=.1", "fast"}) {
    INFO(bad);
    CHECK_FALSE(policy_error(bad).empty());
  }
  for (const char* bad : {"dfs:preemptions=17", "dfs:preemptions=-1", "dfs:runs=0", "dfs:runs=2000000",
                          "dfs:depth=2", "dfs:clock=fast", "dfs:preemptions=2x", "dfs:seeds=1-3"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_runs(bad), config_error);
  }
}

TEST_CASE("The built-in safe-counter exercise loads with its rubric and mutants", "[engine][exercise]") {
  const exercise ex = load_exercise(GOGRADE_SOURCE_DIR, "safe-counter");
  CHECK(ex.title == "Safe counter");
  CHECK(ex.candidate_files == std::vector<std::string>{"counter.hpp"});
  CHECK(ex.max_points() == 13);
  CHECK(ex.optional_files == std::vector<std::string>{"atomic_counter.hpp"});
  CHECK(ex.mutants.size() >= 6);
  for (const auto& m : ex.mutants) CHECK(fs::exists(m.dir / "counter.hpp"));
}

TEST_CASE("The five interview exercises are complete", "[engine][exercise]") {
  const auto slugs = list_exercises(GOGRADE_SOURCE_DIR);
  CHECK(slugs == std::vector<std::string>{"json-manipulation", "retry-backoff", "reverse-string", "safe-counter",
                                          "worker-pool"});
  for (const auto& slug : slugs) {
    INFO(slug);
    const exercise ex = load_exercise(GOGRADE_SOURCE_DIR, slug);
    CHECK(fs::exists(ex.statement()));
    CHECK(fs::exists(ex.visible_suite()));
    CHECK(ex.time_budget_minutes > 0);
    for (const auto& f : ex.candidate_files) {
      CHECK(fs::exists(ex.starter_dir() / f));
      CHECK(fs::exists(ex.reference_dir / f));
    }
    for (const auto& f : ex.optional_files) CHECK(fs::exists(ex.reference_dir / f));  // the reference answers them
    CHECK(ex.mutants.size() >= 6);
    CHECK(fs::exists(ex.reference_dir / "go" / "go.mod"));
    bool followup = false;
    for (const auto& it : ex.items) followup = followup || !it.requires_files.empty();
    CHECK(followup);
  }
}

TEST_CASE("Follow-up items and libraries are checked when loading", "[engine][exercise]") {
  const std::string item = "[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"s.cpp\"\n";
  SECTION("requires names a file that is not optional") {
    scratch_set s(item + "requires = [\"b.hpp\"]\n");
    CHECK_THAT(load_error(s), Catch::Contains("item[0].requires") && Catch::Contains("b.hpp"));
  }
  SECTION("requires an optional file: loads") {
    scratch_set s(item + "requires = [\"b.hpp\"]\n", "optional_files = [\"b.hpp\"]\n");
    CHECK(load_error(s).empty());
  }
  SECTION("an optional file that is also a candidate file") {
    scratch_set s(item, "optional_files = [\"a.hpp\"]\n");
    CHECK_THAT(load_error(s), Catch::Contains("optional_files"));
  }
  SECTION("a library name that is not one") {
    scratch_set s(item, "libraries = [\"icuuc -Wl,--wrap\"]\n");
    CHECK_THAT(load_error(s), Catch::Contains("libraries"));
  }
}

TEST_CASE("A malformed rubric is refused with its file and field named", "[engine][exercise]") {
  SECTION("points missing") {
    scratch_set s("[[item]]\nid = \"x\"\ntitle = \"X\"\nsuite = \"s.cpp\"\n");
    const std::string e = load_error(s);
    CHECK_THAT(e, Catch::Contains("rubric.toml") && Catch::Contains("item[0].points"));
  }
  SECTION("a suite that escapes the exercise") {
    scratch_set s("[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"../../../etc/passwd\"\n");
    CHECK_THAT(load_error(s), Catch::Contains("item[0].suite") && Catch::Contains("escapes"));
  }
  SECTION("a bad run spec") {
    scratch_set s("[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"s.cpp\"\nruns = [\"det:9-1\"]\n");
    CHECK_THAT(load_error(s), Catch::Contains("item[0].runs"));
  }
  SECTION("not TOML at all") {
    scratch_set s("[[item\n");
    CHECK_THAT(load_error(s), Catch::Contains("rubric.toml:"));
  }
  SECTION("an unknown exercise lists the known ones") {
    scratch_set s("[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"s.cpp\"\n");
    try {
      load_exercise(s.root, "nope");
      FAIL("loaded an unknown exercise");
    } catch (const config_error& e) {
      CHECK_THAT(e.what(), Catch::Contains("known: demo"));
    }
  }
}

TEST_CASE("A rubric grades hidden suites that have a judge half", "[engine][exercise]") {
  const std::string item = "[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\ntests = \"[x]\"\n";
  {
    scratch_set s(item + "suite = \"s.cpp\"\n");
    CHECK(load_error(s).empty());
    const exercise ex = load_exercise(s.root, "demo");
    CHECK(ex.judge_path("s.cpp").filename() == "s_judge.cpp");
    CHECK(ex.judge_path("hidden_test.cpp").filename() == "hidden_judge.cpp");
    CHECK(ex.judge_path("visible").empty());
  }
  {
    scratch_set s(item + "suite = \"s.cpp\"\n");
    fs::remove(s.root / "graders/demo/suites/s_judge.cpp");
    CHECK(load_error(s).find("has no judge half") != std::string::npos);
  }
  {
    scratch_set s(item + "suite = \"visible\"\n");
    CHECK(load_error(s).find("the visible suite is the candidate's own") != std::string::npos);
  }
}

TEST_CASE("An exercise's allowlist names folders and functions, nothing else", "[engine][exercise]") {
  const std::string rubric =
      "[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"s.cpp\"\ntests = \"[x]\"\n";
  {
    scratch_set s(rubric, "[allow]\nheaders = [\"unicode\"]\nfunctions = [\"getpid\"]\nsystem = true\n");
    const exercise ex = load_exercise(s.root, "demo");
    CHECK(ex.allow_headers == std::vector<std::string>{"unicode"});
    CHECK(ex.allow_functions == std::vector<std::string>{"getpid"});
    CHECK(ex.allow_system);
  }
  for (const char* bad : {"[allow]\nheaders = [\"../etc\"]\n", "[allow]\nheaders = [\"c++\"]\n",
                          "[allow]\nheaders = [\"a/b\"]\n", "[allow]\nfunctions = [\"system(\\\"x\\\")\"]\n"}) {
    scratch_set s(rubric, bad);
    INFO(bad);
    CHECK(load_error(s).find("allow.") != std::string::npos);
  }
}

TEST_CASE("The explore build runs an item's det and virt runs, an item with only par runs is refused",
          "[engine][exercise]") {
  const std::string item = "[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"s.cpp\"\ntests = \"[x]\"\n";
  {
    scratch_set s(item + "builds = [\"normal\", \"explore\"]\nruns = [\"det:1-3\", \"par:2\"]\n");
    const exercise ex = load_exercise(s.root, "demo");
    CHECK(ex.items.at(0).builds == std::vector<flavour>{flavour::normal, flavour::explore});
    CHECK(std::string(to_string(flavour::explore)) == "explore");
  }
  {
    scratch_set s(item + "builds = [\"explore\"]\nruns = [\"par:4x2\"]\n");
    CHECK_THAT(load_error(s), Catch::Contains("item[0].runs") && Catch::Contains("det, virt, pct and dfs"));
  }
  {
    scratch_set s(item + "builds = [\"fast\"]\n");
    CHECK_THAT(load_error(s), Catch::Contains("item[0].builds") && Catch::Contains("normal, race or explore"));
  }
}

TEST_CASE("An item about races runs in the race build only, a mutant may name each item's verdict",
          "[engine][exercise]") {
  const std::string item = "[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"s.cpp\"\ntests = \"[x]\"\n";
  {
    scratch_set s(item + "builds = [\"race\"]\nabout = \"races\"\n");
    const exercise ex = load_exercise(s.root, "demo");
    CHECK(ex.items.at(0).about_races);
  }
  {
    scratch_set s(item);
    CHECK_FALSE(load_exercise(s.root, "demo").items.at(0).about_races);
  }
  {
    scratch_set s(item + "builds = [\"normal\", \"race\"]\nabout = \"races\"\n");
    CHECK_THAT(load_error(s), Catch::Contains("item[0].builds") && Catch::Contains("race build only"));
  }
  {
    scratch_set s(item + "about = \"speed\"\n");
    CHECK_THAT(load_error(s), Catch::Contains("item[0].about"));
  }
  auto with_mutant = [&](const std::string& toml) {
    scratch_set* s = new scratch_set(item);
    fs::create_directories(s->root / "graders/demo/mutants/m");
    std::ofstream(s->root / "graders/demo/mutants/m/mutant.toml") << toml;
    return std::unique_ptr<scratch_set>(s);
  };
  {
    auto s = with_mutant("expected = \"failed\"\n[items]\nx = \"failed\"\n");
    const exercise ex = load_exercise(s->root, "demo");
    REQUIRE(ex.mutants.size() == 1);
    CHECK(ex.mutants[0].items == std::vector<std::pair<std::string, std::string>>{{"x", "failed"}});
  }
  CHECK_THAT(load_error(*with_mutant("expected = \"failed\"\n[items]\ny = \"failed\"\n")),
             Catch::Contains("items.y") && Catch::Contains("no such rubric item"));
  CHECK_THAT(load_error(*with_mutant("expected = \"failed\"\n[items]\nx = \"wrong\"\n")),
             Catch::Contains("items.x"));
  CHECK_THAT(load_error(*with_mutant("expected = \"meh\"\n")), Catch::Contains("expected") && Catch::Contains("no verdict"));
}

TEST_CASE("An item's test code: the visible TEST_CASEs its spec selects, never a hidden suite's code",
          "[engine][exercise]") {
  const exercise ex = load_exercise(GOGRADE_SOURCE_DIR, "safe-counter");
  rubric_item visible{"v", "Visible", 0, "visible", "[basic]", {flavour::normal}, parse_runs("det:1-1"),
                      std::chrono::seconds(30), {}};
  const std::string basic = item_test_code(ex, visible);
  CHECK(basic.rfind("TEST_CASE(\"A new counter is zero", 0) == 0);
  CHECK(basic.find("[fibers]") == std::string::npos);  // only the selected TEST_CASE
  visible.tests = "[basic],[fibers]";
  const std::string both = item_test_code(ex, visible);
  CHECK(both.find("[basic]") != std::string::npos);
  CHECK(both.find("[fibers]") != std::string::npos);
  visible.tests.clear();  // all of it
  std::ifstream in(ex.visible_suite());
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(item_test_code(ex, visible) == whole);
  // A hidden item: what runs, no code.
  const rubric_item& hidden = ex.items.front();
  REQUIRE(hidden.suite != "visible");
  const std::string h = item_test_code(ex, hidden);
  CHECK(h.rfind("// hidden test: " + hidden.title, 0) == 0);
  CHECK(h.find("// runs: det seed=1") != std::string::npos);
  CHECK(h.find("TEST_CASE") == std::string::npos);
  CHECK(h.find(hidden.suite) == std::string::npos);
}
