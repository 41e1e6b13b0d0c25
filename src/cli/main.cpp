// gograde: the command line. Parses arguments, dispatches to the engine,
// prints, and owns the exit codes:
//   0 everything passed, 1 something failed (a verdict other than passed, or
//   a mutant off its expected verdict), 2 usage or configuration error,
//   3 internal error (our fault).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/build.hpp"
#include "engine/exercise.hpp"
#include "engine/grade.hpp"
#include "engine/report.hpp"

#ifndef GOGRADE_SOURCE_DIR
#error "GOGRADE_SOURCE_DIR: the directory holding harness/ and the default set"
#endif

namespace {

using namespace gograde;

struct globals {
  std::string set_dir;
  std::string cache_dir;
};

fs::path default_cache() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "gograde";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "gograde";
  return fs::temp_directory_path() / "gograde-cache";
}

builder make_builder(const globals& g) {
  toolchain tc;
  tc.source_root = GOGRADE_SOURCE_DIR;
  tc.cache_dir = g.cache_dir.empty() ? default_cache() : fs::path(g.cache_dir);
  fs::create_directories(tc.cache_dir);
  return builder(tc);
}

int exit_for(verdict v) { return v == verdict::passed ? 0 : v == verdict::internal_error ? 3 : 1; }

int cmd_list(const globals& g) {
  for (const auto& slug : list_exercises(g.set_dir)) {
    const exercise ex = load_exercise(g.set_dir, slug);
    std::string tags;
    for (const auto& t : ex.tags) tags += (tags.empty() ? "" : ", ") + t;
    fmt::print("{:<20} {:<24} {:<7} {:>3} min  {}\n", ex.slug, ex.title, ex.difficulty, ex.time_budget_minutes, tags);
  }
  return 0;
}

int cmd_show(const globals& g, const std::string& slug) {
  const exercise ex = load_exercise(g.set_dir, slug);
  std::ifstream in(ex.statement());
  std::cout << in.rdbuf() << "\n";
  fmt::print("Rubric ({} points):\n", ex.max_points());
  for (const auto& it : ex.items) fmt::print("  {:>2}  {}  [{}]\n", it.points, it.title, it.id);
  fmt::print("Your files: {}\n", fmt::join(ex.candidate_files, ", "));
  return 0;
}

int print_grade(const grade_result& r, const std::string& format, const std::string& out_file) {
  std::string text;
  if (format == "json") text = to_json(r).dump(2) + "\n";
  else text = to_text(r, out_file.empty() && ::isatty(1), false);
  if (out_file.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    std::ofstream(out_file) << text;
    fmt::print("{}: {} — score {}/{}; report written to {}\n", r.exercise, to_string(r.overall), r.score,
               r.max_score, out_file);
  }
  return exit_for(r.overall);
}

int cmd_grade(const globals& g, const std::string& slug, const std::string& sub, bool visible, const std::string& format,
              const std::string& out_file) {
  const exercise ex = load_exercise(g.set_dir, slug);
  builder b = make_builder(g);
  grade_options opt;
  opt.visible_only = visible;
  return print_grade(grade(b, ex, sub, opt), format, out_file);
}

int cmd_validate(const globals& g, std::vector<std::string> slugs) {
  if (slugs.empty()) slugs = list_exercises(g.set_dir);
  builder b = make_builder(g);
  int bad = 0, internal = 0;
  // One row per graded submission; its full report when off the expectation.
  auto row = [&](const std::string& slug, const std::string& name, const std::string& expected,
                 const grade_result& r, bool ok) {
    fmt::print("{:<16} {:<22} {:<15} {:<15} {}\n", slug, name, expected, to_string(r.overall),
               ok ? fmt::format("ok ({}/{})", r.score, r.max_score) : "WRONG");
    if (!ok) {
      ++bad;
      std::cout << to_text(r, false);
    }
    internal += r.overall == verdict::internal_error;
  };
  fmt::print("{:<16} {:<22} {:<15} {:<15} {}\n", "exercise", "submission", "expected", "got", "");
  for (const auto& slug : slugs) {
    const exercise ex = load_exercise(g.set_dir, slug);
    const grade_result ref = grade(b, ex, ex.reference_dir, {});
    row(slug, "reference", "passed", ref, ref.overall == verdict::passed && ref.score == ref.max_score);
    for (const auto& m : ex.mutants) {
      const grade_result r = grade(b, ex, m.dir, {});
      const auto want = parse_verdict(m.expected);
      row(slug, m.name, m.expected, r, want && r.overall == *want);
    }
  }
  if (internal) return 3;
  return bad ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gograde: Go concurrency exercises in C++, graded under race detection, schedule "
               "exploration and virtual time"};
  app.require_subcommand(1);
  globals g;
  g.set_dir = GOGRADE_SOURCE_DIR;
  if (const char* s = std::getenv("GOGRADE_SET")) g.set_dir = s;
  app.add_option("--set", g.set_dir, "Exercise set directory (default: the built-in set)");
  app.add_option("--cache", g.cache_dir, "Build cache directory (default: $XDG_CACHE_HOME/gograde)");

  std::string slug, sub, format = "text", out_file;
  std::vector<std::string> slugs;
  auto* list = app.add_subcommand("list", "List the exercises: title, difficulty, time budget, tags");
  auto* show = app.add_subcommand("show", "Print an exercise's statement, rubric and files");
  show->add_option("exercise", slug, "Exercise slug")->required();
  auto* test = app.add_subcommand("test", "Candidate mode: the visible tests, both builds");
  test->add_option("exercise", slug, "Exercise slug")->required();
  test->add_option("submission", sub, "Your file or directory")->default_val(".");
  auto* grade_cmd = app.add_subcommand("grade", "Interviewer mode: hidden suites, full rubric, scorecard");
  grade_cmd->add_option("exercise", slug, "Exercise slug")->required();
  grade_cmd->add_option("submission", sub, "Submission file or directory")->required();
  grade_cmd->add_option("--format", format, "text or json")->check(CLI::IsMember({"text", "json"}));
  grade_cmd->add_option("-o,--output", out_file, "Write the report to FILE");
  auto* validate = app.add_subcommand("validate", "Prove a set sound: references pass, mutants get their verdicts");
  validate->add_option("exercise", slugs, "Exercises (default: all)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (*list) return cmd_list(g);
    if (*show) return cmd_show(g, slug);
    if (*test) return cmd_grade(g, slug, sub, true, format, out_file);
    if (*grade_cmd) return cmd_grade(g, slug, sub, false, format, out_file);
    if (*validate) return cmd_validate(g, slugs);
  } catch (const config_error& e) {
    fmt::print(stderr, "gograde: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "gograde: internal error: {}\n", e.what());
    return 3;
  }
  return 2;
}
