// gograde: the command line. Parses arguments, dispatches to the engine,
// prints, and owns the exit codes:
//   0 everything passed, 1 something failed (a verdict other than passed, or
//   a mutant off its expected verdict), 2 usage or configuration error,
//   3 internal error (our fault).
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <map>
#include <iostream>
#include <memory>
#include <thread>

#include "gograde_version.hpp"

#include "completion.hpp"
#include "progress.hpp"
#include "watch.hpp"
#include "engine/astcheck.hpp"
#include "engine/batch.hpp"
#include "engine/shards.hpp"
#include "engine/build.hpp"
#include "engine/cache.hpp"
#include "engine/catalog.hpp"
#include "engine/exercise.hpp"
#include "engine/files.hpp"
#include "engine/grade.hpp"
#include "engine/process.hpp"
#include "engine/init.hpp"
#include "engine/report.hpp"
#include "engine/sandbox.hpp"
#include "engine/stress.hpp"
#include "engine/validate.hpp"
#include "sets/store.hpp"
#include "sets/url.hpp"

#ifndef GOGRADE_SOURCE_DIR
#error "GOGRADE_SOURCE_DIR: the directory holding harness/ and the default set"
#endif

namespace {

using namespace gograde;

struct globals {
  std::string set_dir;  // --set: grade against this directory only
  std::string cache_dir;
  std::string cache_max;  // --cache-max / GOGRADE_CACHE_MAX, as given
  bool no_sandbox = false;
};

// Where the built-in set and the runtime's sources are: beside an installed
// gograde (<prefix>/share/gograde, see `cmake --install`), else the source
// tree it was built from.
const fs::path& source_root() {
  static const fs::path root = [] {
    const fs::path manifest = beside_gograde(std::string("../share/gograde/") + kManifestFile);
    const fs::path share = manifest.parent_path().lexically_normal();
    std::error_code ec;
    if (!manifest.empty() && fs::exists(share / "harness" / "gox" / "src", ec)) return share;
    return fs::path(GOGRADE_SOURCE_DIR);
  }();
  return root;
}

// --color: auto (a terminal, and NO_COLOR unset or empty), always, never.
std::string color_mode = "auto";

// -q: 0 (results and errors only), default 1 (also progress on stderr), -v: 2
// (text reports list every run, its command and what the program printed).
int verbosity = 1;

// What is being built, shown on stderr while builds last (made by
// make_builder unless -q).
std::unique_ptr<cli::build_status> building;

// A progress or information line on stderr, unless -q (above the live
// build line, when one is shown).
template <class... A>
void note(fmt::format_string<A...> f, A&&... a) {
  if (verbosity <= 0) return;
  if (building) building->line(fmt::format(f, std::forward<A>(a)...));
  else fmt::print(stderr, f, std::forward<A>(a)...);
}

bool color_on(int fd) {
  if (color_mode == "always") return true;
  if (color_mode == "never") return false;
  const char* no = std::getenv("NO_COLOR");
  return ::isatty(fd) && !(no && *no);
}

sets::store the_store() { return sets::store(sets::store::default_root()); }

// The built-in set, named by its manifest; when gograde's sources are a git
// checkout, the commit of its exercises too (and whether they were changed).
set_source builtin_set() {
  const set_manifest m = load_manifest(source_root());
  set_source b{{m.name, m.version, source_root().string(), "", ""}, source_root()};
  if (const auto head = sets::repository_head(source_root(), {kManifestFile, "exercises", "reference", "graders"})) {
    b.origin.commit = head->commit;
    b.origin.ref = head->changed ? "HEAD, with local changes" : "HEAD";
  }
  return b;
}

// The sets a command sees: --set DIR alone, else the built-in set and every
// set added from git.
catalog make_catalog(const globals& g) {
  catalog c;
  if (!g.set_dir.empty()) {
    const fs::path dir = fs::absolute(g.set_dir).lexically_normal();
    set_origin o;
    if (fs::exists(dir / kManifestFile)) {
      const set_manifest m = load_manifest(dir);
      o.name = m.name;
      o.version = m.version;
    } else {
      o.name = valid_set_name(dir.filename().string()) ? dir.filename().string() : "local";
    }
    c.add({o, dir});
    return c;
  }
  c.add(builtin_set());
  the_store().add_to(c);
  return c;
}

fs::path default_cache() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "gograde";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "gograde";
  return fs::temp_directory_path() / "gograde-cache";
}

// Absolute: the sandbox binds it at the same path, whatever the working directory.
fs::path cache_dir_of(const globals& g) {
  return fs::absolute(g.cache_dir.empty() ? default_cache() : fs::path(g.cache_dir)).lexically_normal();
}

std::uintmax_t cache_max_of(const globals& g) {
  if (g.cache_max.empty()) return kDefaultCacheMax;
  const auto n = parse_size(g.cache_max);
  if (!n) throw config_error(fmt::format("cache limit \"{}\" is not a size (10G, 512M, 0 for none)", g.cache_max));
  return *n;
}

builder make_builder(const globals& g) {
  toolchain tc;
  tc.source_root = source_root();
  tc.cache_dir = cache_dir_of(g);
  tc.cache_max = cache_max_of(g);
  tc.on_progress = [](const std::string& line) { note("gograde: {}\n", line); };
  if (verbosity > 0) {
    if (!building) building = std::make_unique<cli::build_status>(stderr, ::isatty(2) != 0);
    tc.on_step = [](const std::string& what, int done, int total) { building->step(what, done, total); };
  }
  tc.on_prune = [](const prune_result& r) {
    note("gograde: the build cache was over its limit: removed the {} least recently used entries ({} to {})\n",
               r.removed, format_size(r.before), format_size(r.after));
  };
  fs::create_directories(tc.cache_dir);
  if (g.no_sandbox) {
    tc.sandbox = false;
    fmt::print(stderr, "gograde: --no-sandbox: submissions are compiled and run WITHOUT a sandbox (limits only)\n");
  } else if (const sandbox_status& st = probe_sandbox(); !st.ok) {
    throw config_error(st.why);
  } else if (::geteuid() == 0) {
    // As root, submissions run as uid 65534: what they are shown must be
    // readable by others, the cache entries made from now on included.
    ::umask(022);
    const fs::path root = source_root();
    if (const fs::path bad = unreadable_by_sandbox({root / "harness", root / "graders", root / "exercises"});
        !bad.empty())
      throw config_error(fmt::format("{} cannot be read by the sandbox's unprivileged user (uid {}): as root, "
                                     "gograde runs submissions as that user. Make the tree readable (chmod -R o+rX "
                                     "{}) or run gograde as a normal user.",
                                     bad.string(), kSandboxId, root.string()));
  }
  return builder(tc);
}

int exit_for(verdict v) { return v == verdict::passed ? 0 : v == verdict::internal_error ? 3 : 1; }

// Quoted only when the shell needs it, for commands people read.
std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:") ==
                        std::string::npos)
    return s;
  return shell_quote(s);
}

// "90s", "2m", "1h", "500ms", or plain seconds.
std::chrono::milliseconds parse_duration(const std::string& s) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    throw config_error("--duration " + s + ": expected e.g. 90s, 2m, 500ms");
  }
  const std::string unit = s.substr(used);
  double ms = unit == "ms" ? v : unit == "" || unit == "s" ? v * 1e3 : unit == "m" ? v * 6e4 : unit == "h" ? v * 3.6e6 : -1;
  if (ms <= 0) throw config_error("--duration " + s + ": expected a positive duration, e.g. 90s, 2m, 500ms");
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

