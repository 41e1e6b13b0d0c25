#include "engine/report.hpp"

#include <fmt/format.h>

namespace gograde {

namespace {

std::string paint(bool color, const char* code, const std::string& s) {
  return color ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
}

const char* colour_of(verdict v) { return v == verdict::passed ? "32" : v == verdict::internal_error ? "35" : "31"; }

std::string indent(const std::string& s, const std::string& pad) {
  std::string out = pad;
  for (char c : s) {
    out += c;
    if (c == '\n') out += pad;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

}  // namespace

std::string to_text(const grade_result& g, bool color, bool verbose) {
  std::string s = fmt::format("{} ({}) — {}\n", g.exercise, g.title, g.submission);
  for (const auto& it : g.items) {
    s += fmt::format("  {:<10} {:>2}/{:<2} {}  [{}]\n", paint(color, colour_of(it.v), to_string(it.v)), it.awarded,
                     it.item.points, it.item.title, it.item.id);
    bool shown = false;
    for (const auto& r : it.runs) {
      if (r.v == verdict::passed && !verbose) continue;
      if (shown && !verbose) {
        int more = 0;
        for (const auto& x : it.runs) more += x.v != verdict::passed;
        if (more > 1) s += fmt::format("      ({} failing run(s) in all)\n", more);
        break;
      }
      shown = true;
      s += fmt::format("      {} build, {}: {}\n", to_string(r.fl), r.config, to_string(r.v));
      if (!r.evidence.empty()) s += indent(r.evidence, "        ") + "\n";
      if (!r.replay.empty() && r.v != verdict::passed) s += "        replay: " + r.replay + "\n";
    }
  }
  s += fmt::format("{}: {} — score {}/{} ({:.1f} s)\n", g.exercise,
                   paint(color, colour_of(g.overall), to_string(g.overall)), g.score, g.max_score,
                   static_cast<double>(g.wall.count()) / 1000.0);
  return s;
}

nlohmann::json to_json(const grade_result& g) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& it : g.items) {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : it.runs) {
      nlohmann::json tests = nlohmann::json::array();
      for (const auto& t : r.tests) tests.push_back({{"name", t.name}, {"passed", t.passed}, {"outcome", t.kind}});
      runs.push_back({{"config", r.config}, {"build", to_string(r.fl)}, {"verdict", to_string(r.v)},
                      {"evidence", r.evidence}, {"replay", r.replay}, {"wall_ms", r.wall.count()},
                      {"tests", tests}});
    }
    items.push_back({{"id", it.item.id}, {"title", it.item.title}, {"points", it.item.points},
                     {"awarded", it.awarded}, {"verdict", to_string(it.v)}, {"runs", runs}});
  }
  return {{"schema", "gograde.grade/1"}, {"exercise", g.exercise}, {"title", g.title},
          {"submission", g.submission}, {"verdict", to_string(g.overall)}, {"score", g.score},
          {"max_score", g.max_score}, {"wall_ms", g.wall.count()}, {"build_log", g.build_log},
          {"items", items}};
}

}  // namespace gograde
