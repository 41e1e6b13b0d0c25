#include "race_report.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <sstream>

namespace gograde::race {

namespace {

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto nl = s.find('\n');
    out.push_back(s.substr(0, nl));
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "    #3 func(args) /path/file.cpp:12:5 (bin+0x1234) (BuildId: ab)"
bool parse_frame(std::string_view line, frame& f) {
  static const std::regex re(R"(^\s*#\d+ (.*) (\S+) \([^()]*\+0x[0-9a-f]+\)(?: \(BuildId: [0-9a-f]+\))?\s*$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(line.begin(), line.end(), m, re)) return false;
  f.function = m[1].str();
  std::string loc = m[2].str();
  // loc: file:line:col, file:line, or a module name / <null>
  auto last = loc.rfind(':');
  auto is_num = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (last != std::string::npos && is_num(loc.substr(last + 1))) {
    std::string head = loc.substr(0, last);
    int a = std::atoi(loc.c_str() + last + 1);
    auto prev = head.rfind(':');
    if (prev != std::string::npos && is_num(head.substr(prev + 1))) {
      f.file = head.substr(0, prev);
      f.line = std::atoi(head.c_str() + prev + 1);
      f.column = a;
    } else {
      f.file = head;
      f.line = a;
    }
  } else {
    f.file = loc;
  }
  return true;
}

}  // namespace

std::vector<report> parse(std::string_view output) {
  static const std::regex warn_re(R"(^WARNING: ThreadSanitizer: (.*?)(?: \(pid=\d+\))?\s*$)");
  static const std::regex access_re(
      R"(^\s+(Previous )?(atomic |Atomic )?(read|write|Read|Write) of size (\d+) at \S+ by (main thread|thread T\d+).*:\s*$)");
  static const std::regex thread_re(R"(^\s+Thread (T\d+)(?: '([^']*)')? \(.*)");
  static const std::regex location_re(R"(^\s+Location is (.*?):?\s*$)");

  std::vector<report> out;
  const auto lines = split_lines(output);
  std::match_results<std::string_view::const_iterator> m;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!std::regex_match(lines[i].begin(), lines[i].end(), m, warn_re)) continue;
    report r;
    r.kind = m[1].str();
    std::map<std::string, std::pair<std::string, std::string>> names;  // T8 -> name, created_at
    std::ostringstream text;
    text << lines[i] << "\n";
    access* cur = nullptr;
    bool in_other_stack = false;  // a stack we do not keep (thread creation, location)
    std::size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      std::string_view l = lines[j];
      if (starts_with(l, "WARNING: ThreadSanitizer:")) break;
      if (starts_with(l, "==================")) break;
      text << l << "\n";
      if (starts_with(l, "SUMMARY: ThreadSanitizer: ")) {
        r.summary = std::string(l.substr(26));
        ++j;
        break;
      }
      if (std::regex_match(l.begin(), l.end(), m, access_re)) {
        access a;
        a.previous = m[1].matched;
        a.atomic = m[2].matched;
        std::string rw = m[3].str();
        a.write = rw == "write" || rw == "Write";
        a.size = std::atoi(m[4].str().c_str());
        std::string by = m[5].str();
        a.thread = by == "main thread" ? by : by.substr(7);
        r.accesses.push_back(std::move(a));
        cur = &r.accesses.back();
        in_other_stack = false;
        continue;
      }
      if (std::regex_match(l.begin(), l.end(), m, thread_re)) {
        std::string name = m[2].matched ? m[2].str() : "";
        std::string created;
        if (auto at = name.rfind(" @"); at != std::string::npos) {
          created = name.substr(at + 2);
          name = name.substr(0, at);
        }
        names[m[1].str()] = {name, created};
        cur = nullptr;
        in_other_stack = true;
        continue;
      }
      if (std::regex_match(l.begin(), l.end(), m, location_re)) {
        r.location = m[1].str();
        cur = nullptr;
        in_other_stack = true;
        continue;
      }
      frame f;
      if (cur && !in_other_stack && parse_frame(l, f)) cur->stack.push_back(std::move(f));
    }
    for (auto& a : r.accesses) {
      if (auto it = names.find(a.thread); it != names.end()) {
        a.fiber = it->second.first;
        a.created_at = it->second.second;
      } else if (a.thread == "main thread") {
        a.fiber = "main thread";
      }
    }
    r.text = text.str();
    out.push_back(std::move(r));
    i = j - 1;
  }
  return out;
}

bool source_filter::keep(const frame& f) const {
  if (f.file.empty() || f.file == "<null>") return false;  // line 0: known file, line lost
  if (!roots.empty()) {
    for (const auto& root : roots)
      if (starts_with(f.file, root)) return true;
    return false;
  }
  for (std::string_view sys : {"/usr/", "/harness/gox/", "boost/", "<null>"})
    if (f.file.find(sys) != std::string::npos) return false;
  return true;
}

std::vector<frame> program_frames(const std::vector<frame>& stack, const source_filter& f) {
  std::vector<frame> out;
  for (const auto& fr : stack)
    if (f.keep(fr)) out.push_back(fr);
  return out;
}

std::string hint(const report& r) {
  bool send = false, close = false, add = false, wait = false;
  for (const auto& a : r.accesses) {
    if (a.stack.empty()) continue;
    const std::string& fn = a.stack.front().function;
    send |= fn.find("chan_send") != std::string::npos || fn.find("select_impl") != std::string::npos ||
            fn.find("::send(") != std::string::npos;
    close |= fn.find("::close(") != std::string::npos;
    add |= fn.find("WaitGroup::Add") != std::string::npos || fn.find("WaitGroup::Done") != std::string::npos;
    wait |= fn.find("WaitGroup::Wait") != std::string::npos;
  }
  if (send && close) return "a send on a channel may run concurrently with its close";
  if (add && wait)
    return "WaitGroup.Add may run concurrently with Wait: call Add before starting the goroutine";
  return {};
}

}  // namespace gograde::race
