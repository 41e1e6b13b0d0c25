#include "engine/grade.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <future>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/files.hpp"
#include "engine/intake.hpp"
#include "engine/judge.hpp"
#include "engine/process.hpp"
#include "engine/sandbox.hpp"
#include "engine/scan.hpp"

namespace gograde {

namespace {

constexpr const char* kNames[] = {"passed", "failed", "compile_error", "data_race", "deadlock",
                                  "leak", "timeout", "crash", "memory_limit", "output_limit",
                                  "rejected", "internal_error", "skipped"};
// Worst first when combined: our fault, then what stops grading, then what
// the program did wrong, most specific evidence first.
constexpr int kSeverity[] = {0, 1, 10, 9, 8, 7, 6, 5, 4, 3, 11, 12, -1};

std::uint64_t files_hash(const exercise& ex, const submission_files& sub) {
  std::uint64_t h = hash_string(ex.slug);
  for (const auto& f : sub.files) h = hash_string(f.name + fmt::format("{:x}", hash_string(f.name + "\n" + f.bytes)), h);
  for (const auto& r : sub.refused) h = hash_string("refused:" + r, h);
  return h;
}

// The submission's files, written from what was read into a directory of
// their own (readable by the sandbox's identity), so the build sees nothing
// else of where they came from.
fs::path stage(const exercise& ex, const submission_files& sub, const fs::path& cache) {
  const fs::path dir = cache / fmt::format("submission-{:016x}", files_hash(ex, sub));
  if (!fs::exists(dir)) {
    std::string error;
    const fs::path tmp = make_staging_dir(dir, error);
    if (tmp.empty()) throw std::runtime_error(error);  // the cache is ours: an internal error
    for (const auto& f : sub.files) {
      std::ofstream out(tmp / f.name, std::ios::binary | std::ios::trunc);
      out << f.bytes;
      if (!out.flush()) throw std::runtime_error("cannot write " + (tmp / f.name).string());
      fs::permissions(tmp / f.name, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                        fs::perms::others_read);
    }
    fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    publish_dir(tmp, dir);
  }
  return dir;
}

std::string failure_text(const nlohmann::json& f) {
  if (f.is_null()) return {};
  std::string s = fmt::format("{}:{}: {}", fs::path(f.value("file", "")).filename().string(), f.value("line", 0),
                              f.value("expression", ""));
  const std::string exp = f.value("expanded", "");
  if (!exp.empty() && exp != f.value("expression", "")) s += "\n  with expansion: " + exp;
  const std::string msg = f.value("message", "");
  if (!msg.empty()) s += "\n  " + msg;
  const std::string info = f.value("info", "");
  if (!info.empty()) s += "\n  " + info;
  return s;
}

std::string race_evidence(const race::report& r, const race::source_filter& filter) {
  std::string s = r.kind;
  if (auto h = race::hint(r); !h.empty()) s += " (" + h + ")";
  for (const auto& a : r.accesses) {
    s += fmt::format("\n  {} {} of size {} by {}", a.previous ? "previous" : "", a.write ? "write" : "read",
                     a.size, a.fiber.empty() ? a.thread : a.fiber);
    auto frames = race::program_frames(a.stack, filter);
    if (frames.empty()) frames = a.stack;
    for (std::size_t k = 0; k < frames.size() && k < 3; ++k)
      s += fmt::format("\n      at {} {}:{}", frames[k].function, fs::path(frames[k].file).filename().string(),
                       frames[k].line);
  }
  return s;
}

// Lines [line-2, line+2] of `file` under the staged submission.
// `file` comes from text the program wrote (a race report, a dump): it only
// ever names one of the staged submission's files, by its plain name; any
// other path ("../../etc/shadow", "x/./../..") is never opened.
std::optional<excerpt> excerpt_of(const fs::path& staged, const std::string& file, int line, std::string why) {
  const fs::path given = fs::path(file).lexically_normal();
  const fs::path name = given.filename();
  if (name.empty() || name == "." || name == ".." || line <= 0) return std::nullopt;
  if (given.has_parent_path() && given != (staged / name).lexically_normal()) return std::nullopt;
  const std::string text = read_untrusted_file(staged / name, 1u << 20);
  if (text.empty()) return std::nullopt;
  std::istringstream in(text);
  excerpt e{name.string(), line, std::max(1, line - 2), {}, std::move(why)};
  int n = 0;
  for (std::string l; std::getline(in, l) && n < line + 2;)
    if (++n >= e.first) e.lines.push_back(l);
  if (static_cast<int>(e.lines.size()) < line - e.first + 1) return std::nullopt;
  return e;
}

void add_excerpt(run_outcome& out, std::optional<excerpt> e) {
  if (!e) return;
  for (const auto& x : out.excerpts)
    if (x.file == e->file && x.line == e->line) return;
  if (out.excerpts.size() < 6) out.excerpts.push_back(std::move(*e));
}

// "at <staged>/file.hpp:12" in a fiber dump.
void excerpts_from_dump(run_outcome& out, const std::string& dump, const fs::path& staged) {
  const std::string root = staged.string() + "/";
  for (std::size_t at = dump.find(root); at != std::string::npos; at = dump.find(root, at + 1)) {
    const std::size_t colon = dump.find(':', at + root.size());
    if (colon == std::string::npos) break;
    const std::string file = dump.substr(at, colon - at);
    const int line = std::atoi(dump.c_str() + colon + 1);
    add_excerpt(out, excerpt_of(staged, file, line, "where a fiber is blocked"));
  }
}

std::string random_nonce() {
  unsigned char raw[16] = {};
  std::ifstream("/dev/urandom", std::ios::binary).read(reinterpret_cast<char*>(raw), sizeof raw);
  std::string s;
  for (unsigned char c : raw) s += fmt::format("{:02x}", c);
  return s;
}

run_outcome run_one(const build_output& b, flavour fl, const rubric_item& item, const run_config& cfg,
                    const fs::path& staged, const fs::path& data_dir, const run_limits& item_limits, bool sandbox,
                    const grade_options& opt) {
  const std::string& tests = item.tests;
  const std::chrono::milliseconds timeout = opt.run_timeout.count() > 0 ? opt.run_timeout : item.timeout;
  run_outcome out;
  out.config = cfg.label;
  out.fl = fl;
  // A private directory of ours (never mounted into the sandbox) for the
  // results file, and a working directory for the run.
  std::string tmpl = fmt::format("/tmp/gograde-run-{}-XXXXXX", process_tag());
  if (!::mkdtemp(tmpl.data())) {
    out.v = verdict::internal_error;
    out.evidence = "cannot create a run directory in /tmp";
    return out;
  }
  const fs::path run_dir = tmpl.c_str();
  const fs::path work = run_dir / "work";
  const fs::path results = run_dir / "results.jsonl";
  std::error_code ec;
  fs::create_directories(work, ec);
  struct cleanup {
    fs::path dir;
    ~cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } cleanup_run{run_dir};
  const int results_fd = ::open(results.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  int nonce_pipe[2] = {-1, -1};
  if (results_fd < 0 || ::pipe2(nonce_pipe, O_CLOEXEC) != 0) {
    if (results_fd >= 0) ::close(results_fd);
    out.v = verdict::internal_error;
    out.evidence = "cannot open the run's results channel";
    return out;
  }
  const std::string nonce = random_nonce();
  (void)!::write(nonce_pipe[1], nonce.data(), nonce.size());
  ::close(nonce_pipe[1]);

  std::vector<std::pair<std::string, std::string>> env = cfg.env;
  env.emplace_back("GOGRADE_RESULTS_FD", "3");
  env.emplace_back("GOGRADE_NONCE_FD", "4");
  env.emplace_back("GOGRADE_DATA_DIR", data_dir.string());
  // ThreadSanitizer's flags come from the environment (which overrides any
  // default compiled in), and its reports go to files it opens itself in a
  // folder of their own: a program that closes or redirects its stderr does
  // not silence them, and exit status 66 says a report was made at all.
  const fs::path tsan_dir = run_dir / "tsan";
  if (fl == flavour::race) {
    fs::create_directories(tsan_dir, ec);
    env.emplace_back("TSAN_OPTIONS", fmt::format("halt_on_error=0 atexit_sleep_ms=0 exitcode={} "
                                                 "report_signal_unsafe=0 log_path={}",
                                                 kRaceExitCode, (tsan_dir / "report").string()));
  }
  std::vector<std::string> argv = {b.exe.string()};
  if (!tests.empty()) argv.push_back(tests);
  process_spec spec;
  const run_limits& lim = item_limits;
  if (sandbox) {
    // The working directory is a tmpfs of the sandbox's own: nothing written
    // there reaches the host's disk. ThreadSanitizer's folder is the host's
    // (the grader reads it afterwards), under a disk quota.
    std::vector<sandbox_mount> mounts = {{b.exe.parent_path(), false}, {work, true, (lim.file_size_mb * 4) << 20}};
    if (fs::is_directory(data_dir)) mounts.push_back({data_dir, false});
    if (fl == flavour::race) mounts.push_back({tsan_dir, true});
    sandboxed(spec, argv, mounts, work, env);
    if (fl == flavour::race) spec.quota_dirs = {tsan_dir.string()};
  } else {
    spec.argv = argv;
    spec.env = env;
    spec.cwd = work.string();
    spec.quota_dirs = {work.string(), tsan_dir.string()};
  }
  spec.pass_fds = {results_fd, nonce_pipe[0]};
  spec.timeout = timeout;
  spec.cpu_limit = opt.run_cpu_limit.count() > 0
                       ? opt.run_cpu_limit
                       : std::chrono::duration_cast<std::chrono::seconds>(2 * timeout);
  spec.output_cap = 1 << 20;
  spec.stall_limit = std::min<std::chrono::milliseconds>(std::chrono::seconds(lim.stall_seconds), timeout);
  spec.output_limit = lim.output_kb * 1024;
  spec.disk_quota = (lim.file_size_mb * 4) << 20;
  spec.file_size_limit = lim.file_size_mb << 20;
  spec.open_files_limit = lim.open_files;
  std::string cgroup_why;
  std::unique_ptr<cgroup_limit> cg = cgroup_limit::create(lim.memory_mb << 20, lim.processes, cgroup_why);
  if (cg) spec.cgroup_procs = cg->procs_files();
  else {
    // No cgroup here: RLIMIT_NPROC (not enforced for root) and, outside the
    // race build, RLIMIT_AS with room for the fibers' reserved stacks.
    // ThreadSanitizer cannot run under RLIMIT_AS: the race build goes without.
    spec.processes_limit = lim.processes;
    if (fl == flavour::normal) spec.address_space_limit = (lim.memory_mb + 1024) << 20;
  }
  process_result pr = run_process(spec);
  // bwrap reports a child killed by signal N as exit status 128 + N.
  if (sandbox && pr.term_signal == 0 && pr.exit_code > 128 && pr.exit_code < 128 + 65) {
    pr.term_signal = pr.exit_code - 128;
    pr.exit_code = -1;
  }
  ::close(results_fd);
  ::close(nonce_pipe[0]);
  out.wall = pr.wall;
  std::string env_text;
  for (const auto& [k, v] : cfg.env) env_text += k + "=" + v + " ";
  if (fl == flavour::race) env_text += "TSAN_OPTIONS=halt_on_error=0 ";
  out.command = env_text + shell_quote(b.exe.string()) + (tests.empty() ? "" : " " + shell_quote(tests));
  out.replay = out.command;

  bool done = false;
  int forged = 0;
  std::string internal;  // the suite's own report of an exercise fault
  std::istringstream lines(read_file(results));
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    // Only the test main knows the nonce: anything else on the channel was
    // written by the code under test.
    if (j.is_discarded() || !j.is_object() || j.value("nonce", "") != nonce) {
      if (!line.empty()) ++forged;
      continue;
    }
    if (j.value("event", "") == "done") {
      done = true;
      continue;
    }
    if (j.value("event", "") == "internal") {
      internal = j.value("message", "the suite reported an error of the exercise");
      continue;
    }
    test_outcome t;
    t.name = j.value("name", "");
    t.passed = j.value("status", "") == "passed";
    t.kind = j.value("outcome", "ok");
    t.detail = t.kind != "ok" ? j.value("report", "") : failure_text(j.value("failure", nlohmann::json()));
    for (const auto& e : j.value("events", nlohmann::json::array()))
      t.events.push_back({e.value("t_ms", 0.0), e.value("label", ""), e.value("lane", "")});
    out.tests.push_back(std::move(t));
  }
  std::string tsan_error;
  if (fl == flavour::race) {
    // Reports from the files ThreadSanitizer wrote (read as data: the program
    // could have planted links there), and any it printed.
    std::string text = pr.output;
    std::vector<fs::path> logs;
    for (const auto& e : fs::directory_iterator(tsan_dir, ec)) logs.push_back(e.path());
    std::sort(logs.begin(), logs.end());
    for (const auto& l : logs) text += "\n" + read_untrusted_file(l, 4u << 20);
    out.races = race::parse(text);
    if (const auto at = text.find("ERROR: ThreadSanitizer"); at != std::string::npos)
      tsan_error = text.substr(at, std::min(text.find('\n', at), at + 400) - at);
  }

  run_facts facts;
  facts.fl = fl;
  facts.exit_code = pr.exit_code;
  facts.term_signal = pr.term_signal;
  facts.start_failed = pr.start_failed;
  facts.start_error = pr.start_failed ? pr.output : "";
  facts.timed_out = pr.timed_out;
  facts.stalled = pr.stalled;
  facts.cpu_exceeded = pr.cpu_exceeded;
  facts.output_exceeded = pr.output_exceeded;
  facts.disk_exceeded = pr.disk_exceeded;
  facts.memory_exceeded = cg && cg->memory_exceeded();
  facts.pids_exceeded = cg && cg->pids_exceeded();
  facts.timeout = timeout;
  facts.stall_limit = spec.stall_limit;
  facts.cpu_limit = spec.cpu_limit;
  facts.limits = lim;
  facts.forged = forged;
  facts.done = done;
  facts.internal = internal;
  facts.tests = out.tests;
  facts.test_spec = tests;
  facts.races = out.races;
  facts.tsan_error = tsan_error;
  const judgement j = judge(facts);
  out.v = j.v;
  out.evidence = j.evidence;
  race::source_filter filter{{staged.string() + "/"}};
  if (j.race != judgement::npos) {
    const race::report& shown = out.races[j.race];
    out.evidence = race_evidence(shown, filter);
    for (const auto& a : shown.accesses) {
      const auto frames = race::program_frames(a.stack, filter);
      if (!frames.empty())
        add_excerpt(out, excerpt_of(staged, frames.front().file, frames.front().line,
                                    fmt::format("{}{} by {}", a.previous ? "previous " : "",
                                                a.write ? "write" : "read", a.fiber.empty() ? a.thread : a.fiber)));
    }
    if (out.races.size() > 1) out.evidence += fmt::format("\n  (and {} more report(s))", out.races.size() - 1);
  } else if (j.test != judgement::npos && out.tests[j.test].kind != "ok") {
    excerpts_from_dump(out, out.tests[j.test].detail, staged);
  }
  // Paths in the evidence as the candidate knows them: relative to the submission.
  replace_all(out.evidence, staged.string() + "/", "");
  return out;
}

}  // namespace

const char* to_string(verdict v) noexcept { return kNames[static_cast<int>(v)]; }

std::optional<verdict> parse_verdict(const std::string& s) noexcept {
  for (int i = 0; i < static_cast<int>(std::size(kNames)); ++i)
    if (s == kNames[i]) return static_cast<verdict>(i);
  return std::nullopt;
}

int severity(verdict v) noexcept { return kSeverity[static_cast<int>(v)]; }

std::string input_hash(const exercise& ex, const fs::path& submission) {
  const submission_files sub = read_submission(ex, submission);
  std::uint64_t h = files_hash(ex, sub);
  h = hash_string("missing:" + sub.missing, h);
  h = hash_string("set:" + ex.origin.name + "@" + ex.origin.commit, h);
  std::vector<fs::path> own;
  std::error_code ec;
  for (const fs::path& root : {ex.exercise_dir / "tests", ex.exercise_dir / "exercise.toml", ex.graders_dir / "suites",
                               ex.graders_dir / "data", ex.graders_dir / "rubric.toml"}) {
    if (fs::is_regular_file(root)) own.push_back(root);
    for (const auto& e : fs::recursive_directory_iterator(root, ec))
      if (e.is_regular_file()) own.push_back(e.path());
  }
  std::sort(own.begin(), own.end());
  for (const auto& p : own) h = hash_string(fmt::format("{:x}", hash_file(p)), h);
  return fmt::format("{:016x}", h);
}

grade_result grade(builder& b, const exercise& ex, const fs::path& submission, const grade_options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  grade_result g;
  g.exercise = ex.slug;
  g.title = ex.title;
  g.set = ex.origin;
  g.submission = submission.string();
  g.input_hash = input_hash(ex, submission);
  const submission_files sub = read_submission(ex, submission);
  const std::string& missing = sub.missing;
  const fs::path staged = stage(ex, sub, b.tools().cache_dir);

  std::vector<rubric_item> items = ex.items;
  if (opt.visible_only) {
    items.clear();
    rubric_item normal{"visible", "Visible tests", 0, "visible", "", {flavour::normal}, {}, std::chrono::seconds(30), {}};
    for (const char* r : {"det:1-3", "par:2"})
      for (auto& rc : parse_runs(r)) normal.runs.push_back(rc);
    rubric_item racy{"visible-race", "Visible tests in the race build", 0, "visible", "", {flavour::race}, {},
                     std::chrono::seconds(30), {}};
    for (const char* r : {"det:1-2", "par:2"})
      for (auto& rc : parse_runs(r)) racy.runs.push_back(rc);
    items = {normal, racy};
  }
  if (!opt.only_item.empty()) {
    std::vector<rubric_item> kept;
    for (auto& it : items)
      if (it.id == opt.only_item) kept.push_back(it);
    if (kept.empty()) throw config_error(fmt::format("{}: no rubric item \"{}\"", ex.slug, opt.only_item));
    items = std::move(kept);
  }
  if (opt.plan) {
    std::vector<rubric_item> kept;
    for (auto& it : items) {
      it.runs = opt.plan(it);
      if (!it.runs.empty()) kept.push_back(std::move(it));
    }
    items = std::move(kept);
  }

  // Files that are not plain data, and constructs that would blind the
  // grader, are refused before compiling.
  std::string refused;
  if (!sub.refused.empty()) {
    refused = fmt::format("{}. Only regular files of the submission's own, within the size limits, are graded.",
                          fmt::join(sub.refused, "; "));
  } else if (missing.empty()) {
    if (const auto f = scan_submission(sub.files))
      refused = fmt::format("{}:{}: `{}`: {}. Submissions may not switch off the race detector, the test suite's "
                            "checks or the grader's channel; remove it.",
                            f->file, f->line, f->what, f->why);
  }

  // Follow-up items whose files were not submitted: not attempted.
  std::map<std::string, std::string> not_attempted;  // item id -> the files it lacks
  for (const auto& it : items) {
    std::string lacks;
    for (const auto& f : it.requires_files)
      if (!sub.has(f)) lacks += (lacks.empty() ? "" : ", ") + f;
    if (!lacks.empty()) not_attempted[it.id] = lacks;
  }

  // Every (suite, flavour) built once, all of them at the same time.
  std::map<std::pair<std::string, flavour>, std::shared_future<build_output>> builds;
  for (const auto& it : items)
    for (flavour fl : it.builds) {
      auto key = std::make_pair(it.suite, fl);
      if (builds.count(key) || !missing.empty() || !refused.empty() || not_attempted.count(it.id)) continue;
      const fs::path suite = ex.suite_path(it.suite);
      builds[key] = std::async(std::launch::async, [&b, &ex, fl, suite, staged] {
                      return b.build(fl, suite, staged, ex.libraries, std::chrono::seconds(ex.limits.compile_seconds));
                    }).share();
    }

  for (const auto& it : items) {
    item_outcome io;
    io.item = it;
    std::ptrdiff_t timed_out_at = 0;  // 1 + index of the run that timed out
    int not_run = 0;
    if (auto na = not_attempted.find(it.id); na != not_attempted.end() && missing.empty()) {
      run_outcome ro;
      ro.config = "not attempted";
      ro.v = verdict::skipped;
      ro.evidence = fmt::format("follow-up not attempted: submit {} to have it graded", na->second);
      io.runs.push_back(std::move(ro));
    }
    for (flavour fl : it.builds) {
      if (!io.runs.empty() && io.runs.front().v == verdict::skipped) break;
      if (!refused.empty()) {
        run_outcome ro;
        ro.config = "build";
        ro.fl = fl;
        ro.v = verdict::rejected;
        ro.evidence = refused;
        io.runs.push_back(std::move(ro));
        continue;
      }
      if (!missing.empty()) {
        run_outcome ro;
        ro.config = "build";
        ro.fl = fl;
        ro.v = verdict::compile_error;
        ro.evidence = "missing file(s): " + missing;
        io.runs.push_back(std::move(ro));
        continue;
      }
      const build_output& bo = builds[{it.suite, fl}].get();
      if (!bo.ok) {
        run_outcome ro;
        ro.config = "build";
        ro.fl = fl;
        ro.v = bo.our_fault ? verdict::internal_error : verdict::compile_error;
        ro.evidence = bo.diagnostics;
        ro.wall = bo.wall;
        if (g.build_log.find(bo.diagnostics) == std::string::npos) g.build_log += bo.diagnostics;
        io.runs.push_back(std::move(ro));
        continue;
      }
      if (opt.only_flavour && fl != *opt.only_flavour) continue;
      for (const auto& rc : it.runs) {
        // Once a configuration timed out, the item has its verdict: the others
        // are not each made to wait out the limit again.
        if (timed_out_at) {
          ++not_run;
          continue;
        }
        io.runs.push_back(run_one(bo, fl, it, rc, staged, fs::absolute(ex.data_dir(it.suite)), ex.limits,
                                  b.tools().sandbox, opt));
        if (io.runs.back().v == verdict::timeout) timed_out_at = &io.runs.back() - io.runs.data() + 1;
        if (!opt.replay_prefix.empty() && rc.kind != "par")
          io.runs.back().replay = fmt::format("{} --item {} --seed {}{}{}", opt.replay_prefix, it.id, rc.seed,
                                              rc.kind == "virt" ? " --virtual" : "",
                                              fl == flavour::race ? " --race" : "");
      }
    }
    if (timed_out_at && not_run > 0)
      io.runs[timed_out_at - 1].evidence +=
          fmt::format("\n  (the item's {} other configuration(s) were not run: one timeout decides the item)", not_run);
    if (!io.runs.empty() && io.runs.front().v == verdict::skipped) io.v = verdict::skipped;
    for (const auto& r : io.runs)
      if (severity(r.v) > severity(io.v)) io.v = r.v;
    io.awarded = io.v == verdict::passed ? it.points : 0;
    g.score += io.awarded;
    g.max_score += it.points;
    if (severity(io.v) > severity(g.overall)) g.overall = io.v;
    g.items.push_back(std::move(io));
  }
  g.wall = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  return g;
}

}  // namespace gograde
