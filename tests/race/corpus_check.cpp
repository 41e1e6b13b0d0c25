// Runs one race-corpus program under every scheduler configuration and checks
// what ThreadSanitizer reports against the program's "// RACE" markers:
//   racy:  at least one report; every report is a data race whose two
//          accesses are, at their innermost program frame, marked lines of
//          one group ("// RACE" or "// RACE:<group>").
//   clean: no ThreadSanitizer output at all, and a clean exit.
// Usage: corpus_check <program> <source.cpp> racy|clean [--json FILE]
// Prints one line per configuration; exit 0 when all pass.
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/process.hpp"
#include "engine/race_report.hpp"

namespace {

struct config {
  std::string label;
  std::vector<std::pair<std::string, std::string>> env;
};

const std::vector<config> kConfigs = {
    {"det seed=1", {{"GOX_SCHED", "det"}, {"GOX_SEED", "1"}}},
    {"det seed=2", {{"GOX_SCHED", "det"}, {"GOX_SEED", "2"}}},
    {"det seed=3", {{"GOX_SCHED", "det"}, {"GOX_SEED", "3"}}},
    {"par threads=1", {{"GOX_SCHED", "par"}, {"GOX_THREADS", "1"}}},
    {"par threads=2", {{"GOX_SCHED", "par"}, {"GOX_THREADS", "2"}}},
};

std::string basename_of(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string dirname_of(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? "." : p.substr(0, s + 1);
}

// line -> group
std::map<int, std::string> read_markers(const std::string& source) {
  std::map<int, std::string> out;
  std::ifstream in(source);
  std::string l;
  for (int n = 1; std::getline(in, l); ++n) {
    auto at = l.find("// RACE");
    if (at == std::string::npos) continue;
    std::string rest = l.substr(at + 7);
    out[n] = !rest.empty() && rest[0] == ':' ? rest.substr(1, rest.find_first_of(" \t", 1) - 1) : "";
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: corpus_check <program> <source.cpp> racy|clean [--json FILE]\n");
    return 2;
  }
  const std::string program = argv[1], variant = argv[3];
  // Reports carry absolute paths: compare against the source's own.
  std::string source = argv[2];
  if (char* real = realpath(argv[2], nullptr)) {
    source = real;
    std::free(real);
  }
  std::string json_out;
  const std::vector<config>& configs = kConfigs;
  for (int i = 4; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json" && i + 1 < argc) json_out = argv[++i];
    else {
      std::fprintf(stderr, "corpus_check: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  const bool racy = variant == "racy";
  const auto markers = read_markers(source);
  if (racy && markers.empty()) {
    std::fprintf(stderr, "%s: no // RACE markers\n", source.c_str());
    return 2;
  }
  const std::string src_base = basename_of(source);
  gograde::race::source_filter filter{{dirname_of(source)}};

  nlohmann::json summary = {{"case", src_base.substr(0, src_base.size() - 4)},
                            {"variant", variant}, {"runs", nlohmann::json::array()}};
  bool all_ok = true;
  for (const auto& cfg : configs) {
    gograde::process_spec spec;
    spec.argv = {program};
    spec.env = cfg.env;
    // gox joins every fiber before run() returns: TSan's one-second sleep at
    // exit (for threads still running then) has nothing to catch.
    spec.env.push_back({"TSAN_OPTIONS", "halt_on_error=0 atexit_sleep_ms=0"});
    spec.timeout = std::chrono::seconds(60);
    const auto res = gograde::run_process(spec);
    const auto reports = gograde::race::parse(res.output);
    std::set<int> lines;
    std::string problem;
    if (res.timed_out) problem = "timed out";
    else if (res.start_failed) problem = res.output;
    for (const auto& r : reports) {
      if (!problem.empty()) break;
      if (r.kind != "data race") {
        problem = "unexpected report: " + r.kind;
        break;
      }
      std::set<std::string> groups;
      for (const auto& a : r.accesses) {
        auto frames = gograde::race::program_frames(a.stack, filter);
        if (frames.empty()) {
          problem = "an access has no frame in the program";
          break;
        }
        const auto& top = frames.front();
        if (top.line == 0) {
          problem = "reported without a line number in " + basename_of(top.file);
          break;
        }
        lines.insert(top.line);
        auto m = markers.find(top.line);
        if (basename_of(top.file) != src_base || m == markers.end()) {
          problem = "reported at unmarked line " + basename_of(top.file) + ":" + std::to_string(top.line);
          break;
        }
        groups.insert(m->second);
      }
      if (problem.empty() && r.accesses.size() != 2) problem = "a report without two accesses";
      if (problem.empty() && groups.size() != 1) problem = "a report pairs lines of different groups";
    }
    const bool saw_tsan = res.output.find("ThreadSanitizer") != std::string::npos;
    if (problem.empty()) {
      if (racy && reports.empty()) problem = "no race reported";
      if (!racy && saw_tsan) problem = "ThreadSanitizer reported on the clean variant";
      if (!racy && !res.exited_ok())
        problem = "clean variant failed: exit " + std::to_string(res.exit_code) + " signal " +
                  std::to_string(res.term_signal);
    }
    std::string line_list;
    for (int l : lines) line_list += (line_list.empty() ? "" : ",") + std::to_string(l);
    const bool ok = problem.empty();
    all_ok &= ok;
    std::printf("%-5s %-14s %-3s reports=%zu lines=[%s] %lldms%s%s\n", variant.c_str(),
                cfg.label.c_str(), ok ? "ok" : "BAD", reports.size(), line_list.c_str(),
                static_cast<long long>(res.wall.count()), ok ? "" : "  ", problem.c_str());
    if (!ok) std::printf("---- output ----\n%s\n----------------\n", res.output.c_str());
    summary["runs"].push_back({{"config", cfg.label}, {"reports", reports.size()},
                               {"lines", lines}, {"ok", ok}, {"ms", res.wall.count()},
                               {"problem", problem}});
  }
  if (!json_out.empty()) std::ofstream(json_out) << summary.dump() << "\n";
  return all_ok ? 0 : 1;
}