int cmd_list(const globals& g, bool json) {
  const catalog cat = make_catalog(g);
  struct row {
    std::string name, set, slug, title, difficulty, tags;
    int minutes = 0;
    std::vector<std::string> tag_list;
  };
  std::vector<row> rows;
  for (const auto& [set, slug] : cat.exercises()) {
    const exercise ex = load_exercise(set->root, slug);
    row r{cat.display_name(*set, slug), set->origin.name, slug, ex.title, ex.difficulty, "", ex.time_budget_minutes,
          ex.tags};
    for (const auto& t : ex.tags) r.tags += (r.tags.empty() ? "" : ", ") + t;
    rows.push_back(std::move(r));
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows)
      out.push_back({{"name", r.name}, {"set", r.set}, {"slug", r.slug}, {"title", r.title},
                     {"difficulty", r.difficulty}, {"time_budget_minutes", r.minutes}, {"tags", r.tag_list}});
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  // Columns as wide as their widest entry: a long title never shifts the rest.
  std::size_t wn = 4, wt = 5, wd = 10;
  for (const auto& r : rows) {
    wn = std::max(wn, r.name.size());
    wt = std::max(wt, r.title.size());
    wd = std::max(wd, r.difficulty.size());
  }
  for (const auto& r : rows)
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:>3} min  {}{}\n", r.name, wn, r.title, wt, r.difficulty, wd, r.minutes, r.tags,
               cat.sets().size() > 1 ? "  (set " + r.set + ")" : "");
  return 0;
}

int cmd_show(const globals& g, const std::string& slug) {
  const exercise ex = make_catalog(g).load(slug);
  std::ifstream in(ex.statement());
  std::cout << in.rdbuf() << "\n";
  fmt::print("Rubric ({} points):\n", ex.max_points());
  for (const auto& it : ex.items)
    fmt::print("  {:>2}  {}  [{}]{}\n", it.points, it.title, it.id,
               it.requires_files.empty() ? "" : fmt::format("  (graded if you submit {})", fmt::join(it.requires_files, ", ")));
  fmt::print("Your files: {}\n", fmt::join(ex.candidate_files, ", "));
  if (!ex.optional_files.empty())
    fmt::print("Follow-up files (optional): {}\n", fmt::join(ex.optional_files, ", "));
  return 0;
}

// gox's CMake package (find_package(gox)) of this gograde: installed beside
// it (<prefix>/lib/cmake/gox), else in the build tree it was built in; empty
// when neither is there.
fs::path gox_package_dir() {
  std::error_code ec;
  const fs::path installed = beside_gograde("../lib/cmake/gox/gox-config.cmake");
  if (!installed.empty() && fs::exists(installed, ec)) return installed.parent_path().lexically_normal();
  if (source_root() != fs::path(GOGRADE_SOURCE_DIR)) return {};  // installed without the package
  const fs::path built = fs::path(GOGRADE_GOX_PACKAGE_DIR);
  if (fs::exists(built / "gox-config.cmake", ec)) return built;
  return {};
}

int cmd_init(const globals& g, const std::string& slug, std::string dir, bool force) {
  const exercise ex = make_catalog(g).load(slug);
  if (dir.empty()) dir = slug;
  const auto written = init_workspace(ex, dir, gox_package_dir(), force);
  fmt::print("Wrote {} file(s) to {}:\n", written.size(), dir);
  for (const auto& f : written) fmt::print("  {}\n", f.string());
  fmt::print("\nNext:\n"
             "  1. Read {0}/README.md (the question) and edit {1}.\n"
             "  2. Check your work, both builds (normal and ThreadSanitizer):\n"
             "       gograde test {2} {0}\n"
             "  3. Optional, to run the visible tests yourself and for an IDE (compile_commands.json):\n"
             "       cmake -S {0} -B {0}/build && cmake --build {0}/build && {0}/build/visible_tests\n",
             shell_word(dir), fmt::join(ex.candidate_files, ", "), slug);
  return 0;
}

