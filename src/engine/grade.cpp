#include "engine/grade.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <mutex>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <future>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/astcheck.hpp"
#include "engine/cpus.hpp"
#include "engine/files.hpp"
#include "engine/intake.hpp"
#include "engine/judge.hpp"
#include "engine/process.hpp"
#include "engine/report.hpp"
#include "engine/sandbox.hpp"
#include "engine/scan.hpp"
#include "gograde/protocol.hpp"

namespace gograde {

namespace {

constexpr const char* kNames[] = {"passed", "failed", "compile_error", "data_race", "deadlock",
                                  "leak", "timeout", "crash", "memory_limit", "output_limit",
                                  "rejected", "internal_error", "skipped", "inconclusive"};
// Worst first when combined: our fault, then what stops grading, then what
// the program did wrong, most specific evidence first; a run that could not
// conclude only above a pass.
constexpr int kSeverity[] = {0, 2, 11, 10, 9, 8, 7, 6, 5, 4, 12, 13, -1, 1};

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
  if (fs::exists(dir)) {
    touch_entry(dir);
  } else {
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

// A field of a record, as text: records carry what a driver wrote, so a
// field of another type is read as absent rather than trusted.
std::string text_of(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  if (it == j.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return {};
}

double number_of(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0;
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0;
}

std::string failure_text(const nlohmann::json& f) {
  if (!f.is_object()) return {};
  const std::string file = fs::path(text_of(f, "file")).filename().string();
  const std::string expr = text_of(f, "expression");
  std::string s = file.empty() ? expr : fmt::format("{}:{}: {}", file, text_of(f, "line"), expr);
  const std::string exp = text_of(f, "expanded");
  if (!exp.empty() && exp != expr) s += "\n  with expansion: " + exp;
  const std::string msg = text_of(f, "message");
  if (!msg.empty()) s += (s.empty() ? "" : "\n  ") + msg;
  const std::string info = text_of(f, "info");
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

// Lines [line-2, line+2] of `file` under the staged submission, which the
// program knows as `seen_as` (where its compiler saw it).
// `file` comes from text the program wrote (a race report, a dump): it only
// ever names one of the staged submission's files, by its plain name; any
// other path ("../../etc/shadow", "x/./../..") is never opened.
std::optional<excerpt> excerpt_of(const fs::path& seen_as, const fs::path& staged, const std::string& file, int line,
                                  std::string why) {
  const fs::path given = fs::path(file).lexically_normal();
  const fs::path name = given.filename();
  if (name.empty() || name == "." || name == ".." || line <= 0) return std::nullopt;
  if (given.has_parent_path() && given != (seen_as / name).lexically_normal()) return std::nullopt;
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

// The candidate's lines a gox dump names, each captioned by what the dump
// says of it: the panicking call (the message's "at"), a blocked fiber's
// "at", a fiber's "created at".
void excerpts_from_dump(run_outcome& out, const std::string& dump, const fs::path& seen_as, const fs::path& staged) {
  const std::string root = seen_as.string() + "/";
  std::size_t begin = 0;
  for (bool first = true; begin < dump.size(); first = false) {
    std::size_t end = dump.find('\n', begin);
    if (end == std::string::npos) end = dump.size();
    const std::string text = dump.substr(begin, end - begin);
    begin = end + 1;
    const std::size_t at = text.find(root);
    if (at == std::string::npos) continue;
    const std::size_t colon = text.find(':', at + root.size());
    if (colon == std::string::npos) continue;
    const std::size_t created = text.find("created at ");
    const char* why = first && text.rfind("panic:", 0) == 0           ? "where it panicked"
                      : created != std::string::npos && created < at ? "where the fiber was created"
                                                                     : "where a fiber is blocked";
    add_excerpt(out,
                excerpt_of(seen_as, staged, text.substr(at, colon - at), std::atoi(text.c_str() + colon + 1), why));
  }
}

// One line of a results channel: a record, or nothing (not JSON, not an
// object with a string kind).
std::optional<nlohmann::json> record_of(const std::string& line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains(protocol::kEvent) || !j[protocol::kEvent].is_string())
    return std::nullopt;
  return j;
}

// One run for the judge half of its suite: the driver's records, where the
// judge writes its results, the test spec.
struct judge_job {
  fs::path records, results;
  std::string tests;
};

// The judge half of a suite, started at the suite's first run and fed its
// runs as they end (--gograde-batch-fd: one JSON line per run on a pipe), so
// that its start costs nothing at the end. It runs the exercise's code on the
// submission's records, sandboxed like everything else; compiled without the
// submission, what it reports is the grader's. finish() says why it did not
// finish, or "" (a run it could not judge lacks its done line, which the
// run's finishing reports).
class judge_session {
 public:
  judge_session(const build_output& judge, fs::path dir, const fs::path& data_dir, bool sandbox)
      : dir_(std::move(dir)) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      error_ = "cannot make a pipe for the judge";
      return;
    }
    write_end_ = fds[1];
    std::error_code ec;
    fs::create_directories(dir_, ec);
    const std::vector<std::string> argv = {judge.exe.string(), protocol::kBatchFdSwitch, "3"};
    const std::vector<std::pair<std::string, std::string>> env = {{protocol::kDataDir, data_dir.string()}};
    mounts_ = {{judge.exe.parent_path(), false}, {dir_, true}};
    if (fs::is_directory(data_dir)) mounts_.push_back({data_dir, false});
    if (sandbox) {
      sandboxed(spec_, argv, mounts_, dir_, env);
    } else {
      spec_.argv = argv;
      spec_.env = env;
      spec_.cwd = dir_.string();
    }
    spec_.pass_fds = {fds[0]};
    // It lives as long as the grade; each run it judges has a minute (the
    // judge's own alarm), and it may sleep between runs.
    spec_.timeout = std::chrono::hours(6);
    spec_.cpu_limit = std::chrono::minutes(30);
    spec_.output_cap = 64 << 10;
    spec_.output_limit = 8 << 20;
    spec_.file_size_limit = 64 << 20;
    std::string why;
    cg_ = cgroup_limit::create(2ULL << 30, 64, why);
    if (cg_) spec_.cgroup_procs = cg_->procs_files();
    process_ = std::async(std::launch::async, [this, read_end = fds[0]] {
      process_result r = run_process(spec_);
      ::close(read_end);
      return r;
    });
    sandbox_ = sandbox;
  }
  judge_session(const judge_session&) = delete;
  judge_session& operator=(const judge_session&) = delete;
  ~judge_session() { (void)finish(); }

  // Runs of the suite end on several threads: one line at a time.
  void add(const judge_job& j) {
    const std::lock_guard lock(add_mu_);
    if (write_end_ < 0) return;
    // The judge runs as the sandbox's user: it reads the driver's records
    // (the driver has ended) and writes its results beside them.
    std::error_code ec;
    fs::permissions(j.records.parent_path(), fs::perms::all, ec);
    fs::permissions(j.records, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                   fs::perms::others_read, ec);
    const std::string line =
        nlohmann::json{{"records", j.records.string()}, {"results", j.results.string()}, {"tests", j.tests}}.dump() + "\n";
    // A judge that is gone makes the write fail (EPIPE), not the grader die:
    // SIGPIPE is held for this thread and the one a failed write raised taken.
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    const char* p = line.data();
    bool broken = false;
    for (std::size_t left = line.size(); left > 0;) {
      const ssize_t n = ::write(write_end_, p, left);
      if (n <= 0) {
        broken = true;  // finish() says why the judge is gone
        break;
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (broken) {
      const timespec now{0, 0};
      while (::sigtimedwait(&pipe_set, nullptr, &now) == SIGPIPE) {
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  // Closes the judge's input and waits for it.
  std::string finish() {
    const std::unique_lock lock(add_mu_);
    if (write_end_ >= 0) {
      ::close(write_end_);
      write_end_ = -1;
    }
    if (!process_.valid()) return error_;
    const process_result pr = process_.get();
    if (sandbox_) reclaim(mounts_);
    if (!pr.exited_ok() && !(pr.exit_code == 1 && !pr.timed_out))
      error_ = fmt::format("the judge half of the suite did not finish ({}):\n{}",
                          pr.timed_out ? "out of time"
                          : pr.term_signal ? fmt::format("signal {}", pr.term_signal)
                                           : fmt::format("exit status {}", pr.exit_code),
                          pr.output.substr(0, 2000));
    return error_;
  }

  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
  std::mutex add_mu_;
  int write_end_ = -1;
  process_spec spec_;
  std::vector<sandbox_mount> mounts_;
  std::unique_ptr<cgroup_limit> cg_;
  std::future<process_result> process_;
  bool sandbox_ = false;
  std::string error_;
};

// A run whose program has ended: `finish` judges it (runs the judge half,
// reads the reports) and may run on another thread, while the next run's
// program runs.
struct driven_run {
  std::function<run_outcome()> finish;
  bool timed_out = false;  // the program ran out of time (the item's other configurations need not run)
  std::vector<judge_job> judging;  // what the judge half is to judge before `finish`
};

// CPUs a run's program can keep busy: a parallel run's threads, else one.
int cpus_of(const run_config& rc) {
  if (rc.kind != "par") return 1;
  for (const auto& [k, v] : rc.env)
    if (k == "GOX_THREADS") try {
        return std::max(1, std::stoi(v));
      } catch (const std::exception&) {
      }
  return 1;
}

// Calls `work(0..n-1)`, each once, on up to the pool's size of threads (this
// one among them). The first exception `work` throws is thrown here, after
// every call has ended.
void run_chains(const cpu_pool& pool, std::size_t n, const std::function<void(std::size_t)>& work) {
  const std::size_t width = std::min<std::size_t>(n, static_cast<std::size_t>(pool.size()));
  if (width <= 1) {
    for (std::size_t k = 0; k < n; ++k) work(k);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::exception_ptr first;
  auto worker = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < n;) try {
        work(k);
      } catch (...) {
        const std::lock_guard lock(mu);
        if (!first) first = std::current_exception();
      }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < width; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

driven_run ended(run_outcome out) {
  return {[out = std::move(out)] { return out; }, false, {}};
}

// A depth-first exploration's driver sends each distinct outcome of a test
// as observations tagged {"variant": k}. Each variant is judged on its own:
// file k holds every record without a variant and, of each test's tagged
// observations, variant k (modulo the test's count, so a test with fewer
// outcomes is judged again on one it had). No tagged observation: no split.
constexpr int kMaxVariants = 64;

}  // namespace

std::vector<fs::path> split_variants(const fs::path& records) {
  const std::string text = read_untrusted_file(records, 64u << 20);
  struct line_info {
    std::string line, test;
    int variant = -1;
  };
  std::vector<line_info> lines;
  std::map<std::string, int> count;
  int most = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line_info li{line, {}, -1};
    if (const auto j = record_of(line); j && (*j)[protocol::kEvent] == protocol::kObs) {
      const auto v = j->find("variant");
      if (v != j->end() && v->is_number_unsigned() && v->get<std::uint64_t>() < kMaxVariants) {
        li.variant = static_cast<int>(v->get<std::uint64_t>());
        li.test = text_of(*j, "test");
        count[li.test] = std::max(count[li.test], li.variant + 1);
        most = std::max(most, li.variant + 1);
      }
    }
    lines.push_back(std::move(li));
  }
  std::vector<fs::path> out;
  for (int k = 0; k < most; ++k) {
    const fs::path f = records.parent_path() / fmt::format("driver-v{}.jsonl", k);
    std::ofstream o(f, std::ios::binary | std::ios::trunc);
    for (const auto& li : lines)
      if (li.variant < 0 || li.variant == k % count[li.test]) o << li.line << "\n";
    if (!o.flush()) return {};  // judged whole: the judge says what it makes of the tags
    out.push_back(f);
  }
  return out;
}

std::string item_test_code(const exercise& ex, const rubric_item& it) {
  if (it.suite != "visible") {
    std::string builds, runs;
    for (flavour f : it.builds) builds += (builds.empty() ? "" : ", ") + std::string(to_string(f));
    for (const auto& rc : it.runs) runs += (runs.empty() ? "" : ", ") + rc.label;
    return fmt::format("// hidden test: {}\n// builds: {}\n// runs: {}\n", it.title, builds, runs);
  }
  const std::string text = read_untrusted_file(ex.visible_suite(), 256u << 10);
  if (it.tests.empty()) return text;
  // The TEST_CASEs whose heading names a part of the spec ("[basic]", a name).
  std::vector<std::string> parts;
  for (std::size_t at = 0; at <= it.tests.size();) {
    const std::size_t comma = std::min(it.tests.find(',', at), it.tests.size());
    if (comma > at) parts.push_back(it.tests.substr(at, comma - at));
    at = comma + 1;
  }
  std::string out;
  for (std::size_t at = text.find("TEST_CASE("); at != std::string::npos;) {
    const std::size_t next = text.find("\nTEST_CASE(", at);
    const std::size_t end = next == std::string::npos ? text.size() : next + 1;
    const std::string block = text.substr(at, end - at);
    const std::string heading = block.substr(0, block.find('{'));
    if (std::any_of(parts.begin(), parts.end(), [&](const std::string& p) { return heading.find(p) != std::string::npos; }))
      out += block;
    at = next == std::string::npos ? next : next + 1;
  }
  return out.empty() ? text : out;
}

std::string explored_words(const nlohmann::json& e) {
  const auto n = [&e](const char* k) { return e.value(k, nlohmann::json(0)).is_number() ? e[k].get<double>() : 0.0; };
  const auto count = [](double x) {
    const std::string digits = fmt::format("{:.0f}", x);
    std::string d;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) d += ',';
      d += digits[i];
    }
    return d;
  };
  const bool complete = e.value("complete", nlohmann::json(false)) == true;
  const bool failed = e.value("failed", nlohmann::json(false)) == true;
  const bool overflow = e.value("too_many_outcomes", nlohmann::json(false)) == true;
  const double runs = n("runs"), preemptions = n("preemptions");
  const std::size_t outcomes = e.contains("variants") && e["variants"].is_array() ? e["variants"].size() : 0;
  const std::string bound = fmt::format("with at most {:.0f} preemption{}", preemptions, preemptions == 1 ? "" : "s");
  // With preemptions allowed, the search's first run is the lockstep
  // schedule (every fiber one operation at a time), outside the bound.
  const bool lockstep = preemptions > 0 && runs >= 1;
  if (failed) {
    const bool first = outcomes == 1 && e["variants"][0].value("schedule", std::string()) == "lockstep";
    if (first) return "the lockstep schedule (fibers one operation at a time, side by side) failed, the search's first";
    return fmt::format("depth first {}: schedule {} failed", bound, count(runs));
  }
  const double bounded = lockstep ? runs - 1 : runs;
  std::string s = complete ? fmt::format("all {} schedules {}", count(bounded), bound)
                           : fmt::format("{} schedules {} (not all: {})", count(bounded), bound,
                                         overflow ? "more distinct outcomes than are judged" : "the run budget");
  if (lockstep) s = "the lockstep schedule and " + s;
  return s + fmt::format(", {} distinct outcome{} judged", outcomes, outcomes == 1 ? "" : "s");
}

namespace {

// `judging`: a folder of the grade's for the drivers' records and the
// judge's results; `judge_error`: set, before `finish` runs, when the judge
// did not finish.
driven_run run_one(const build_output& b, const build_output* judge_build, flavour fl, const rubric_item& item,
                   const run_config& cfg, const fs::path& staged, const fs::path& data_dir,
                   const run_limits& item_limits, bool sandbox, const grade_options& opt, const fs::path& judging,
                   std::shared_ptr<const std::string> batch_error) {
  const std::string tests = item.tests;
  const std::chrono::milliseconds timeout = opt.run_timeout.count() > 0 ? opt.run_timeout : item.timeout;
  run_outcome out;
  out.config = cfg.label;
  out.fl = fl;
  // A private directory of ours for the driver's records (shown to the
  // judge alone) and the judge's results, and a working directory for the run.
  std::string tmpl = fmt::format("/tmp/gograde-run-{}-XXXXXX", process_tag());
  if (!::mkdtemp(tmpl.data())) {
    out.v = verdict::internal_error;
    out.evidence = "cannot create a run directory in /tmp";
    return ended(out);
  }
  const fs::path run_dir = tmpl.c_str();
  std::error_code ec;
  const fs::path work = run_dir / "work";
  // The visible suite's records stay in the run's folder; a driver's go to
  // the grade's judging folder, where the judge finds them.
  const fs::path records_dir = judge_build ? judging / fs::path(run_dir).filename() : run_dir / "records";
  if (judge_build) fs::create_directories(judging, ec);
  const fs::path driver_records = records_dir / "driver.jsonl";
  const fs::path judge_results = records_dir / "judge.jsonl";
  fs::create_directories(work, ec);
  fs::create_directories(driver_records.parent_path(), ec);
  // Removed when the last holder lets go (the run, then its judging).
  const std::shared_ptr<const fs::path> cleanup_run(new fs::path(run_dir), [records_dir](const fs::path* dir) {
    std::error_code e;
    fs::remove_all(*dir, e);
    fs::remove_all(records_dir, e);
    delete dir;
  });
  const int results_fd = ::open(driver_records.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (results_fd < 0) {
    out.v = verdict::internal_error;
    out.evidence = "cannot open the run's results channel";
    return ended(out);
  }

  std::vector<std::pair<std::string, std::string>> env = cfg.env;
  env.emplace_back(protocol::kResultsFd, "3");
  // A driver sees its inputs, which its judge made; never the test data
  // (which holds what the tests expect). The visible suite reads its data.
  const fs::path inputs_dir = judge_build ? judge_build->inputs : fs::path();
  if (judge_build) env.emplace_back(protocol::kInputs, (inputs_dir / "inputs.json").string());
  else env.emplace_back(protocol::kDataDir, data_dir.string());
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
  // The exploration build: every atomic operation and every plain access of
  // the suite and the submission is a point where the seeded scheduler may
  // switch fibers (a load-then-store, atomic or not, loses updates on a seed).
  constexpr const char* kExplore = "accesses";
  if (fl == flavour::explore) env.emplace_back("GOX_EXPLORE", kExplore);
  const bool traced = !opt.trace.empty();
  if (traced) env.emplace_back("GOX_TRACE", opt.trace);
  std::vector<std::string> argv = {b.exe.string()};
  if (!tests.empty()) argv.push_back(tests);
  process_spec spec;
  const run_limits& lim = item_limits;
  if (sandbox) {
    // The working directory is a tmpfs of the sandbox's own: nothing written
    // there reaches the host's disk. ThreadSanitizer's folder is the host's
    // (the grader reads it afterwards), under a disk quota.
    std::vector<sandbox_mount> mounts = {{b.exe.parent_path(), false}, {work, true, (lim.file_size_mb * 4) << 20}};
    if (judge_build) mounts.push_back({inputs_dir, false});
    else if (fs::is_directory(data_dir)) mounts.push_back({data_dir, false});
    if (fl == flavour::race) mounts.push_back({tsan_dir, true});
    sandboxed(spec, argv, mounts, work, env);
    spec.quota_dirs = {driver_records.parent_path().string()};
    if (fl == flavour::race) spec.quota_dirs.push_back(tsan_dir.string());
  } else {
    spec.argv = argv;
    spec.env = env;
    spec.cwd = work.string();
    spec.quota_dirs = {work.string(), tsan_dir.string(), driver_records.parent_path().string()};
  }
  spec.pass_fds = {results_fd};
  spec.timeout = timeout;
  spec.cpu_limit = opt.run_cpu_limit.count() > 0
                       ? opt.run_cpu_limit
                       : std::chrono::duration_cast<std::chrono::seconds>(2 * timeout);
  // A traced run prints its schedule besides what the program prints.
  const std::size_t trace_room = traced ? std::size_t{16} << 20 : 0;
  spec.output_cap = (std::size_t{1} << 20) + trace_room;
  spec.stall_limit = std::min<std::chrono::milliseconds>(std::chrono::seconds(lim.stall_seconds), timeout);
  // The limit is running time: on a busy machine the deadline waits, up to
  // three limits more, while the run waits for a CPU.
  spec.busy_extension = 3 * timeout;
  spec.output_limit = lim.output_kb * 1024 + trace_room;
  spec.disk_quota = (lim.file_size_mb * 4) << 20;
  spec.file_size_limit = lim.file_size_mb << 20;
  spec.open_files_limit = lim.open_files;
  std::string cgroup_why;
  std::shared_ptr<cgroup_limit> cg = cgroup_limit::create(lim.memory_mb << 20, lim.processes, cgroup_why);
  if (cg) spec.cgroup_procs = cg->procs_files();
  else {
    // No cgroup here: RLIMIT_NPROC (not enforced for root) and, outside the
    // race build, RLIMIT_AS with room for the fibers' reserved stacks.
    // ThreadSanitizer cannot run under RLIMIT_AS: the race build goes without.
    spec.processes_limit = lim.processes;
    if (fl != flavour::race) spec.address_space_limit = (lim.memory_mb + 1024) << 20;
  }
  process_result pr = run_process(spec);
  // bwrap reports a child killed by signal N as exit status 128 + N.
  if (sandbox && pr.term_signal == 0 && pr.exit_code > 128 && pr.exit_code < 128 + 65) {
    pr.term_signal = pr.exit_code - 128;
    pr.exit_code = -1;
  }
  ::close(results_fd);
  out.wall = pr.wall;
  std::string env_text;
  for (const auto& [k, v] : cfg.env) env_text += k + "=" + v + " ";
  if (fl == flavour::race) env_text += "TSAN_OPTIONS=halt_on_error=0 ";
  if (fl == flavour::explore) env_text += fmt::format("GOX_EXPLORE={} ", kExplore);
  out.command = env_text + shell_quote(b.exe.string()) + (tests.empty() ? "" : " " + shell_quote(tests));
  const auto stall_limit = spec.stall_limit;
  const auto cpu_limit = spec.cpu_limit;
  // The folder the program's file names give the submission's files.
  const fs::path seen_as = b.submission_seen_as.empty() ? staged : b.submission_seen_as;
  // A run the machine kept from running proves nothing: the item's other
  // configurations still run.
  const bool timed_out = (pr.timed_out && !pr.busy) || pr.stalled || pr.cpu_exceeded;

  // One judge's run per distinct outcome of a depth-first exploration.
  std::vector<judge_job> jobs;
  if (judge_build) {
    for (const fs::path& v : split_variants(driver_records))
      jobs.push_back({v, v.parent_path() / ("judge-" + v.filename().string().substr(7)), tests});
    if (jobs.empty()) jobs.push_back({driver_records, judge_results, tests});
  }

  auto finish = [=, base = std::move(out)]() mutable -> run_outcome {
  (void)cleanup_run;  // the run's directory lives as long as this
  auto conclude = [&](const fs::path& judged, run_outcome res) -> run_outcome {
  // The results: the judge's, run on the driver's records; or, for the
  // visible suite, its own records.
  bool done = false;
  int forged = 0;
  std::string internal;      // an error of the exercise, reported by its test main
  std::string judge_error;   // the judge did not finish
  fs::path results = driver_records;
  std::string driver_internal;
  bool judge_done = false;
  if (judge_build) {
    // A driver's report of an exercise error counts only with the exit
    // status its test main gives it (code under test cannot call exit).
    std::istringstream lines(read_untrusted_file(driver_records, 64u << 20));
    for (std::string line; std::getline(lines, line);)
      if (auto j = record_of(line); j && (*j)[protocol::kEvent] == protocol::kInternal)
        driver_internal = text_of(*j, "message");
    if (batch_error && !batch_error->empty()) judge_error = *batch_error;
    results = judged;
  }
  std::istringstream lines(read_untrusted_file(results, 64u << 20));
  for (std::string line; std::getline(lines, line);) {
    const auto rec = record_of(line);
    if (!rec) {
      // The visible suite's channel is the program's: a line that is no
      // record was written by the code under test. The judge's is ours.
      if (!line.empty()) {
        if (judge_build) judge_error = "the judge wrote a line that is no record: " + line.substr(0, 200);
        else ++forged;
      }
      continue;
    }
    const nlohmann::json& j = *rec;
    const std::string ev = j[protocol::kEvent];
    if (ev == protocol::kObs) continue;
    if (ev == protocol::kDone) {
      judge_done = true;
      done = !judge_build || (j.contains("driver_done") && j["driver_done"].is_boolean() && j["driver_done"].get<bool>());
      if (judge_build) forged += static_cast<int>(number_of(j, "malformed"));
      continue;
    }
    if (ev == protocol::kInternal) {
      internal = text_of(j, "message");
      if (internal.empty()) internal = "the suite reported an error of the exercise";
      continue;
    }
    if (ev != protocol::kTestRecord) {
      if (!judge_build) ++forged;
      continue;
    }
    test_outcome t;
    t.name = text_of(j, "name");
    t.passed = text_of(j, "status") == "passed";
    t.inconclusive = judge_build && text_of(j, "status") == "inconclusive";
    t.kind = j.contains("outcome") ? text_of(j, "outcome") : "ok";
    t.detail = t.kind != "ok" && t.kind != "missing" ? text_of(j, "report")
                                                     : failure_text(j.value("failure", nlohmann::json()));
    // The driver's words, shown in every report format.
    if (const auto nr = j.find("not_replayable"); nr != j.end() && nr->is_string())
      t.not_replayable = plain_words(nr->get<std::string>(), 200);
    if (const auto e = j.find("explored"); judge_build && e != j.end() && e->is_object()) {
      t.explored = explored_words(*e);
      if (const auto vs = e->find("variants"); vs != e->end() && vs->is_array())
        for (const auto& v : *vs)
          if (v.is_object() && v.value("schedule", nlohmann::json()).is_string())
            t.schedules.push_back(valid_schedule(v["schedule"]) ? v["schedule"].get<std::string>() : "");
    }
    if (const auto ev_it = j.find("events"); ev_it != j.end() && ev_it->is_array())
      for (const auto& e : *ev_it)
        if (e.is_object()) t.events.push_back({number_of(e, "t_ms"), text_of(e, "label"), text_of(e, "lane")});
    res.tests.push_back(std::move(t));
  }
  if (judge_build && !judge_done && internal.empty() && judge_error.empty())
    judge_error = "the judge half of the suite ended before its last record";
  if (judge_build) {
    // The judge forwards what the driver said; it is the exercise's error
    // only when the driver's exit status says so too.
    if (!internal.empty() && internal == driver_internal && pr.exit_code != protocol::kExerciseErrorExit)
      internal.clear();
    if (!done && judge_error.empty() && res.tests.empty() && pr.exit_code == protocol::kExerciseErrorExit &&
        !driver_internal.empty())
      internal = driver_internal;
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
    res.races = race::parse(text);
    tsan_error = race::fatal_error(text);
  }

  run_facts facts;
  facts.fl = fl;
  facts.exit_code = pr.exit_code;
  facts.term_signal = pr.term_signal;
  facts.start_failed = pr.start_failed;
  facts.start_error = pr.start_failed ? pr.output : "";
  facts.timed_out = pr.timed_out;
  facts.busy = pr.busy;
  facts.waited_for_cpu = pr.waited_for_cpu;
  facts.stalled = pr.stalled;
  facts.cpu_exceeded = pr.cpu_exceeded;
  facts.output_exceeded = pr.output_exceeded;
  facts.disk_exceeded = pr.disk_exceeded;
  facts.memory_exceeded = cg && cg->memory_exceeded();
  facts.pids_exceeded = cg && cg->pids_exceeded();
  facts.timeout = timeout;
  facts.stall_limit = stall_limit;
  facts.cpu_limit = cpu_limit;
  facts.limits = lim;
  facts.forged = forged;
  facts.done = done;
  facts.internal = internal;
  facts.judge_error = judge_error;
  facts.tests = res.tests;
  facts.test_spec = tests;
  facts.races = res.races;
  facts.tsan_error = tsan_error;
  const judgement j = judge(facts);
  res.v = j.v;
  res.evidence = j.evidence;
  race::source_filter filter{{seen_as.string() + "/"}};
  if (j.race != judgement::npos) {
    const race::report& shown = res.races[j.race];
    res.evidence = race_evidence(shown, filter);
    for (const auto& a : shown.accesses) {
      const auto frames = race::program_frames(a.stack, filter);
      if (!frames.empty())
        add_excerpt(res, excerpt_of(seen_as, staged, frames.front().file, frames.front().line,
                                    fmt::format("{}{} by {}", a.previous ? "previous " : "",
                                                a.write ? "write" : "read", a.fiber.empty() ? a.thread : a.fiber)));
    }
    if (res.races.size() > 1) res.evidence += fmt::format("\n  (and {} more report(s))", res.races.size() - 1);
  } else if (j.test != judgement::npos && res.tests[j.test].kind != "ok") {
    excerpts_from_dump(res, res.tests[j.test].detail, seen_as, staged);
  }
  // Paths in the evidence as the candidate knows them: relative to the submission.
  replace_all(res.evidence, seen_as.string() + "/", "");
  const std::size_t kOutputKept = traced ? std::size_t{16} << 20 : 4000;
  res.output = pr.start_failed ? std::string() : pr.output;
  if (res.output.size() > kOutputKept)
    res.output = "[... " + std::to_string(res.output.size() - kOutputKept) + " bytes before]\n" +
                 res.output.substr(res.output.size() - kOutputKept);
  replace_all(res.output, seen_as.string() + "/", "");
  while (!res.output.empty() && std::isspace(static_cast<unsigned char>(res.output.back()))) res.output.pop_back();
  return res;
  };
  if (!judge_build) return conclude(driver_records, base);
  // Each outcome judged; the worst decides, and its schedule replays it.
  run_outcome worst;
  std::size_t worst_k = 0;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    run_outcome o = conclude(jobs[k].results, base);
    if (k == 0 || severity(o.v) > severity(worst.v)) {
      worst = std::move(o);
      worst_k = k;
    }
  }
  for (const auto& t : worst.tests) {
    if (t.explored.empty()) continue;
    if (worst.explored.empty()) worst.explored = t.explored;
    if (worst.v != verdict::passed && worst.schedule.empty() && !t.passed && !t.schedules.empty())
      worst.schedule = t.schedules[worst_k % t.schedules.size()];
  }
  if (!worst.explored.empty() && jobs.size() > 1)
    worst.evidence += fmt::format("\n  (outcome {} of the {} distinct ones the search sent)", worst_k + 1, jobs.size());
  return worst;
  };
  driven_run d{std::move(finish), timed_out, std::move(jobs)};
  return d;
}


}  // namespace

const char* to_string(verdict v) noexcept { return kNames[static_cast<int>(v)]; }

std::optional<verdict> parse_verdict(const std::string& s) noexcept {
  for (int i = 0; i < static_cast<int>(std::size(kNames)); ++i)
    if (s == kNames[i]) return static_cast<verdict>(i);
  return std::nullopt;
}

int severity(verdict v) noexcept { return kSeverity[static_cast<int>(v)]; }

void decide_item(item_outcome& io) {
  const auto explored = [](const run_outcome& r) { return r.fl == flavour::explore; };
  const bool explore_decides =
      std::any_of(io.runs.begin(), io.runs.end(), explored) &&
      std::none_of(io.runs.begin(), io.runs.end(),
                   [&](const run_outcome& r) { return explored(r) && r.v == verdict::inconclusive; });
  for (auto& r : io.runs) {
    if (explore_decides && r.v == verdict::inconclusive) {
      static constexpr std::string_view kSetAside = "\n  (set aside: the item's explored schedules decide it)";
      if (r.evidence.find(kSetAside) == std::string::npos) r.evidence += kSetAside;
      continue;
    }
    if (severity(r.v) > severity(io.v)) io.v = r.v;
  }
}

std::string exercise_hash(const exercise& ex) {
  std::uint64_t h = hash_string("set:" + ex.origin.name + "@" + ex.origin.commit);
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

std::string input_hash(const exercise& ex, const fs::path& submission) {
  const submission_files sub = read_submission(ex, submission);
  std::uint64_t h = files_hash(ex, sub);
  h = hash_string("missing:" + sub.missing, h);
  h = hash_string("exercise:" + exercise_hash(ex), h);
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
  {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(ex.graders_dir / "suites", ec))
      if (e.is_regular_file(ec)) g.hidden_files.push_back(e.path().filename().string());
    std::sort(g.hidden_files.begin(), g.hidden_files.end());
  }
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

  // Then what the compiler sees (macros expanded, names bound), checked on
  // clang's AST while the suites build.
  std::future<ast_check> ast;
  if (refused.empty() && missing.empty()) {
    std::vector<std::string> names;
    for (const auto& f : sub.files) names.push_back(f.name);
    ast = std::async(std::launch::async, [&b, &ex, staged, names] {
      return check_ast(b.tools(), ex, staged, names, std::chrono::seconds(ex.limits.compile_seconds));
    });
  }

  // Follow-up items whose files were not submitted: not attempted.
  std::map<std::string, std::string> not_attempted;  // item id -> the files it lacks
  for (const auto& it : items) {
    std::string lacks;
    for (const auto& f : it.requires_files)
      if (!sub.has(f)) lacks += (lacks.empty() ? "" : ", ") + f;
    if (!lacks.empty()) not_attempted[it.id] = lacks;
  }

  // Every (suite, flavour) built once, and every suite's judge, all of them
  // at the same time.
  std::map<std::pair<std::string, flavour>, std::shared_future<build_output>> builds;
  std::map<std::string, std::shared_future<build_output>> judges;
  for (const auto& it : items)
    for (flavour fl : it.builds) {
      if (it.suite != "visible" && !judges.count(it.suite) && missing.empty() && refused.empty() &&
          !not_attempted.count(it.id)) {
        const fs::path judge = ex.judge_path(it.suite), data = fs::absolute(ex.data_dir(it.suite));
        judges[it.suite] = std::async(std::launch::async, [&b, &ex, judge, data] {
                             return b.build_judge(judge, data, ex.libraries);
                           }).share();
      }
      auto key = std::make_pair(it.suite, fl);
      if (builds.count(key) || !missing.empty() || !refused.empty() || not_attempted.count(it.id)) continue;
      const fs::path suite = ex.suite_path(it.suite);
      builds[key] = std::async(std::launch::async, [&b, &ex, fl, suite, staged] {
                      return b.build(fl, suite, staged, ex.libraries, std::chrono::seconds(ex.limits.compile_seconds));
                    }).share();
    }

  // The AST check's verdict stops every item before it runs anything.
  std::optional<run_outcome> blocked;
  if (ast.valid()) {
    const ast_check a = ast.get();
    run_outcome ro;
    ro.config = "build";
    if (a.r == ast_check::result::forbidden) {
      ro.v = verdict::rejected;
      ro.evidence = fmt::format("{}:{}: uses `{}`: {}.", a.found.front().file, a.found.front().line,
                                a.found.front().what, a.found.front().why);
      for (std::size_t k = 1; k < a.found.size() && k < 5; ++k)
        ro.evidence += fmt::format("\n  {}:{}: `{}`", a.found[k].file, a.found[k].line, a.found[k].what);
      ro.evidence += "\n  An answer may use its own code, gox, the C++ standard library (not files or processes) "
                     "and what the exercise allows; remove it.";
      blocked = ro;
    } else if (a.r == ast_check::result::not_parsed || a.r == ast_check::result::timed_out) {
      ro.v = verdict::compile_error;
      ro.evidence = a.r == ast_check::result::not_parsed ? "clang cannot compile it:\n" + a.text : a.text;
      blocked = ro;
    } else if (a.r == ast_check::result::failed) {
      ro.v = verdict::internal_error;
      ro.evidence = a.text;
      blocked = ro;
    }
  }

  // Every run of a suite is judged by one start of its judge half, fed the
  // runs as they end: until it has finished, the items' runs are placeholders.
  std::string judging_tmpl = fmt::format("/tmp/gograde-judge-{}-XXXXXX", process_tag());
  if (!::mkdtemp(judging_tmpl.data())) throw std::runtime_error("cannot create a folder in /tmp");
  const fs::path judging_dir = judging_tmpl.c_str();
  const std::shared_ptr<const fs::path> judging_cleanup(new fs::path(judging_dir), [](const fs::path* dir) {
    std::error_code e;
    fs::remove_all(*dir, e);
    delete dir;
  });
  std::map<std::string, std::shared_ptr<std::string>> batch_errors;  // per suite
  std::map<std::string, std::unique_ptr<judge_session>> sessions;     // per suite, in a folder of its own
  // Each run has its slot in its item's runs, planned first; the runs of one
  // item in one build form a chain, run in order (a timeout ends its chain),
  // and chains run side by side on the CPUs the pool lends them.
  struct planned {
    std::size_t item, slot;
    flavour fl;
    run_config rc;
    const build_output* bo;
    const build_output* judge_bo;
    judge_session* session;
    std::shared_ptr<std::string> batch_error;
    std::optional<driven_run> done;  // set when it ran
    std::string note = {};           // added to its evidence
  };
  struct chain {
    std::vector<std::size_t> runs;  // in `plan`
    std::optional<std::size_t> timed_out;  // the run that timed out
    int not_run = 0;  // runs after it
  };
  std::vector<planned> plan;
  std::vector<chain> chains;
  for (const auto& it : items) {
    item_outcome io;
    io.item = it;
    io.test_code = item_test_code(ex, it);
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
      if (blocked) {
        io.runs.push_back(*blocked);
        io.runs.back().fl = fl;
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
      const build_output* judge_bo = nullptr;
      if (it.suite != "visible") {
        judge_bo = &judges[it.suite].get();
        if (!judge_bo->ok) {
          run_outcome ro;
          ro.config = "build";
          ro.fl = fl;
          ro.v = verdict::internal_error;
          ro.evidence = "the judge half of the suite did not build (an error in the exercise):\n" + judge_bo->diagnostics;
          io.runs.push_back(std::move(ro));
          continue;
        }
      }
      if (opt.build_only) continue;
      chain c;
      for (const auto& rc : it.runs) {
        // The exploration build explores the deterministic scheduler's
        // schedules: an item's parallel runs belong to its other builds.
        if (fl == flavour::explore && rc.kind == "par") continue;
        // A hidden suite's runs go to its judge (the visible suite is its own).
        std::shared_ptr<std::string> batch_error;
        judge_session* session = nullptr;
        if (judge_bo) {
          auto& error = batch_errors[it.suite];
          if (!error) error = std::make_shared<std::string>();
          batch_error = error;
          auto& s = sessions[it.suite];
          if (!s)
            s = std::make_unique<judge_session>(*judge_bo, judging_dir / std::to_string(sessions.size()),
                                                fs::absolute(ex.data_dir(it.suite)), b.tools().sandbox);
          session = s.get();
        }
        c.runs.push_back(plan.size());
        plan.push_back({g.items.size(), io.runs.size(), fl, rc, &bo, judge_bo, session, batch_error, std::nullopt});
        io.runs.emplace_back();
      }
      if (!c.runs.empty()) chains.push_back(std::move(c));
    }
    g.items.push_back(std::move(io));
  }
  run_chains(opt.cpus ? *opt.cpus : cpu_pool::shared(), chains.size(), [&](std::size_t n) {
    chain& c = chains[n];
    for (std::size_t k : c.runs) {
      planned& p = plan[k];
      // Once a configuration timed out, the item has its verdict in that
      // build: its other configurations are not each made to wait out the
      // limit again (the other build still runs: a race it shows is evidence
      // a hang in this one must not hide).
      if (c.timed_out) {
        ++c.not_run;
        continue;
      }
      const rubric_item& it = g.items[p.item].item;
      driven_run d = [&] {
        const cpu_pool::lease cpus = (opt.cpus ? *opt.cpus : cpu_pool::shared()).take(cpus_of(p.rc));
        return run_one(*p.bo, p.judge_bo, p.fl, it, p.rc, staged, fs::absolute(ex.data_dir(it.suite)), ex.limits,
                       b.tools().sandbox, opt, p.session ? p.session->dir() : fs::path(), p.batch_error);
      }();
      if (p.session)
        for (const auto& job : d.judging) p.session->add(job);
      if (d.timed_out) c.timed_out = k;
      p.done = std::move(d);
    }
  });
  for (auto& [suite, session] : sessions) *batch_errors[suite] = session->finish();
  for (const chain& c : chains)
    if (c.timed_out && c.not_run > 0) {
      plan[*c.timed_out].note = fmt::format("\n  (the build's {} other configuration(s) were not run: one timeout decides it)", c.not_run);
    }
  std::vector<std::vector<const planned*>> of_item(g.items.size());
  for (const planned& p : plan) of_item[p.item].push_back(&p);
  for (std::size_t k = 0; k < g.items.size(); ++k) {
    item_outcome& io = g.items[k];
    const rubric_item& it = io.item;
    std::vector<bool> dropped(io.runs.size(), false);
    for (const planned* p : of_item[k]) {
      if (!p->done) {  // after a timeout in its build
        dropped[p->slot] = true;
        continue;
      }
      run_outcome& r = io.runs[p->slot] = p->done->finish();
      r.evidence += p->note;
      // A seeded run of a grade that prints replay commands.
      const bool replayable = !opt.replay_prefix.empty() && p->rc.kind != "par";
      if (replayable) {
        const run_config& rc = p->rc;
        // A failing schedule of a depth-first search replays on its own.
        const std::string policy = r.schedule.empty() ? rc.policy : "dfs:schedule=" + r.schedule;
        r.replay = fmt::format("{} --item {} --seed {}{}{}{}", opt.replay_prefix, it.id, rc.seed,
                               in_virtual_time(rc) ? " --virtual" : "", policy.empty() ? "" : " --policy " + policy,
                               r.fl == flavour::race ? " --race" : r.fl == flavour::explore ? " --explore" : "");
      }
      if (!replayable && r.config.rfind("par", 0) == 0)
        r.no_replay = "the parallel scheduler's threads interleave as the operating system runs them (`gograde "
                      "stress` runs it again and again)";
      for (const auto& t : r.tests)
        if (!t.not_replayable.empty()) {
          r.replay.clear();
          r.no_replay = t.not_replayable;
          break;
        }
    }
    std::vector<run_outcome> kept;
    for (std::size_t r = 0; r < io.runs.size(); ++r)
      if (!dropped[r]) kept.push_back(std::move(io.runs[r]));
    io.runs = std::move(kept);
    if (!io.runs.empty() && io.runs.front().v == verdict::skipped) io.v = verdict::skipped;
    if (it.about_races)
      for (auto& r : io.runs) {
        const bool all_reported = std::none_of(r.tests.begin(), r.tests.end(),
                                               [](const test_outcome& t) { return t.kind == "missing"; });
        const race_item_judgement rj = race_item_run(r.v, !r.races.empty(), all_reported);
        if (rj.v != r.v) {
          r.evidence = rj.note + "\n  what the run did: " + to_string(r.v) + ": " + r.evidence;
          r.v = rj.v;
        }
      }
    decide_item(io);
    io.awarded = io.v == verdict::passed ? it.points : 0;
    g.score += io.awarded;
    g.max_score += it.points;
    if (severity(io.v) > severity(g.overall)) g.overall = io.v;
  }
  g.wall = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  return g;
}

}  // namespace gograde
