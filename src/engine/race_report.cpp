#include "race_report.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Every parser below is a single pass over one line: the program under test
// writes this text, so no backtracking matcher ever sees it.

// "    #3 func(args) /path/file.cpp:12:5 (bin+0x1234) (BuildId: ab)"
bool parse_frame(std::string_view line, frame& f) {
  std::string_view l = trim(line);
  if (l.size() < 2 || l[0] != '#') return false;
  std::size_t k = 1;
  while (k < l.size() && l[k] >= '0' && l[k] <= '9') ++k;
  if (k == 1 || k >= l.size() || l[k] != ' ') return false;
  l.remove_prefix(k + 1);
  if (const auto b = l.rfind(" (BuildId: "); b != std::string_view::npos && l.back() == ')') l = trim(l.substr(0, b));
  // The module: "(bin+0x1234)" at the end.
  if (l.empty() || l.back() != ')') return false;
  const auto open = l.rfind('(');
  if (open == std::string_view::npos || open == 0 || l[open - 1] != ' ') return false;
  const std::string_view module = l.substr(open + 1, l.size() - open - 2);
  if (module.find("+0x") == std::string_view::npos || module.find_first_of("()") != std::string_view::npos) return false;
  l = l.substr(0, open - 1);
  const auto sp = l.rfind(' ');
  if (sp == std::string_view::npos || sp == 0) return false;
  f.function = std::string(l.substr(0, sp));
  const std::string loc(l.substr(sp + 1));
  // loc: file:line:col, file:line, or a module name / <null>
  const auto last = loc.rfind(':');
  if (last != std::string::npos && digits(std::string_view(loc).substr(last + 1))) {
    const std::string head = loc.substr(0, last);
    const int a = std::atoi(loc.c_str() + last + 1);
    const auto prev = head.rfind(':');
    if (prev != std::string::npos && digits(std::string_view(head).substr(prev + 1))) {
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

// "WARNING: ThreadSanitizer: data race (pid=123)" -> "data race"
bool parse_warning(std::string_view l, std::string& kind) {
  constexpr std::string_view p = "WARNING: ThreadSanitizer: ";
  if (!starts_with(l, p)) return false;
  l = trim(l.substr(p.size()));
  if (const auto at = l.rfind(" (pid="); at != std::string_view::npos && l.back() == ')' &&
                                          digits(l.substr(at + 6, l.size() - at - 7)))
    l = l.substr(0, at);
  kind = std::string(l);
  return true;
}

// "  Previous write of size 8 at 0x7b04 by thread T2 (mutexes: ...):"
bool parse_access(std::string_view line, access& a) {
  if (line.empty() || (line[0] != ' ' && line[0] != '\t')) return false;
  std::string_view l = trim(line);
  if (l.empty() || l.back() != ':') return false;
  a = access{};
  if (starts_with(l, "Previous ")) {
    a.previous = true;
    l.remove_prefix(9);
  }
  if (starts_with(l, "atomic ") || starts_with(l, "Atomic ")) {
    a.atomic = true;
    l.remove_prefix(7);
  }
  if (starts_with(l, "read ") || starts_with(l, "Read ")) l.remove_prefix(5);
  else if (starts_with(l, "write ") || starts_with(l, "Write ")) {
    a.write = true;
    l.remove_prefix(6);
  } else return false;
  if (!starts_with(l, "of size ")) return false;
  l.remove_prefix(8);
  std::size_t k = 0;
  while (k < l.size() && l[k] >= '0' && l[k] <= '9') ++k;
  if (k == 0 || !starts_with(l.substr(k), " at ")) return false;
  a.size = std::atoi(std::string(l.substr(0, k)).c_str());
  l.remove_prefix(k + 4);
  const auto by = l.find(" by ");
  if (by == 0 || by == std::string_view::npos || l.substr(0, by).find(' ') != std::string_view::npos) return false;
  l.remove_prefix(by + 4);
  if (starts_with(l, "main thread")) {
    a.thread = "main thread";
    return true;
  }
  if (!starts_with(l, "thread T")) return false;
  std::size_t e = 8;
  while (e < l.size() && l[e] >= '0' && l[e] <= '9') ++e;
  if (e == 8) return false;
  a.thread = std::string(l.substr(7, e - 7));
  return true;
}

// "  Thread T8 'worker @pool.hpp:12' (tid=..., running) created by ..."
bool parse_thread(std::string_view line, std::string& id, std::string& name) {
  if (line.empty() || (line[0] != ' ' && line[0] != '\t')) return false;
  std::string_view l = trim(line);
  if (!starts_with(l, "Thread T")) return false;
  std::size_t e = 8;
  while (e < l.size() && l[e] >= '0' && l[e] <= '9') ++e;
  if (e == 8 || e >= l.size() || l[e] != ' ') return false;
  id = std::string(l.substr(7, e - 7));
  l.remove_prefix(e + 1);
  name.clear();
  if (starts_with(l, "'")) {
    const auto close = l.find("' (");
    if (close == std::string_view::npos) return false;
    name = std::string(l.substr(1, close - 1));
    l.remove_prefix(close + 2);
  }
  return starts_with(l, "(");
}

// "  Location is heap block of size 8 at ...:" -> "heap block of size 8 at ..."
bool parse_location(std::string_view line, std::string& where) {
  if (line.empty() || (line[0] != ' ' && line[0] != '\t')) return false;
  std::string_view l = trim(line);
  if (!starts_with(l, "Location is ")) return false;
  l.remove_prefix(12);
  if (!l.empty() && l.back() == ':') l.remove_suffix(1);
  where = std::string(trim(l));
  return true;
}

}  // namespace

std::string fatal_error(std::string_view output) {
  for (std::string_view l : split_lines(output)) {
    // "==123==ERROR: ThreadSanitizer: ..." and TSan's own fatal messages,
    // which start the line; a report's WARNING and SUMMARY lines do not count.
    const std::size_t at = l.find("ThreadSanitizer");
    if (at == std::string_view::npos) continue;
    const std::string_view before = l.substr(0, at);
    const bool error = before.ends_with("ERROR: ") || before.ends_with("ERROR:");
    // (but not its closing count, "ThreadSanitizer: reported 2 warnings").
    const bool own = at == 0 && starts_with(l, "ThreadSanitizer: ") && !starts_with(l, "ThreadSanitizer: reported ");
    if (error || own) return std::string(l.substr(error ? before.rfind("ERROR") : 0, 400));
  }
  return {};
}

std::vector<report> parse(std::string_view output) {
  std::vector<report> out;
  const auto lines = split_lines(output);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    report r;
    if (!parse_warning(lines[i], r.kind)) continue;
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
      if (access a; parse_access(l, a)) {
        r.accesses.push_back(std::move(a));
        cur = &r.accesses.back();
        in_other_stack = false;
        continue;
      }
      if (std::string id, name; parse_thread(l, id, name)) {
        std::string created;
        if (auto at = name.rfind(" @"); at != std::string::npos) {
          created = name.substr(at + 2);
          name = name.substr(0, at);
        }
        names[id] = {name, created};
        cur = nullptr;
        in_other_stack = true;
        continue;
      }
      if (parse_location(l, r.location)) {
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