void emit(const std::string& text, const std::string& out_file) {
  if (out_file.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  std::ofstream out(out_file, std::ios::binary);
  out << text;
  if (!out.flush()) throw config_error("cannot write " + out_file);
}

int print_grade(const grade_result& r, const std::string& format, const std::string& out_file) {
  emit(render(r, format, out_file.empty() && color_on(1), verbosity > 1), out_file);
  if (!out_file.empty())
    fmt::print("{}: {} — score {}/{}; report written to {}\n", r.exercise, to_string(r.overall), r.score, r.max_score,
               out_file);
  return exit_for(r.overall);
}

grade_options options_for(const std::string& slug, const std::string& sub, bool visible) {
  grade_options opt;
  opt.visible_only = visible;
  opt.replay_prefix = fmt::format("gograde replay {} {}{}", slug, shell_word(sub), visible ? " --visible" : "");
  return opt;
}

int cmd_grade(const globals& g, const std::string& slug, const std::string& sub, bool visible, const std::string& format,
              const std::string& out_file) {
  const exercise ex = make_catalog(g).load(slug);
  builder b = make_builder(g);
  return print_grade(grade(b, ex, sub, options_for(slug, sub, visible)), format, out_file);
}

// grade --all: the submission holds one directory per exercise.
// test --watch: a grade now, then one after each save of the submission's
// files, each ending in a one-line status (the full report with -v).
int cmd_test_watch(const globals& g, const std::string& slug, const std::string& sub, int max_grades) {
  const exercise ex = make_catalog(g).load(slug);
  builder b = make_builder(g);
  std::error_code ec;
  const bool is_dir = fs::is_directory(sub, ec);
  if (!is_dir && !fs::exists(sub, ec)) throw config_error(sub + ": no such file or directory");
  const fs::path dir = is_dir ? fs::path(sub) : fs::absolute(sub).parent_path();
  std::vector<std::string> names = ex.candidate_files;
  names.insert(names.end(), ex.optional_files.begin(), ex.optional_files.end());
  if (!is_dir) names = {fs::path(sub).filename().string()};
  cli::file_watcher watcher(dir, names);
  note("gograde: watching {} in {} (Ctrl-C to stop)\n", fmt::join(names, ", "), dir.string());
  for (int n = 1;; ++n) {
    const grade_result r = grade(b, ex, sub, options_for(slug, sub, true));
    const std::time_t now = std::time(nullptr);
    char clock[16];
    std::strftime(clock, sizeof clock, "%H:%M:%S", std::localtime(&now));
    if (verbosity > 1) std::cout << to_text(r, color_on(1), true);
    const std::string line = status_line(r, 200);
    const bool ok = r.overall == verdict::passed;
    fmt::print("[{}] {}\n", clock, color_on(1) ? fmt::format("\033[{}m{}\033[0m", ok ? "32" : "31", line) : line);
    std::fflush(stdout);
    if (max_grades > 0 && n >= max_grades) return exit_for(r.overall);
    const auto changed = watcher.wait();
    note("gograde: {} changed: grading again\n", fmt::join(changed, ", "));
  }
}

int cmd_grade_all(const globals& g, const std::string& sub, const std::string& format, const std::string& out_file) {
  builder b = make_builder(g);
  const catalog cat = make_catalog(g);
  int worst = 0;
  std::string text;
  bool any = false;
  for (const auto& [set, name] : cat.exercises()) {
    const std::string slug = cat.display_name(*set, name);  // set/slug when shared: a nested directory
    if (!fs::is_directory(fs::path(sub) / slug)) continue;
    any = true;
    const exercise ex = cat.load(slug);
    const std::string path = (fs::path(sub) / slug).string();
    const grade_result r = grade(b, ex, path, options_for(slug, path, false));
    text += render(r, format, out_file.empty() && color_on(1), verbosity > 1);
    const int rc = exit_for(r.overall);
    worst = std::max(worst, rc);  // 3 (ours) over 1 (failed) over 0
  }
  if (!any) throw config_error(sub + ": no directory named after an exercise (expected e.g. " + sub + "/safe-counter)");
  emit(text, out_file);
  return worst;
}

int cmd_replay(const globals& g, const std::string& slug, const std::string& sub, int seed, const std::string& item,
               bool visible, bool virt, std::optional<flavour> only, const std::string& policy, bool trace_all) {
  const exercise ex = make_catalog(g).load(slug);
  builder b = make_builder(g);
  grade_options opt = options_for(slug, sub, visible);
  opt.only_item = item;
  opt.only_flavour = only;
  // The schedule each run took, printed with what the program printed.
  opt.trace = trace_all ? "all" : "40";
  opt.plan = [&](const rubric_item& it) {
    return std::vector<run_config>{make_policy_run(policy, seed, virt || uses_virtual_time(it))};
  };
  const grade_result r = grade(b, ex, sub, opt);
  fmt::print("replaying seed {} on the deterministic scheduler{} (the same seed gives the same schedule)\n", seed,
             policy.empty() ? "" : " with policy " + policy);
  std::string text = to_text(r, color_on(1), true);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return exit_for(r.overall);
}

int cmd_stress(const globals& g, const std::string& slug, const std::string& sub, const std::string& duration,
               int threads, int seeds, const std::string& item, bool visible) {
  const exercise ex = make_catalog(g).load(slug);
  builder b = make_builder(g);
  stress_options opt;
  opt.duration = parse_duration(duration);
  opt.threads = threads;
  opt.max_seeds = seeds;
  opt.visible_only = visible;
  opt.only_item = item;
  opt.replay_prefix = options_for(slug, sub, visible).replay_prefix;
  const bool tty = ::isatty(2);
  auto line = [](const stress_progress& p) {
    std::string f;
    for (const auto& [v, n] : p.failures_by_verdict) f += fmt::format("{}{} {}", f.empty() ? "" : ", ", v, n);
    int total = 0;
    for (const auto& [v, n] : p.failures_by_verdict) total += n;
    return fmt::format("{:6.1f} s  seeds {}  schedules {}  failures {}{}", static_cast<double>(p.elapsed.count()) / 1e3,
                       p.seeds, p.schedules, total, f.empty() ? "" : " (" + f + ")");
  };
  int last_printed = -1;
  note("gograde: building the suites first (not counted in the duration)\n");
  const stress_result res = stress(b, ex, sub, opt, [&](const stress_progress& p) {
    if (verbosity == 0) return;
    if (tty) {
      fmt::print(stderr, "\r{}\033[K", line(p));
      std::fflush(stderr);
    } else if (p.elapsed.count() / 10000 != last_printed) {  // a line every 10 s in a log
      last_printed = static_cast<int>(p.elapsed.count() / 10000);
      fmt::print(stderr, "{}\n", line(p));
    }
  });
  if (tty && verbosity > 0) fmt::print(stderr, "\n");
  if (!res.build_problem.empty()) {
    fmt::print("{}: {} — nothing to explore\n{}\n", slug, to_string(res.build_verdict), res.build_problem);
    return exit_for(res.build_verdict);
  }
  fmt::print("{}: explored {} seed(s), {} schedule(s) in {:.1f} s (deterministic seeds {}..{}, parallel on {} threads; "
             "the builds before took {:.1f} s)\n",
             slug, res.totals.seeds, res.totals.schedules, static_cast<double>(res.totals.elapsed.count()) / 1e3,
             opt.first_seed, opt.first_seed + std::max(0, res.totals.seeds - 1), threads,
             static_cast<double>(res.build_elapsed.count()) / 1e3);
  if (res.failures.empty()) {
    fmt::print("no failure found\n");
    return 0;
  }
  verdict worst = verdict::passed;
  fmt::print("{} distinct cause(s):\n", res.failures.size());
  for (const auto& f : res.failures) {
    if (severity(f.run.v) > severity(worst)) worst = f.run.v;
    std::string items;
    for (const auto& id : f.items) items += (items.empty() ? "" : ", ") + id;
    fmt::print("\n{} — {} failing run(s) in [{}]; first in [{}], {} build, {}:\n", f.headline, f.count, items, f.item,
               to_string(f.run.fl), f.run.config);
    // The evidence's first lines: enough to see what and where.
    std::string ev = f.run.evidence;
    std::size_t cut = 0;
    for (int lines = 0; lines < 6 && cut != std::string::npos; ++lines) cut = ev.find('\n', cut + 1);
    if (cut != std::string::npos) ev = ev.substr(0, cut) + "\n...";
    replace_all(ev, "\n", "\n  ");
    fmt::print("  {}\n", ev);
    if (const std::string rp = replay_text(f.run); !rp.empty()) fmt::print("  replay: {}\n", rp);
  }
  return exit_for(worst);
}

// References pass with full marks, mutants get their expected verdicts (the
// rule: engine/validate.hpp): a row per graded submission, its full report
// when off. Returns 0, 1 (some off) or 3 (an internal error).
int validate_exercises(builder& b, const std::vector<exercise>& exercises, int jobs = 0) {
  int bad = 0, internal = 0;
  fmt::print("{:<18} {:<26} {:<15} {:<15} {}\n", "exercise", "submission", "expected", "got", "");
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t total = 0, seen = 0;
  for (const auto& ex : exercises) total += 1 + ex.mutants.size();
  validate(b, exercises, [&](const validation_row& row) {
    const grade_result& r = row.result;
    // Other submissions may be building: above the live build line.
    std::string text = fmt::format("{:<18} {:<26} {:<15} {:<15} {}\n", row.exercise, row.submission, row.expected,
                                   to_string(r.overall), row.ok ? fmt::format("ok ({}/{})", r.score, r.max_score) : "WRONG");
    if (!row.ok) {
      ++bad;
      text += to_text(r, false);
    }
    for (const auto& o : row.off) text += fmt::format("  item {}\n", o);
    internal += r.overall == verdict::internal_error;
    if (building) building->line(text, stdout);
    else {
      fmt::print("{}", text);
      std::fflush(stdout);
    }
    ++seen;
    const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (seen < total)
      note("  {}/{} graded in {:.0f} s, about {:.0f} s left\n", seen, total, spent,
           spent / static_cast<double>(seen) * static_cast<double>(total - seen));
  }, jobs);
  if (internal) return 3;
  return bad ? 1 : 0;
}

// Arguments name exercises, or a whole set by its name; none: every exercise.
std::vector<exercise> select_exercises(const globals& g, const std::vector<std::string>& names) {
  return make_catalog(g).select(names);
}

int cmd_validate(const globals& g, const std::vector<std::string>& names, int jobs) {
  const std::vector<exercise> exercises = select_exercises(g, names);
  builder b = make_builder(g);
  return validate_exercises(b, exercises, jobs);
}

// Everything a grade builds that does not depend on a submission: the
// runtime of each flavour, and the judge half of each hidden suite of the
// exercises named (default: all), so that the first grade is quick.
int cmd_warm(const globals& g, const std::vector<std::string>& names) {
  const auto t0 = std::chrono::steady_clock::now();
  builder b = make_builder(g);
  if (const std::string err = b.prepare(); !err.empty()) throw std::runtime_error(err);
  // The code check's precompiled headers (without them, checks are slower).
  if (astcheck_pch(b.tools()).empty()) note("gograde: the code check's precompiled header could not be made\n");
  const std::vector<exercise> exercises = select_exercises(g, names);
  int judges = 0;
  for (const auto& ex : exercises) {
    std::vector<std::string> suites;
    for (const auto& it : ex.items)
      if (it.suite != "visible" && std::find(suites.begin(), suites.end(), it.suite) == suites.end())
        suites.push_back(it.suite);
    for (const auto& suite : suites) {
      const build_output o = b.build_judge(ex.judge_path(suite), fs::absolute(ex.data_dir(suite)), ex.libraries);
      if (!o.ok) throw std::runtime_error(fmt::format("{}: the judge of {} did not build:\n{}", ex.slug, suite, o.diagnostics));
      if (!o.cached) note("gograde: built the judge of {} {}\n", ex.slug, suite);
      ++judges;
    }
  }
  fmt::print("warm: the runtimes of 3 builds and {} judge(s) of {} exercise(s) are in {} ({:.1f} s)\n", judges,
             exercises.size(), cache_dir_of(g).string(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}

int cmd_batch(const globals& g, const std::string& dir, const std::string& slug, int jobs, const std::string& shard_opt,
              int shard_count, bool force, std::string out_dir, std::vector<std::string> formats) {
  const catalog cat = make_catalog(g);
  batch_options opt;
  opt.sets = &cat;
  opt.exercise = slug;
  opt.jobs = jobs;
  opt.force = force;
  opt.out_dir = out_dir.empty() ? fs::path(dir) / ".gograde-reports" : fs::path(out_dir);
  if (!formats.empty()) opt.formats = formats;
  const shard_spec sh = shard_opt.empty() ? shard_spec{} : resolve_shard(shard_opt, shard_count);
  const std::string started = utc_now();
  builder b = make_builder(g);
  const auto all = discover_batch(dir, opt);
  std::vector<std::string> notes;
  const batch_plan plan = join_batch(opt.out_dir, make_plan(dir, all, sh.count, pin_sets(cat, all)), notes);
  for (const auto& n : notes) fmt::print(stderr, "gograde: {}\n", n);
  const auto mine = plan.entries_of(sh.index);
  // Each submission is graded by a gograde process of its own: one that
  // crashes or hangs costs its own row, never the batch.
  opt.isolate = [&g, &opt](const batch_entry& e) {
    std::vector<std::string> argv = {"/proc/self/exe"};
    if (!g.set_dir.empty()) argv.insert(argv.end(), {"--set", fs::absolute(g.set_dir).string()});
    argv.insert(argv.end(), {"--cache", cache_dir_of(g).string()});
    if (g.no_sandbox) argv.push_back("--no-sandbox");
    argv.insert(argv.end(), {"batch-entry", "--candidate", e.candidate, "--exercise", e.exercise, "--submission",
                             fs::absolute(e.submission).string(), "--out", fs::absolute(opt.out_dir).string(),
                             "--formats", fmt::format("{}", fmt::join(opt.formats, ","))});
    if (opt.force) argv.push_back("--force");
    return argv;
  };
  if (const std::string err = b.prepare(); !err.empty()) throw std::runtime_error(err);
  note("grading {} submission(s){} on {} job(s); reports in {}\n", mine.size(),
             sh.count > 1 ? fmt::format(" (shard {}/{} of {}, from {})", sh.index, sh.count, plan.entries.size(), sh.source)
                          : "",
             jobs, opt.out_dir.string());
  std::size_t done = 0;
  const auto rows = run_batch(b, mine, opt, [&](const batch_row& r) {
    ++done;
    note("[{}/{}] {} {}: {}{}\n", done, mine.size(), r.entry.candidate, r.entry.exercise, r.verdict_name,
               r.status == "resumed" ? " (already graded)" : r.status == "error" ? " — " + r.message : "");
  });
  batch_summary summary{rows, plan.sets, utc_now(), 1, {}};
  std::cout << "\n" << batch_summary_text(summary);
  if (sh.count == 1) {
    write_batch_summary(summary, opt.out_dir);
    fmt::print("summary: {}  ({} and summary.json beside it)\n", (opt.out_dir / "index.html").string(), "summary.md");
  } else {
    write_shard_summary(opt.out_dir, plan, sh.index, rows, started);
    // The last shard to finish merges (two finishing at once write the same summary).
    if (all_shards_done(opt.out_dir)) {
      const batch_summary merged = merge_batches({opt.out_dir});
      write_batch_summary(merged, opt.out_dir);
      fmt::print("all {} shards are done; summary: {}{}\n", sh.count, (opt.out_dir / "index.html").string(),
                 merged.problems.empty() ? "" : fmt::format(" ({} problem(s): see it)", merged.problems.size()));
    } else {
      fmt::print("shard {}/{} done; when every shard is: gograde batch merge {}\n", sh.index, sh.count,
                 opt.out_dir.string());
    }
  }
  int rc = 0;
  for (const auto& r : rows) {
    if (r.verdict_name == "internal_error") rc = 3;
    else if (r.verdict_name != "passed" && rc == 0) rc = 1;
  }
  return rc;
}

// Joins shard results into the one summary; exit 0 when it is complete and
// consistent, 1 when something is missing or was graded twice differently.
int cmd_batch_merge(const std::vector<std::string>& dirs, const std::string& out) {
  std::vector<fs::path> paths(dirs.begin(), dirs.end());
  const batch_summary s = merge_batches(paths);
  const fs::path to = out.empty() ? paths.front() : fs::path(out);
  write_batch_summary(s, to);
  std::cout << batch_summary_text(s);
  fmt::print("merged {} director{} into {}{}\n", dirs.size(), dirs.size() == 1 ? "y" : "ies",
             (to / "index.html").string(), " (summary.json, summary.md, summary.csv beside it)");
  if (!s.problems.empty())
    fmt::print(stderr, "gograde: the merged batch is incomplete or inconsistent ({} problem(s) above)\n",
               s.problems.size());
  return s.problems.empty() ? 0 : 1;
}

int cmd_batch_plan(const globals& g, const std::string& dir, const std::string& slug, int shards) {
  const catalog cat = make_catalog(g);
  batch_options opt;
  opt.sets = &cat;
  opt.exercise = slug;
  const auto all = discover_batch(dir, opt);
  std::cout << plan_text(make_plan(dir, all, shards, pin_sets(cat, all)));
  return 0;
}

// One entry of a batch, graded in this process on behalf of a batch: the row
// goes to stdout after kRowMarker. GOGRADE_TEST_CRASH (a candidate's name)
// makes this process crash on that candidate: how the tests prove that a
// crash costs one row, not the batch (GOGRADE_TEST_HOLD: see below).
int cmd_batch_entry(const globals& g, const batch_entry& e, const std::string& out_dir,
                    const std::vector<std::string>& formats, bool force) {
  if (const char* crash = std::getenv("GOGRADE_TEST_CRASH"); crash && e.candidate == crash) std::abort();
  // GOGRADE_TEST_HOLD=CANDIDATE/EXERCISE=FILE holds that entry's grading
  // until FILE exists: how the tests stop a shard mid-run at a known point.
  if (const char* hold = std::getenv("GOGRADE_TEST_HOLD")) {
    const std::string h = hold;
    if (const auto eq = h.find('='); eq != std::string::npos && h.substr(0, eq) == e.candidate + "/" + e.exercise)
      while (!fs::exists(h.substr(eq + 1))) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const catalog cat = make_catalog(g);
  batch_options opt;
  opt.sets = &cat;
  opt.force = force;
  opt.out_dir = out_dir;
  opt.formats = formats;
  builder b = make_builder(g);
  const batch_row row = grade_entry(b, e, opt);
  std::cout << kRowMarker << row_json(row) << std::endl;
  return 0;
}

// ---- sets ---------------------------------------------------------------------

// Fetch progress on stderr: one line rewritten in place on a terminal; in a
// log, a line every few seconds and each fetch's last line.
sets::progress_fn progress_printer() {
  const bool tty = ::isatty(2);
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [tty, last](const std::string& line, bool final) {
    if (verbosity == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (tty) {
      fmt::print(stderr, "\r{}\033[K{}", line, final ? "\n" : "");
    } else if (final || now - *last >= std::chrono::seconds(3)) {
      *last = now;
      fmt::print(stderr, "{}\n", line);
    }
    std::fflush(stderr);
  };
}

// --verify: every reference and mutant of the new version, before it is used.
std::function<void(const fs::path&, const sets::set_state&)> verifier(const globals& g, bool verify) {
  if (!verify) return nullptr;
  return [&g](const fs::path& root, const sets::set_state& st) {
    note("verifying {} at commit {}: references and mutants ...\n", st.name.empty() ? st.url : st.name,
               st.commit.substr(0, 12));
    std::vector<exercise> exercises;
    for (const auto& slug : list_exercises(root)) exercises.push_back(load_exercise(root, slug));
    builder b = make_builder(g);
    if (validate_exercises(b, exercises) != 0)
      throw config_error(fmt::format("--verify: commit {} fails `gograde validate` (rows marked WRONG above)",
                                     st.commit.substr(0, 12)));
  };
}

int cmd_sets_add(const globals& g, const std::string& url, const std::string& name, const std::string& ref, bool verify) {
  sets::change_options opt;
  opt.name = name;
  opt.ref = ref;
  opt.progress = progress_printer();
  opt.verify = verifier(g, verify);
  const auto res = the_store().add(url, opt);
  fmt::print("{}\n", res.message);
  fmt::print("grade against it: gograde grade {}/{} SUBMISSION\n", res.after.name,
             res.after.exercises.empty() ? "SLUG" : res.after.exercises.front());
  return 0;
}

int cmd_sets_list(bool json) {
  const sets::store st = the_store();
  std::vector<std::string> problems;
  const auto all = st.list(&problems);
  const set_source b = builtin_set();
  for (const auto& p : problems) fmt::print(stderr, "gograde: skipped a damaged set: {}\n", p);
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    out.push_back({{"name", b.origin.name}, {"version", b.origin.version}, {"built_in", true},
                   {"follows", b.origin.ref}, {"commit", b.origin.commit},
                   {"exercises", list_exercises(b.root).size()}, {"from", b.root.string()}});
    for (const auto& s : all)
      out.push_back({{"name", s.name}, {"version", s.version}, {"built_in", false},
                     {"follows", s.ref_kind + " " + s.ref}, {"commit", s.commit}, {"exercises", s.exercises.size()},
                     {"from", s.url}});
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("{:<16} {:<10} {:<20} {:<13} {:>9}  {}\n", "set", "version", "follows", "commit", "exercises", "from");
  fmt::print("{:<16} {:<10} {:<20} {:<13} {:>9}  {}\n", b.origin.name, b.origin.version,
             b.origin.ref == "HEAD" || b.origin.ref.empty() ? "(built in)" : "(built in, changed)",
             b.origin.commit.empty() ? "-" : b.origin.commit.substr(0, 12), list_exercises(b.root).size(),
             b.root.string());
  for (const auto& s : all)
    fmt::print("{:<16} {:<10} {:<20} {:<13} {:>9}  {}\n", s.name, s.version, s.ref_kind + " " + s.ref,
               s.commit.substr(0, 12), s.exercises.size(), s.url);
  if (all.empty()) fmt::print("\nno set added yet: gograde sets add URL\n");
  return 0;
}

// A set's exercises with their titles; one that cannot be read says why.
void print_exercises(const fs::path& root, const std::vector<std::string>& slugs, const std::string& prefix) {
  fmt::print("exercises ({}):\n", slugs.size());
  for (const auto& slug : slugs) {
    std::string title;
    try {
      title = load_exercise(root, slug).title;
    } catch (const config_error& e) {
      title = std::string("(unreadable: ") + e.what() + ")";
    }
    fmt::print("  {:<20} {}\n", prefix + slug, title);
  }
}

int cmd_sets_show(const std::string& name) {
  const sets::store st = the_store();
  if (name == "builtin") {
    const set_source b = builtin_set();
    fmt::print("set:         {} {} (built in)\nfiles:       {}\n", b.origin.name, b.origin.version, b.root.string());
    if (!b.origin.commit.empty()) fmt::print("commit:      {} ({})\n", b.origin.commit, b.origin.ref);
    print_exercises(b.root, list_exercises(b.root), "");
    return 0;
  }
  const auto s = st.find(name);
  if (!s) {
    std::vector<std::string> names{"builtin"};
    for (const auto& x : st.list()) names.push_back(x.name);
    throw config_error(fmt::format("no set \"{}\" (sets: {})", name, fmt::join(names, ", ")));
  }
  fmt::print("set:         {} {}\n", s->name, s->version);
  if (!s->description.empty()) fmt::print("description: {}\n", s->description);
  fmt::print("from:        {}\nfollows:     {} {}{}\ncommit:      {}\nadded:       {}\nupdated:     {}\nfiles:       {}\n",
             s->url, s->ref_kind, s->ref, s->ref_kind == "commit" ? " (pinned)" : "", s->commit, s->added_at,
             s->updated_at, st.checkout(*s).string());
  print_exercises(st.checkout(*s), s->exercises, s->name + "/");
  return 0;
}

int cmd_sets_update(const globals& g, const std::string& name, bool force, bool verify) {
  sets::store st = the_store();
  std::vector<std::string> names;
  if (!name.empty()) names.push_back(name);
  else
    for (const auto& s : st.list()) names.push_back(s.name);
  if (names.empty()) {
    fmt::print("no set added yet: gograde sets add URL\n");
    return 0;
  }
  sets::change_options opt;
  opt.force = force;
  opt.progress = progress_printer();
  opt.verify = verifier(g, verify);
  int rc = 0;
  for (const auto& n : names) {
    try {
      fmt::print("{}\n", st.update(n, opt).message);
    } catch (const config_error& e) {
      if (names.size() == 1) throw;
      fmt::print(stderr, "gograde: {}\n", e.what());  // the other sets still get their update
      rc = 2;
    }
  }
  return rc;
}

int cmd_sets_pin(const globals& g, const std::string& name, const std::string& ref, bool verify) {
  sets::change_options opt;
  opt.progress = progress_printer();
  opt.verify = verifier(g, verify);
  fmt::print("{}\n", the_store().pin(name, ref, opt).message);
  return 0;
}

int cmd_sets_remove(const std::string& name) {
  sets::store st = the_store();
  const auto s = st.find(name);
  st.remove(name);
  fmt::print("removed set \"{}\" ({})\n", name, s ? s->url : "");
  return 0;
}

// The build cache: where it is, how large, and removing entries by hand.
// Removing needs the cache to itself (no grade may be using it).
int cmd_cache(const globals& g, const std::string& action, const std::string& max_size) {
  const fs::path dir = cache_dir_of(g);
  const std::uintmax_t limit = cache_max_of(g);
  if (action == "info") {
    std::map<std::string, std::pair<int, std::uintmax_t>> kinds;
    std::uintmax_t total = 0;
    for (const auto& e : cache_entries(dir)) {
      auto& k = kinds[e.kind];
      ++k.first;
      k.second += e.bytes;
      total += e.bytes;
    }
    fmt::print("cache: {}\nlimit: {}\nsize:  {}\n", dir.string(), limit == 0 ? "none" : format_size(limit),
               format_size(total));
    for (const auto& [kind, k] : kinds) fmt::print("  {:<10} {:>5} entries  {:>10}\n", kind, k.first, format_size(k.second));
    return 0;
  }
  std::uintmax_t target = 0;
  if (action == "prune") {
    target = limit;
    if (!max_size.empty()) {
      const auto n = parse_size(max_size);
      if (!n) throw config_error(fmt::format("cache prune: \"{}\" is not a size (10G, 512M, 0)", max_size));
      target = *n;
    }
    if (target == 0 && max_size.empty()) {
      fmt::print("the cache has no limit (--cache-max 0): nothing to prune\n");
      return 0;
    }
  } else if (!max_size.empty()) {
    throw config_error("cache clear: --max-size is for prune");
  }
  if (!fs::is_directory(dir)) {
    fmt::print("no cache at {}: nothing to remove\n", dir.string());
    return 0;
  }
  cache_lock lock(dir);
  if (!lock.try_exclusive())
    throw config_error(fmt::format("the cache at {} is in use by another gograde process; nothing was removed: try "
                                   "again when it has finished",
                                   dir.string()));
  const prune_result r = prune_cache(dir, target);
  fmt::print("removed {} entries: {} to {} ({})\n", r.removed, format_size(r.before), format_size(r.after),
             dir.string());
  return 0;
}

// A program run in the sandbox a submission's run gets (the system, a
// writable working directory, the paths given read-only), its output passed
// through: to see what the sandbox lets a program do.
int cmd_sandbox_exec(const std::vector<std::string>& argv, const std::vector<std::string>& ro) {
  if (argv.empty()) throw config_error("sandbox-exec: a program is required (gograde sandbox-exec -- PROGRAM ARGS)");
  if (const sandbox_status& st = probe_sandbox(); !st.ok) throw config_error(st.why);
  std::string tmpl = fmt::format("/tmp/gograde-exec-{}-XXXXXX", process_tag());
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a working directory in /tmp");
  const fs::path work = tmpl.c_str();
  std::vector<sandbox_mount> mounts = {{work, true}};
  for (const auto& p : ro) mounts.push_back({fs::absolute(p).lexically_normal(), false});
  process_spec spec;
  sandboxed(spec, argv, mounts, work, {});
  spec.timeout = std::chrono::seconds(60);
  const process_result r = run_process(spec);
  std::error_code ec;
  fs::remove_all(work, ec);
  fmt::print("{}", r.output);
  if (r.start_failed) throw config_error(r.output);
  return r.timed_out ? 124 : r.exit_code >= 0 ? r.exit_code : 128 + r.term_signal;
}

// The first line a program prints for --version, or why there is none.
std::string first_line_of(const std::vector<std::string>& argv) {
  process_spec spec;
  spec.argv = argv;
  spec.timeout = std::chrono::seconds(10);
  spec.output_cap = 4096;
  const process_result r = run_process(spec);
  if (r.start_failed || !r.exited_ok()) return "not found";
  return r.output.substr(0, r.output.find('\n'));
}

// gograde --version: what this gograde is and what its grades will use.
std::string version_text() {
  return fmt::format(
      "gograde {} (commit {})\nnormal build:  {}\nrace and exploration builds: {}\nsandbox: {}\nsources: {}\n",
      GOGRADE_VERSION, GOGRADE_COMMIT, first_line_of({toolchain{}.cxx_normal, "--version"}),
      first_line_of({toolchain{}.cxx_race, "--version"}),
      first_line_of({"bwrap", "--version"}), source_root().string());
}

// Which report format a file's name asks for (grade -o bob.html), or "".
std::string format_of_file(const std::string& file) {
  const std::string ext = fs::path(file).extension().string();
  if (ext == ".html" || ext == ".htm") return "html";
  if (ext == ".json") return "json";
  if (ext == ".xml") return "junit";
  if (ext == ".md" || ext == ".markdown") return "md";
  if (ext == ".txt") return "text";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gograde: Go concurrency exercises in C++, graded under race detection, schedule "
               "exploration and virtual time"};
  app.name("gograde");
  app.require_subcommand(1);
  // Global options may follow the subcommand too (gograde test ... -v): a
  // subcommand hands the options it does not know to gograde itself.
  app.fallthrough();
  app.footer("Exit codes: 0 all passed, 1 something failed, 2 usage or configuration error, 3 internal error.");
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return fmt::format("gograde: {}\nRun with --help for more information.\n", e.what());
  });
  app.add_flag_callback(
      "--version",
      [] {
        fmt::print("{}", version_text());
        throw CLI::Success();
      },
      "Print the version, the commit and the compilers and sandbox grades use");
  globals g;
  if (const char* s = std::getenv("GOGRADE_SET")) g.set_dir = s;
  app.add_option("--set", g.set_dir,
                 "Grade against this set directory only (default: the built-in set and the sets added from git)");
  if (const char* s = std::getenv("GOGRADE_CACHE")) g.cache_dir = s;
  app.add_option("--cache", g.cache_dir, "Build cache directory (default: $GOGRADE_CACHE, else $XDG_CACHE_HOME/gograde)");
  if (const char* s = std::getenv("GOGRADE_CACHE_MAX")) g.cache_max = s;
  app.add_option("--cache-max", g.cache_max,
                 "Build cache size limit (10G, 512M; 0: none; default 10G, or $GOGRADE_CACHE_MAX): least recently "
                 "used entries go when a command starts and no other gograde process uses the cache");
  app.add_flag("--no-sandbox", g.no_sandbox,
               "Compile and run submissions without bubblewrap (only where no sandbox can be made; never the default)");

  std::string slug, sub, format = "text", out_file, dir, duration = "60s", item, shard_opt, exercise_opt, policy;
  std::vector<std::string> slugs, formats;
  bool force = false, all = false, visible = false, virt = false, race_only = false, normal_only = false,
       explore_only = false, trace_all = false, watch = false;
  int watch_count = 0;
  int seed = 1, threads = 4, seeds = 0, jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
  const auto& fmts = report_formats();
  const std::string fmt_help = fmt::format("Report format: {}", fmt::join(fmts, ", "));

  bool json_out = false;
  bool quiet = false, verbose = false;
  app.add_flag("-q,--quiet", quiet, "Print results and errors only: no progress lines on stderr");
  app.add_flag("-v,--verbose", verbose,
               "Text reports list every run with its command and what the program printed");
  app.add_option("--color", color_mode, "Colour the text report: auto (a terminal without NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  auto* list = app.add_subcommand("list", "List the exercises: title, difficulty, time budget, tags");
  list->add_flag("--json", json_out, "As JSON: name, set, slug, title, difficulty, time_budget_minutes, tags");
  auto* show = app.add_subcommand("show", "Print an exercise's statement, rubric and files");
  show->add_option("exercise", slug, "Exercise slug")->required();

  auto* init = app.add_subcommand("init", "Write a workspace: starter files, visible tests, a CMake project");
  init->add_option("exercise", slug, "Exercise slug")->required();
  init->add_option("dir", dir, "Directory to write (default: the exercise's slug)");
  init->add_flag("--force", force, "Overwrite existing files");

  auto* test = app.add_subcommand("test", "Candidate mode: the visible tests, both builds");
  test->add_option("exercise", slug, "Exercise slug")->required();
  std::string test_sub = ".";
  test->add_option("submission", test_sub, "Your file or directory (default: the current directory)");
  test->add_option("--format", format, fmt_help)->check(CLI::IsMember(fmts));
  test->add_flag("--watch", watch, "Grade again each time you save, with a one-line status (Ctrl-C to stop)");
  test->add_option("--watch-count", watch_count, "With --watch: stop after this many grades (for scripts)")
      ->check(CLI::Range(1, 1000000));

  auto* grade_cmd = app.add_subcommand("grade", "Interviewer mode: hidden suites, full rubric, scorecard");
  grade_cmd->add_option("exercise", slug, "Exercise slug (or use --all)");
  grade_cmd->add_option("submission", sub, "Submission file or directory");
  grade_cmd->add_flag("--all", all, "Grade every exercise the submission has a directory for (<submission>/<slug>/)");
  grade_cmd->add_option("--format", format, fmt_help)->check(CLI::IsMember(fmts));
  grade_cmd->add_option("-o,--output", out_file,
                        "Write the report to FILE (without --format: .html, .json, .xml (JUnit), .md or .txt says which)");

  auto* stress_cmd = app.add_subcommand("stress", "Long schedule exploration with a live progress display");
  stress_cmd->add_option("exercise", slug, "Exercise slug")->required();
  stress_cmd->add_option("submission", sub, "Submission file or directory")->required();
  stress_cmd->add_option("--duration", duration, "Time budget (90s, 2m, ...)")->default_val("60s");
  stress_cmd->add_option("--threads", threads, "Threads of the parallel scheduler's runs")->default_val(4)->check(CLI::Range(1, 64));
  stress_cmd->add_option("--seeds", seeds, "Stop after this many seeds (0: when the duration is spent)")->check(CLI::NonNegativeNumber);
  stress_cmd->add_option("--item", item, "Only this rubric item");
  stress_cmd->add_flag("--visible", visible, "The visible tests instead of the hidden suites");

  auto* replay = app.add_subcommand("replay", "Rerun one seed's schedule exactly, on the deterministic scheduler");
  replay->add_option("exercise", slug, "Exercise slug")->required();
  replay->add_option("submission", sub, "Submission file or directory")->required();
  replay->add_option("--seed", seed, "The seed to replay")->required();
  replay->add_option("--item", item, "Only this rubric item");
  replay->add_flag("--visible", visible, "The visible tests (as `gograde test` runs them)");
  replay->add_flag("--virtual", virt, "In virtual time");
  auto* race_flag = replay->add_flag("--race", race_only, "Only the race build");
  auto* normal_flag = replay->add_flag("--normal", normal_only, "Only the normal build")->excludes(race_flag);
  replay->add_flag("--explore", explore_only, "Only the exploration build (atomic operations are scheduling points)")
      ->excludes(race_flag)
      ->excludes(normal_flag);
  replay->add_flag("--trace", trace_all, "Print the whole schedule of each run (default: its last 40 switches)");
  replay->add_option("--policy", policy, "The scheduler's policy of the run, as its replay line says (pct:d=3,steps=1000, dfs:schedule=57.1)")
      ->check([](const std::string& p) { return policy_error(p); });

  auto* validate = app.add_subcommand("validate", "Prove a set sound: references pass, mutants get their verdicts");
  validate->add_option("exercise", slugs, "Exercises, or set names for all of a set's (default: all)");
  int validate_jobs = 0;
  validate->add_option("-j,--jobs", validate_jobs,
                       "Submissions graded at once (default: one per CPU; their runs share the CPUs)")
      ->check(CLI::Range(1, 64));

  auto* batch = app.add_subcommand("batch", "Grade a directory of submissions: reports plus a summary; resumable");
  batch->add_option("dir", dir, "One subdirectory per candidate");
  batch->add_option("--exercise", exercise_opt, "The exercise, when candidates' directories hold its files directly");
  batch->add_option("-j,--jobs", jobs, "Submissions graded at once")->check(CLI::Range(1, 64));
  batch->add_option("--shard", shard_opt,
                    "Grade only shard K of N (K/N), or auto: the shard of this Slurm array task or Kubernetes "
                    "Indexed Job pod; shards share the output directory");
  int shard_count = 0;
  batch->add_option("--shard-count", shard_count,
                    "How many shards (with --shard auto where the scheduler does not say: a Kubernetes Indexed "
                    "Job's completions; or $GOGRADE_SHARD_COUNT)")
      ->check(CLI::Range(1, 100000));
  batch->add_flag("--force", force, "Regrade submissions already graded");
  batch->add_option("-o,--output", out_file, "Report directory (default: <dir>/.gograde-reports)");
  batch->add_option("--format", formats, "Report formats besides json (default: html)")->check(CLI::IsMember(fmts))->delimiter(',');
  std::vector<std::string> merge_dirs;
  auto* batch_merge = batch->add_subcommand("merge", "Join the shards' results into one summary (json, md, csv, html)");
  batch_merge->add_option("dirs", merge_dirs, "Output directories of the shards (one shared, or one per shard)")->required();
  batch_merge->add_option("-o,--output", out_file, "Where the summary goes (default: the first directory)");
  auto* batch_plan_cmd = batch->add_subcommand("plan", "Print how a batch splits into shards, before submitting jobs");
  batch_plan_cmd->add_option("dir", dir, "One subdirectory per candidate")->required();
  batch_plan_cmd->add_option("--shards", shard_count, "How many shards")->required()->check(CLI::Range(1, 100000));
  batch_plan_cmd->add_option("--exercise", exercise_opt, "The exercise, when candidates' directories hold its files directly");

  auto* sets_cmd = app.add_subcommand("sets", "Exercise sets from git: add, list, show, update, pin, remove");
  sets_cmd->require_subcommand(1);
  std::string url, set_name, ref;
  bool verify = false;
  auto* sets_add = sets_cmd->add_subcommand("add", "Fetch a set from a git URL or a local repository and add it");
  sets_add->add_option("url", url, "Local path, file://, git://, http(s)://, ssh:// or user@host:path")->required();
  sets_add->add_option("--name", set_name, "The set's name (default: its manifest's name)");
  sets_add->add_option("--ref", ref, "Branch, tag or commit to use (default: the remote's default branch)");
  sets_add->add_flag("--verify", verify, "Run `gograde validate` on it before adding it");
  auto* sets_list = sets_cmd->add_subcommand("list", "The sets: version, what each follows, commit, URL");
  sets_list->add_flag("--json", json_out, "As JSON: name, version, built_in, follows, commit, exercises, from");
  auto* sets_show = sets_cmd->add_subcommand("show", "One set: URL, ref, commit, exercises");
  sets_show->add_option("name", set_name, "Set name")->required();
  auto* sets_update = sets_cmd->add_subcommand("update", "Fetch and switch to the newest commit of what a set follows");
  sets_update->add_option("name", set_name, "Set name (default: every set)");
  sets_update->add_flag("--force", force, "Accept a history rewritten upstream");
  sets_update->add_flag("--verify", verify, "Run `gograde validate` on the new version before switching to it");
  auto* sets_pin = sets_cmd->add_subcommand("pin", "Make a set follow a branch, a tag, or stay at a commit");
  sets_pin->add_option("name", set_name, "Set name")->required();
  sets_pin->add_option("ref", ref, "Branch, tag or commit")->required();
  sets_pin->add_flag("--verify", verify, "Run `gograde validate` on that version before switching to it");
  auto* sets_remove = sets_cmd->add_subcommand("remove", "Delete a set and everything fetched for it");
  sets_remove->add_option("name", set_name, "Set name")->required();

  auto* warm = app.add_subcommand("warm", "Build now what grades build once (runtimes, judges), so the first grade is quick");
  warm->add_option("exercise", slugs, "Exercises, or set names for all of a set's (default: all)");

  std::string max_size;
  auto* cache_cmd = app.add_subcommand("cache", "The build cache: its size (info), or remove entries (prune, clear)");
  cache_cmd->require_subcommand(0, 1);
  cache_cmd->add_subcommand("info", "Where the cache is, its limit, its size by kind (the default)");
  auto* cache_prune = cache_cmd->add_subcommand("prune", "Remove least recently used entries down to the limit");
  cache_prune->add_option("--max-size", max_size, "Down to this size instead (10G, 512M, 0: everything)");
  auto* cache_clear = cache_cmd->add_subcommand("clear", "Remove every entry (they are rebuilt when needed)");

  batch_entry entry;
  std::string entry_sub;
  auto* batch_entry_cmd = app.add_subcommand("batch-entry", "One entry of a batch (used by batch)");
  batch_entry_cmd->group("");  // internal: not listed
  batch_entry_cmd->add_option("--candidate", entry.candidate)->required();
  batch_entry_cmd->add_option("--exercise", entry.exercise)->required();
  batch_entry_cmd->add_option("--submission", entry_sub)->required();
  batch_entry_cmd->add_option("--out", out_file)->required();
  batch_entry_cmd->add_option("--formats", formats)->delimiter(',');
  batch_entry_cmd->add_flag("--force", force);

  std::string shell;
  auto* completion = app.add_subcommand("completion", "Print shell completion for bash or zsh (the install puts both in place)");
  completion->add_option("shell", shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));

  std::vector<std::string> exec_argv, exec_ro;
  auto* sandbox_exec = app.add_subcommand("sandbox-exec", "Run a program in the sandbox a submission's run gets");
  sandbox_exec->add_option("--ro", exec_ro, "Show this path read-only too (repeatable)");
  sandbox_exec->add_option("program", exec_argv, "The program and its arguments (after --)")->required();

  if (argc == 1) {  // bare gograde: the command table
    fmt::print("{}", app.help());
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (quiet && verbose) {
    fmt::print(stderr, "gograde: -q and -v contradict each other: give one\n");
    return 2;
  }
  verbosity = quiet ? 0 : verbose ? 2 : 1;
  try {
    // The command table: each subcommand and what runs it; a nested one
    // (sets add, batch merge) before its parent.
    const std::vector<std::pair<CLI::App*, std::function<int()>>> commands = {
        {completion, [&] {
           std::cout << completion_script(app, shell);
           return 0;
         }},
        {sets_add, [&] { return cmd_sets_add(g, url, set_name, ref, verify); }},
        {sets_list, [&] { return cmd_sets_list(json_out); }},
        {sets_show, [&] { return cmd_sets_show(set_name); }},
        {sets_update, [&] { return cmd_sets_update(g, set_name, force, verify); }},
        {sets_pin, [&] { return cmd_sets_pin(g, set_name, ref, verify); }},
        {sets_remove, [&] { return cmd_sets_remove(set_name); }},
        {warm, [&] { return cmd_warm(g, slugs); }},
        {cache_cmd, [&] { return cmd_cache(g, *cache_prune ? "prune" : *cache_clear ? "clear" : "info", max_size); }},
        {list, [&] { return cmd_list(g, json_out); }},
        {show, [&] { return cmd_show(g, slug); }},
        {init, [&] { return cmd_init(g, slug, dir, force); }},
        {test, [&] {
           return watch ? cmd_test_watch(g, slug, test_sub, watch_count)
                        : cmd_grade(g, slug, test_sub, true, format, out_file);
         }},
        {grade_cmd, [&] {
           if (all && sub.empty()) std::swap(slug, sub);  // grade --all <submission>
           if (sub.empty()) throw config_error("grade: a submission is required");
           if (all == !slug.empty()) throw config_error("grade: name one exercise or pass --all");
           // -o bob.html without --format: the format the file's name asks for.
           if (grade_cmd->count("--format") == 0 && !out_file.empty())
             if (const std::string f = format_of_file(out_file); !f.empty()) format = f;
           return all ? cmd_grade_all(g, sub, format, out_file) : cmd_grade(g, slug, sub, false, format, out_file);
         }},
        {stress_cmd, [&] { return cmd_stress(g, slug, sub, duration, threads, seeds, item, visible); }},
        {replay, [&] {
           const std::optional<flavour> only = race_only      ? std::optional<flavour>(flavour::race)
                                               : normal_only  ? std::optional<flavour>(flavour::normal)
                                               : explore_only ? std::optional<flavour>(flavour::explore)
                                                              : std::nullopt;
           return cmd_replay(g, slug, sub, seed, item, visible, virt, only, policy == "random" ? std::string() : policy,
                             trace_all);
         }},
        {validate, [&] { return cmd_validate(g, slugs, validate_jobs); }},
        {sandbox_exec, [&] { return cmd_sandbox_exec(exec_argv, exec_ro); }},
        {batch_entry_cmd, [&] {
           entry.submission = entry_sub;
           return cmd_batch_entry(g, entry, out_file, formats, force);
         }},
        {batch_merge, [&] { return cmd_batch_merge(merge_dirs, out_file); }},
        {batch_plan_cmd, [&] { return cmd_batch_plan(g, dir, exercise_opt, shard_count); }},
        {batch, [&] {
           if (dir.empty()) throw config_error("batch: a directory of submissions is required (or: batch merge, batch plan)");
           if (!formats.empty()) formats.insert(formats.begin(), "json");
           return cmd_batch(g, dir, exercise_opt, jobs, shard_opt, shard_count, force, out_file, formats);
         }},
    };
    for (const auto& [cmd, run] : commands)
      if (*cmd) return run();
  } catch (const config_error& e) {
    fmt::print(stderr, "gograde: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "gograde: internal error: {}\n", e.what());
    return 3;
  }
  return 2;
}
