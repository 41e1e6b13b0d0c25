// gograde's test main for the judge half of a hidden suite (gograde/judge.hpp).
//
// Reads the driver's records (GOGRADE_OBSERVATIONS), runs the selected Catch2
// tests on them and writes the results the grader scores, one line per test
// and a done line, to the grader's descriptor (gograde/protocol.hpp). The
// driver's records are the submission's process talking: every line is
// parsed as untrusted data, and a test passes only when its own checks pass
// and the driver reported it exactly once, cleanly.
//
// `judge --gograde-inputs FILE` writes the driver's inputs (GOGRADE_INPUT)
// instead. `judge --gograde-batch FILE` judges many runs in one start: FILE
// holds one JSON line per run, {records, results, tests}; each run is judged
// in a child process of its own (Catch2 runs a session once per process),
// writing its results to its `results` file.
// Catch2's implementation is in catch_impl.cpp (run_catch); a listener needs
// only its reporter interfaces.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "channel.hpp"
#include "gograde/judge.hpp"
#include "gograde/protocol.hpp"

namespace {

namespace proto = gograde::protocol;
using gograde::check::detail::emit;
using gograde::check::detail::exercise_error;
using json = nlohmann::json;

// What the driver said about one test.
struct driven {
  int reports = 0;                 // test records with this name
  json record;                     // the first of them
  json observations = json::object();
  std::vector<std::string> order;  // keys, as observed
  std::set<std::string> twice;     // keys observed more than once
};

struct observations {
  std::map<std::string, driven> tests;
  bool driver_done = false;
  int malformed = 0;
  json internal;  // the driver's report of an exercise error
};

observations& seen() {
  static observations o;
  return o;
}

std::map<std::string, json (*)()>& inputs() {
  static std::map<std::string, json (*)()> m;
  return m;
}

const std::set<std::string> kOutcomes = {"ok", "deadlock", "leak", "panic"};

constexpr std::size_t kMaxBytes = 64u << 20;  // of the driver's records, all told
constexpr std::size_t kMaxLine = 8u << 20;

void read_observations(const char* path) {
  observations& o = seen();
  std::ifstream in(path, std::ios::binary);
  if (!in) exercise_error(std::string("the driver's records ") + path + " cannot be read");
  std::size_t total = 0;
  for (std::string line; std::getline(in, line);) {
    total += line.size() + 1;
    if (total > kMaxBytes) {
      ++o.malformed;
      break;
    }
    if (line.empty()) continue;
    json j = line.size() > kMaxLine ? json(nullptr) : json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains(proto::kEvent) || !j[proto::kEvent].is_string()) {
      ++o.malformed;
      continue;
    }
    const std::string ev = j[proto::kEvent];
    if (ev == proto::kObs && j.contains("test") && j["test"].is_string() && j.contains("key") &&
        j["key"].is_string() && j.contains("value")) {
      driven& d = o.tests[j["test"].get<std::string>()];
      const std::string key = j["key"];
      if (d.observations.contains(key)) d.twice.insert(key);
      else {
        d.observations[key] = std::move(j["value"]);
        d.order.push_back(key);
      }
    } else if (ev == proto::kTestRecord && j.contains("name") && j["name"].is_string() &&
               j.value("outcome", json("ok")).is_string() && kOutcomes.count(j.value("outcome", "ok")) &&
               (!j.contains("report") || j["report"].is_string()) &&
               (!j.contains("status") || j["status"].is_string()) &&
               (!j.contains("failure") || j["failure"].is_object()) &&
               (!j.contains("events") || j["events"].is_array()) &&
               (!j.contains("not_replayable") || j["not_replayable"].is_string()) &&
               (!j.contains("explored") || j["explored"].is_object())) {
      driven& d = o.tests[j["name"].get<std::string>()];
      if (d.reports++ == 0) d.record = std::move(j);
    } else if (ev == proto::kDone) {
      o.driver_done = true;
    } else if (ev == proto::kInternal && j.contains("message") && j["message"].is_string()) {
      o.internal = std::move(j);
    } else {
      ++o.malformed;
    }
  }
}

// The test running now (tests run one at a time, on the main thread).
struct current_test {
  std::string name;
  const driven* d = nullptr;
  json first_failure;
  std::string inconclusive;  // why the test cannot conclude (judge::inconclusive)
};
current_test cur;

json message(const std::string& text) { return {{"message", text}}; }

