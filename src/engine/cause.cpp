#include "engine/cause.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <vector>

namespace gograde {

namespace {

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The line that says what went wrong: the first line, joined with the next
// when it only introduces what follows ("building the normal runtime
// failed:"); for a build, the compiler's first error line if it printed one
// (the lines before it are "In file included from ..." context).
std::string summary_line(const std::string& evidence, bool build) {
  std::vector<std::string> lines;
  for (std::size_t at = 0; at <= evidence.size();) {
    std::size_t end = evidence.find('\n', at);
    if (end == std::string::npos) end = evidence.size();
    std::string line = evidence.substr(at, end - at);
    if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(std::move(line));
    at = end + 1;
  }
  if (lines.empty()) return {};
  // Ours ("... failed:"), not the compiler's context ("In file included from a.cpp:3:").
  const std::string& first = lines.front();
  const bool heading = first.back() == ':' && first.find(':') == first.size() - 1;
  if (build)
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (lines[i].find("error: ") != std::string::npos)
        return (heading && i > 0 ? first + " " : "") + lines[i];
  return heading && lines.size() > 1 ? first + " " + lines[1] : first;
}

// Numbers that vary from run to run of one bug (fiber ids, counts, times)
// do not make another cause.
std::string without_numbers(const std::string& s) {
  std::string out;
  bool in_number = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (!in_number) out += '#';
      in_number = true;
    } else {
      in_number = false;
      out += c;
    }
  }
  return out;
}

// "panic: close of closed channel [in fiber 4 "worker" at pool.hpp:18]" ->
// "panic: close of closed channel at pool.hpp:18": which fiber panicked
// differs from run to run, the call does not.
std::string panic_line(const std::string& evidence) {
  for (std::size_t at = 0; at < evidence.size();) {
    std::size_t end = evidence.find('\n', at);
    if (end == std::string::npos) end = evidence.size();
    const std::string line = evidence.substr(at, end - at);
    if (line.rfind("panic: ", 0) == 0) {
      static const std::regex fiber(R"( \[in fiber \d+ "[^"]*"( at ([^\]]*))?\]$)");
      std::smatch m;
      if (std::regex_search(line, m, fiber))
        return line.substr(0, static_cast<std::size_t>(m.position(0))) + (m[2].matched ? " at " + m[2].str() : "");
      return line;
    }
    at = end + 1;
  }
  return {};
}

std::string places(const run_outcome& r) {
  std::set<std::string> where;
  for (const auto& e : r.excerpts) where.insert(fmt::format("{}:{}", e.file, e.line));
  std::string s;
  for (const auto& w : where) s += (s.empty() ? "" : ", ") + w;
  return s;
}

}  // namespace

cause cause_of(const run_outcome& r) {
  cause c;
  c.v = r.v;
  if (r.v == verdict::passed || r.v == verdict::skipped) return c;
  const std::string name = to_string(r.v);
  const std::string where = places(r);
  if (const std::string p = panic_line(r.evidence); !p.empty()) {
    c.headline = p;
  } else if (r.v == verdict::data_race) {
    c.headline = "data race" + (where.empty() ? ": " + first_line(r.evidence) : " at " + where);
  } else if ((r.v == verdict::deadlock || r.v == verdict::leak) && !where.empty()) {
    c.headline = name + ": fibers blocked at " + where;
  } else if (r.evidence.rfind("in \"", 0) == 0 && r.evidence.find('\n') != std::string::npos) {
    // A gox outcome in no line of the candidate's: its message ("in \"test\":" first).
    c.headline = name + ": " + first_line(r.evidence.substr(r.evidence.find('\n') + 1));
  } else {
    const bool build = r.v == verdict::compile_error || r.v == verdict::internal_error;
    c.headline = name + ": " + summary_line(r.evidence, build);
  }
  c.key = name + "\n" + without_numbers(c.headline);
  return c;
}

std::vector<cause_group> group_causes(const grade_result& g) {
  std::vector<cause_group> groups;
  for (std::size_t i = 0; i < g.items.size(); ++i)
    for (std::size_t k = 0; k < g.items[i].runs.size(); ++k) {
      const run_outcome& r = g.items[i].runs[k];
      cause c = cause_of(r);
      if (c.key.empty()) continue;
      auto it = std::find_if(groups.begin(), groups.end(), [&](const cause_group& x) { return x.c.key == c.key; });
      if (it == groups.end()) {
        groups.push_back({std::move(c), 0, {}, i, k});
        it = groups.end() - 1;
      }
      ++it->runs;
      if (std::find(it->items.begin(), it->items.end(), g.items[i].item.id) == it->items.end())
        it->items.push_back(g.items[i].item.id);
    }
  return groups;
}

bool worth_summarising(const std::vector<cause_group>& groups) {
  int runs = 0;
  for (const auto& c : groups) runs += c.runs;
  return runs > 1;
}

std::size_t group_of(const std::vector<cause_group>& groups, const run_outcome& r) {
  const cause c = cause_of(r);
  if (c.key.empty()) return static_cast<std::size_t>(-1);
  for (std::size_t k = 0; k < groups.size(); ++k)
    if (groups[k].c.key == c.key) return k;
  return static_cast<std::size_t>(-1);
}

}  // namespace gograde