struct listener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    cur = current_test{};
    cur.name = info.name;
    const auto it = seen().tests.find(info.name);
    if (it != seen().tests.end()) cur.d = &it->second;
  }

  bool assertionEnded(Catch::AssertionStats const& s) override {
    const auto& r = s.assertionResult;
    if (!r.isOk() && cur.first_failure.is_null()) cur.first_failure = gograde::check::detail::failure_of(s);
    return true;
  }

  void testCaseEnded(Catch::TestCaseStats const& s) override {
    const driven* d = cur.d;
    std::string outcome = "ok";
    json failure;
    json rec = {{proto::kEvent, proto::kTestRecord}, {"name", s.testInfo.name}};
    if (!d || d->reports == 0) {
      outcome = "missing";
      failure = message("the driver reported nothing for this test: it stopped before the test ended");
    } else {
      const json& r = d->record;
      outcome = r.value("outcome", "ok");
      if (r.contains("report")) rec["report"] = r["report"];
      if (r.contains("events")) rec["events"] = r["events"];
      if (r.contains("not_replayable")) rec["not_replayable"] = r["not_replayable"];
      if (r.contains("explored")) rec["explored"] = r["explored"];
      if (d->reports > 1)
        failure = message("the driver reported this test " + std::to_string(d->reports) +
                          " times: records that were not the test main's");
      else if (!d->twice.empty())
        failure = message("the driver observed \"" + *d->twice.begin() + "\" more than once in this test");
      else if (outcome == "ok" && r.contains("failure"))
        failure = r["failure"];  // the drive's own check failed, or the code under test threw
      else if (outcome == "ok" && r.value("status", "") != "passed")
        failure = message("the drive failed");
    }
    if (failure.is_null() && outcome == "ok") failure = cur.first_failure;
    const bool ok = outcome == "ok" && failure.is_null() && s.totals.assertions.failed == 0;
    rec["status"] = ok ? (cur.inconclusive.empty() ? "passed" : "inconclusive") : "failed";
    if (ok && !cur.inconclusive.empty()) failure = message(cur.inconclusive);
    rec["outcome"] = outcome;
    if (!failure.is_null()) rec["failure"] = failure;
    emit(rec);
  }

  void testRunEnded(Catch::TestRunStats const& s) override {
    if (!seen().internal.is_null()) emit(seen().internal);
    emit({{proto::kEvent, proto::kDone},
          {"passed", s.totals.testCases.passed},
          {"failed", s.totals.testCases.failed},
          {"driver_done", seen().driver_done},
          {"malformed", seen().malformed}});
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(listener)

namespace gograde::judge {

void inconclusive(const std::string& why) {
  if (cur.inconclusive.empty()) cur.inconclusive = why.empty() ? "the test could not conclude" : why;
}

const json& observed(const std::string& key) {
  if (cur.d) {
    const auto it = cur.d->observations.find(key);
    if (it != cur.d->observations.end()) {
      if (it->is_object() && it->size() == 1 && it->contains("threw") && (*it)["threw"].is_string())
        FAIL("\"" << key << "\": the code under test threw " << (*it)["threw"].get<std::string>());
      return *it;
    }
  }
  FAIL("the driver did not observe \"" << key << "\"");
  static const json none;
  return none;
}

bool has(const std::string& key) { return cur.d && cur.d->observations.contains(key); }

std::vector<std::string> keys() { return cur.d ? cur.d->order : std::vector<std::string>{}; }

input_registration::input_registration(const char* name, json (*make)()) { inputs()[name] = make; }

}  // namespace gograde::judge

namespace {

// Judges one run in a child: its records, its results file, its test spec.
// Returns false when the child could not be made or did not finish.
bool judge_in_child(const char* self, const json& run) {
  if (!run.is_object() || !run.value("records", json()).is_string() || !run.value("results", json()).is_string() ||
      !run.value("tests", json("")).is_string())
    return false;
  const std::string records = run["records"], results = run["results"], tests = run.value("tests", "");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::alarm(60);  // a judge that hangs on one run loses that run, not the grade
    const int fd = ::open(results.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) ::_exit(125);
    gograde::check::detail::use_results_fd(fd);
    read_observations(records.c_str());
    std::string arg0 = self, spec = tests;
    char* args[] = {arg0.data(), spec.data(), nullptr};
    const int rc = gograde::check::detail::run_catch(spec.empty() ? 1 : 2, args);
    std::fflush(nullptr);
    ::_exit(rc > 100 ? 100 : rc);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) <= 100;
}

// Judges each line (one run each) as it arrives: from a stream, or read from
// a descriptor (not through /proc/self/fd, which a process that changed
// identity may not open).
int judge_line(const char* self, const std::string& line) {
  return !line.empty() && !judge_in_child(self, json::parse(line, nullptr, false)) ? 1 : 0;
}

int judge_lines(const char* self, std::istream& in) {
  int failed = 0;
  for (std::string line; std::getline(in, line);) failed += judge_line(self, line);
  return failed ? 1 : 0;  // a run whose child failed has no done line: the grader says so
}

int judge_lines(const char* self, int fd) {
  int failed = 0;
  std::string pending;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1))
      failed += judge_line(self, pending.substr(0, nl));
  }
  failed += judge_line(self, pending);
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc == 3 && std::strcmp(argv[1], proto::kBatchSwitch) == 0) {
    std::ifstream list(argv[2]);
    if (!list) return 2;
    return judge_lines(argv[0], list);
  }
  if (argc == 3 && std::strcmp(argv[1], proto::kBatchFdSwitch) == 0) return judge_lines(argv[0], std::atoi(argv[2]));
  if (argc == 3 && std::strcmp(argv[1], proto::kInputsSwitch) == 0) {
    json all = json::object();
    for (const auto& [name, make] : inputs()) all[name] = make();
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out << all.dump() << "\n";
    return out.flush() ? 0 : 1;
  }
  if (const char* path = std::getenv(proto::kObservations)) read_observations(path);
  return gograde::check::detail::run_catch(argc, argv);
}
