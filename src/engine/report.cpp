#include "engine/report.hpp"

#include <cctype>
#include <cstring>

#include "engine/cause.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <cmath>
#include <map>

namespace gograde {

namespace {

std::string paint(bool color, const char* code, const std::string& s) {
  return color ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
}

const char* colour_of(verdict v) {
  return v == verdict::passed                                   ? "32"
         : v == verdict::internal_error                         ? "35"
         : v == verdict::skipped || v == verdict::inconclusive ? "33"
                                                                : "31";
}

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

std::string set_line(const set_origin& o) {
  if (o.name.empty()) return {};
  std::string s = o.name;
  if (!o.version.empty()) s += " " + o.version;
  if (!o.commit.empty()) s += ", commit " + o.commit;
  if (!o.ref.empty()) s += ", following " + o.ref;
  if (!o.url.empty()) s += ", from " + o.url;
  return s;
}

std::string plain_words(const std::string& s, std::size_t max) {
  std::string out;
  for (const char ch : s.substr(0, max))
    out += (ch != '\0' && (std::isalnum(static_cast<unsigned char>(ch)) || std::strchr(" ,.;:'()/+-", ch))) ? ch : '?';
  return out;
}

std::string replay_text(const run_outcome& r) {
  if (!r.replay.empty()) return r.replay;
  if (!r.no_replay.empty()) return "not possible: " + r.no_replay;
  return {};
}

std::string explored_text(const item_outcome& it) {
  int random = 0, pct = 0, failing = 0;
  std::string policy;
  for (const auto& r : it.runs) {
    if (r.fl != flavour::explore || r.v == verdict::skipped) continue;
    if (r.config.rfind("pct", 0) == 0) {
      ++pct;
      if (policy.empty()) policy = r.config.substr(0, r.config.find(' '));
    } else if (r.config.rfind("det ", 0) == 0 || r.config.rfind("virt ", 0) == 0) {
      ++random;
    } else {
      continue;  // not a run: the build's outcome (a refused or failed build)
    }
    failing += r.v != verdict::passed;
  }
  std::string s;
  if (random + pct > 0) {
    std::string what;
    if (random > 0) what = fmt::format("{} random-walk seed(s)", random);
    if (pct > 0) what += fmt::format("{}{} PCT seed(s) ({})", what.empty() ? "" : " and ", pct, policy);
    s = fmt::format("explored {} with a scheduling point at every memory access: {}", what,
                    failing == 0 ? std::string("no failure") : fmt::format("{} failed", failing));
  }
  // Depth-first searches say what they covered, whichever build ran them.
  for (const auto& r : it.runs) {
    if (r.explored.empty()) continue;
    if (!s.empty()) s += "\n      ";
    s += fmt::format("{} build searched {}: {}", to_string(r.fl), r.explored,
                     r.v == verdict::passed ? std::string("no failure") : to_string(r.v));
  }
  return s;
}

// Evidence with its repeats collapsed: paragraphs (blank-line separated)
// that differ only in a fiber's number and name ("goroutine 7 \"worker 3\"
// [chan send]:" and the same stack) show once, followed by which other
// fibers are in the same place. A dump of 100 blocked workers reads as one.
std::string collapse_repeats(const std::string& evidence) {
  std::vector<std::string> paras;
  for (std::size_t at = 0; at <= evidence.size();) {
    std::size_t end = evidence.find("\n\n", at);
    if (end == std::string::npos) end = evidence.size();
    paras.push_back(evidence.substr(at, end - at));
    at = end + 2;
  }
  // "goroutine 12 \"name\" [state]:..." -> ("goroutine # [state]:...", "12")
  auto key_of = [](const std::string& p, std::string& id) -> std::string {
    if (p.rfind("goroutine ", 0) != 0) return {};
    std::size_t at = 10;
    while (at < p.size() && std::isdigit(static_cast<unsigned char>(p[at]))) ++at;
    if (at == 10) return {};
    id = p.substr(10, at - 10);
    std::size_t rest = at;
    if (p.compare(at, 2, " \"") == 0) {
      const std::size_t close = p.find('"', at + 2);
      if (close == std::string::npos) return {};
      rest = close + 1;
    }
    return "goroutine #" + p.substr(rest);
  };
  std::vector<std::string> keys(paras.size()), ids(paras.size());
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t k = 0; k < paras.size(); ++k) {
    keys[k] = key_of(paras[k], ids[k]);
    if (!keys[k].empty()) groups[keys[k]].push_back(k);
  }
  std::string out;
  for (std::size_t k = 0; k < paras.size(); ++k) {
    std::string p = paras[k];
    if (!keys[k].empty()) {
      const auto& same = groups[keys[k]];
      if (same.front() != k) continue;  // shown with the first of its kind
      if (same.size() > 1) {
        std::string others;
        for (std::size_t m = 1; m < same.size() && m <= 5; ++m) others += (m > 1 ? ", " : "") + ids[same[m]];
        if (same.size() > 6) others += ", ...";
        p += fmt::format("\n    (and {} more fiber(s) in the same place: goroutine {})", same.size() - 1, others);
      }
    }
    if (!out.empty()) out += "\n\n";
    out += p;
  }
  return out;
}

// How many of the grade's items passed.
std::ptrdiff_t items_passed(const grade_result& g) {
  return std::count_if(g.items.begin(), g.items.end(), [](const item_outcome& it) { return it.v == verdict::passed; });
}

std::string status_line(const grade_result& g, std::size_t width) {
  const auto passed = items_passed(g);
  std::string s = g.max_score > 0 ? fmt::format("{}: {} — score {}/{}", g.exercise, to_string(g.overall), g.score, g.max_score)
                                  : fmt::format("{}: {} — {} of {} passed", g.exercise, to_string(g.overall), passed, g.items.size());
  for (const auto& it : g.items) {
    if (it.v == verdict::passed || it.v == verdict::skipped) continue;
    std::string first;
    for (const auto& r : it.runs)
      if (r.v != verdict::passed && !r.evidence.empty()) {
        first = r.evidence.substr(0, r.evidence.find('\n'));
        break;
      }
    s += "; " + it.item.title + (first.empty() ? "" : ": " + first);
    break;
  }
  if (s.size() > width) {  // cut at a code point, marked
    std::size_t cut = width - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

std::string to_text(const grade_result& g, bool color, bool verbose) {
  std::string s = fmt::format("{} ({}) — {}\n", g.exercise, g.title, g.submission);
  if (!g.set.name.empty()) s += "  set: " + set_line(g.set) + "\n";
  const std::vector<cause_group> causes = group_causes(g);
  for (std::size_t i = 0; i < g.items.size(); ++i) {
    const auto& it = g.items[i];
    // The visible tests carry no points (candidate mode): no 0/0 columns.
    if (g.max_score > 0)
      s += fmt::format("  {:<10} {:>2}/{:<2} {}  [{}]\n", paint(color, colour_of(it.v), to_string(it.v)), it.awarded,
                       it.item.points, it.item.title, it.item.id);
    else
      s += fmt::format("  {:<10} {}  [{}]\n", paint(color, colour_of(it.v), to_string(it.v)), it.item.title,
                       it.item.id);
    if (const std::string ex = explored_text(it); !ex.empty()) s += "      " + ex + "\n";
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
      if (r.v == verdict::skipped) {
        s += "      " + r.evidence + "\n";
        continue;
      }
      // A cause already shown in full for an earlier item: named, not repeated.
      if (const std::size_t c = group_of(causes, r); !verbose && c < causes.size() && causes[c].item < i) {
        s += fmt::format("      {} build, {}: {} — the same cause as [{}] (cause {} below)\n", to_string(r.fl),
                         r.config, to_string(r.v), g.items[causes[c].item].item.id, c + 1);
        continue;
      }
      s += fmt::format("      {} build, {}: {}\n", to_string(r.fl), r.config, to_string(r.v));
      if (!r.evidence.empty()) s += indent(verbose ? r.evidence : collapse_repeats(r.evidence), "        ") + "\n";
      if (r.v != verdict::passed)
        if (const std::string rp = replay_text(r); !rp.empty()) s += "        replay: " + rp + "\n";
      if (verbose && !r.command.empty()) s += "        command: " + r.command + "\n";
      if (verbose && !r.output.empty()) s += "        the program printed:\n" + indent(r.output, "          | ") + "\n";
    }
  }
  if (worth_summarising(causes)) {
    s += fmt::format("  causes ({} distinct):\n", causes.size());
    for (std::size_t c = 0; c < causes.size(); ++c) {
      std::string items;
      for (const auto& id : causes[c].items) items += (items.empty() ? "" : ", ") + id;
      s += fmt::format("    {}. {} — {} run(s) in [{}]\n", c + 1, causes[c].c.headline, causes[c].runs, items);
    }
  }
  const double secs = static_cast<double>(g.wall.count()) / 1000.0;
  if (g.max_score > 0) {
    s += fmt::format("{}: {} — score {}/{} ({:.1f} s)\n", g.exercise,
                     paint(color, colour_of(g.overall), to_string(g.overall)), g.score, g.max_score, secs);
  } else {
    const auto passed = items_passed(g);
    s += fmt::format("{}: {} — {} of {} passed ({:.1f} s)\n", g.exercise,
                     paint(color, colour_of(g.overall), to_string(g.overall)), passed, g.items.size(), secs);
  }
  return s;
}

nlohmann::json to_json(const grade_result& g) {
  const std::vector<cause_group> groups = group_causes(g);
  nlohmann::json causes = nlohmann::json::array();
  for (const auto& c : groups)
    causes.push_back({{"verdict", to_string(c.c.v)}, {"headline", c.c.headline}, {"runs", c.runs},
                      {"items", c.items}, {"shown_in", g.items[c.item].item.id}});
  nlohmann::json items = nlohmann::json::array();
  for (const auto& it : g.items) {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : it.runs) {
      nlohmann::json tests = nlohmann::json::array();
      for (const auto& t : r.tests) {
        nlohmann::json tj = {{"name", t.name}, {"passed", t.passed}, {"outcome", t.kind}};
        if (!t.events.empty()) {
          tj["events"] = nlohmann::json::array();
          for (const auto& e : t.events) tj["events"].push_back({{"t_ms", e.t_ms}, {"label", e.label}, {"lane", e.lane}});
        }
        tests.push_back(std::move(tj));
      }
      nlohmann::json excerpts = nlohmann::json::array();
      for (const auto& e : r.excerpts)
        excerpts.push_back({{"file", e.file}, {"line", e.line}, {"first", e.first}, {"lines", e.lines}, {"why", e.why}});
      nlohmann::json run = {{"config", r.config}, {"build", to_string(r.fl)}, {"verdict", to_string(r.v)},
                            {"evidence", r.evidence}, {"replay", r.replay}, {"not_replayable", r.no_replay}, {"command", r.command},
                            {"wall_ms", r.wall.count()}, {"tests", tests}, {"excerpts", excerpts}};
      if (!r.explored.empty()) run["explored"] = r.explored;
      if (!r.schedule.empty()) run["schedule"] = r.schedule;
      if (!r.output.empty()) run["output"] = r.output;
      if (const std::size_t c = group_of(groups, r); c < groups.size()) run["cause"] = c;  // index into causes
      runs.push_back(std::move(run));
    }
    items.push_back({{"id", it.item.id}, {"title", it.item.title}, {"points", it.item.points},
                     {"awarded", it.awarded}, {"verdict", to_string(it.v)}, {"runs", runs}});
  }
  return {{"schema", "gograde.grade/1"}, {"exercise", g.exercise}, {"title", g.title},
          {"submission", g.submission}, {"verdict", to_string(g.overall)}, {"score", g.score},
          {"max_score", g.max_score}, {"wall_ms", g.wall.count()}, {"input_hash", g.input_hash},
          {"set", {{"name", g.set.name}, {"version", g.set.version}, {"url", g.set.url}, {"ref", g.set.ref},
                   {"commit", g.set.commit}}},
          {"build_log", g.build_log},
          {"causes", causes},
          {"items", items}};
}

std::string markup_escape(const std::string& s) {
  std::string o;
  for (unsigned char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') o += "?";
        else o += static_cast<char>(c);
    }
  }
  return o;
}

namespace {

std::string seconds(std::chrono::milliseconds ms) { return fmt::format("{:.3f}", static_cast<double>(ms.count()) / 1000.0); }

// The runs worth showing for an item: the failing ones, or none (a follow-up
// not attempted has nothing to show beyond its verdict).
std::vector<const run_outcome*> failing_runs(const item_outcome& it) {
  std::vector<const run_outcome*> v;
  for (const auto& r : it.runs)
    if (r.v != verdict::passed && r.v != verdict::skipped) v.push_back(&r);
  return v;
}

// Plain text of what went wrong in an item: its first failing run in full,
// then how many more failed.
std::string item_evidence(const item_outcome& it) {
  if (it.v == verdict::skipped && !it.runs.empty()) return it.runs.front().evidence;
  const auto bad = failing_runs(it);
  if (bad.empty()) return {};
  const run_outcome& r = *bad.front();
  std::string s = fmt::format("{} build, {}: {}\n{}", to_string(r.fl), r.config, to_string(r.v), r.evidence);
  if (const std::string rp = replay_text(r); !rp.empty()) s += "\nreplay: " + rp;
  if (bad.size() > 1) s += fmt::format("\n({} failing run(s) in all)", bad.size());
  return s;
}

// What a candidate reads (Gradescope, Exercism): the same evidence, without
// the names of the hidden suites' files ("hidden_judge.cpp:71: CHECK(...)"
// reads "a hidden check: CHECK(...)"). Only the visible suite is theirs.
std::string without_hidden_files(std::string s, const std::vector<std::string>& hidden) {
  for (const auto& name : hidden) {
    if (name.empty() || s.find(name) == std::string::npos) continue;
    std::string quoted;
    for (char c : name) {
      if (std::strchr("\\^$.|?*+()[]{}", c)) quoted += '\\';
      quoted += c;
    }
    s = std::regex_replace(s, std::regex("([A-Za-z0-9_./-]*/)?" + quoted + "(:[0-9]+)*(: )?"), "a hidden check: ");
  }
  return s;
}

std::string candidate_evidence(const grade_result& g, const item_outcome& it) {
  return without_hidden_files(item_evidence(it), g.hidden_files);
}

// What the program printed in the item's first failing run (else its first
// run), as Exercism shows it: at most 500 characters, the cut said.
std::string exercism_output(const grade_result& g, const item_outcome& it) {
  constexpr std::size_t kMax = 500;
  const auto bad = failing_runs(it);
  const run_outcome* r = !bad.empty() ? bad.front() : it.runs.empty() ? nullptr : &it.runs.front();
  if (!r || r->output.empty()) return {};
  // Paths as the grader has them (its set, the suites, the harness) are cut
  // to the file's name, which without_hidden_files then masks if hidden.
  static const std::regex dirs(R"((/[^\s/:'"()<>]+)+/)");
  std::string out = without_hidden_files(std::regex_replace(r->output, dirs, ""), g.hidden_files);
  if (out.size() <= kMax) return out;
  static const std::string cut = "\n[output cut at 500 characters]";
  out.resize(kMax - cut.size());
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();  // whole UTF-8 sequences
  if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  return out + cut;
}

// The set, as a candidate may read it: name, version and commit, never where
// the grader keeps it or fetched it from.
std::string candidate_set_line(set_origin o) {
  o.url.clear();
  return set_line(o);
}

std::string fence(const std::string& body) {
  std::string f = "```";
  while (body.find(f) != std::string::npos) f += "`";
  return f + "\n" + body + (body.empty() || body.back() == '\n' ? "" : "\n") + f + "\n";
}

std::string md_cell(std::string s) {
  for (auto& c : s)
    if (c == '\n') c = ' ';
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

const char* html_class(verdict v) {
  return v == verdict::passed                                   ? "ok"
         : v == verdict::internal_error                         ? "ours"
         : v == verdict::skipped || v == verdict::inconclusive ? "skip"
                                                                : "bad";
}

std::string fmt_ms(double ms) {
  if (ms >= 1000) return fmt::format("{:g} s", std::round(ms / 10.0) / 100.0);
  return fmt::format("{:g} ms", std::round(ms * 100.0) / 100.0);
}

// Code points in UTF-8 text (continuation bytes not counted).
std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first `n` code points of UTF-8 text.
std::string utf8_prefix(const std::string& s, std::size_t n) {
  std::size_t at = 0;
  for (std::size_t seen = 0; at < s.size(); ++at) {
    if ((static_cast<unsigned char>(s[at]) & 0xC0) != 0x80 && seen++ == n) break;
  }
  return s.substr(0, at);
}

// An upper bound of the width of 10 px sans-serif text: ASCII narrow, the
// rest (CJK, emoji) up to a full em.
double label_width(const std::string& s) {
  double w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) w += c < 0x80 ? 6.2 : 11.0;
  return w + 2;
}

// An SVG timeline of one run's events: one row per lane, a marker per event.
// Labels never overlap: each goes on the lowest of a lane's label levels
// where it clears the labels already there; where events crowd so that no
// level has room, the label is left out (its marker keeps it as a tooltip)
// and a note under the axis says how many were.
std::string svg_timeline(const std::vector<timed_event>& events) {
  std::vector<std::string> lanes;
  double end = 0;
  for (const auto& e : events) {
    if (std::find(lanes.begin(), lanes.end(), e.lane) == lanes.end()) lanes.push_back(e.lane);
    end = std::max(end, e.t_ms);
  }
  if (end <= 0) end = 1;
  constexpr int left = 130, width = 640, right = 40, levels = 4, level_h = 12, gap = 4;
  const int total_w = left + width + right;
  // Lay out each lane's labels: events in time order, a label on the lowest
  // level whose last label it clears.
  struct placed {
    std::size_t event;
    double x;
    int level;  // -1: left out
  };
  std::vector<std::vector<placed>> by_lane(lanes.size());
  std::vector<int> used(lanes.size(), 1);
  int hidden = 0;
  std::vector<std::size_t> order(events.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return events[a].t_ms < events[b].t_ms; });
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    std::vector<double> level_end(levels, -1e9);
    for (std::size_t k : order) {
      const timed_event& e = events[k];
      if (e.lane != lanes[l]) continue;
      const double x = left + width * (e.t_ms / end);
      const double w = label_width(e.label);
      // The label's centre, kept inside the picture.
      const double cx = std::clamp(x, w / 2 + 2, total_w - w / 2 - 2);
      int level = -1;
      for (int v = 0; v < levels; ++v)
        if (cx - w / 2 >= level_end[v] + gap) {
          level = v;
          break;
        }
      if (level >= 0) {
        level_end[level] = cx + w / 2;
        used[l] = std::max(used[l], level + 1);
      } else {
        ++hidden;
      }
      by_lane[l].push_back({k, cx, level});
    }
  }
  // Rows: the marker line, with the lane's label levels above it.
  std::vector<int> line_y(lanes.size());
  int y = 14;
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    y += level_h * used[l] + 8;
    line_y[l] = y;
    y += 14;
  }
  const int axis_y = y + 4;
  const int height = axis_y + 26 + (hidden ? 16 : 0);
  std::string s = fmt::format(
      "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"timeline of {} event(s)\">\n",
      total_w, height, total_w, height, events.size());
  // Axis with five ticks.
  s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\"/>\n", left, axis_y, left + width, axis_y);
  for (int k = 0; k <= 4; ++k) {
    const double t = end * k / 4.0;
    const int x = left + width * k / 4;
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#555\"/>"
                     "<text x=\"{0}\" y=\"{3}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{4}</text>\n",
                     x, axis_y, axis_y + 5, axis_y + 18, markup_escape(fmt_ms(t)));
  }
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    // Lane names longer than the margin are cut; the whole name is the tooltip.
    const std::string name = lanes[l].empty() ? "events" : lanes[l];
    std::string shown = name;
    for (std::size_t n = utf8_length(name); n > 1 && label_width(shown) * 1.2 > left - 12;)  // 12 px text
    {
      shown = utf8_prefix(name, --n);
      while (!shown.empty() && shown.back() == ' ') shown.pop_back();
      shown += "…";
    }
    s += fmt::format("<g><title>{}</title><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#222\">{}</text></g>"
                     "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ddd\"/>\n",
                     markup_escape(name), left - 8, line_y[l] + 4, markup_escape(shown), left, line_y[l], left + width,
                     line_y[l]);
  }
  for (std::size_t l = 0; l < lanes.size(); ++l)
    for (const placed& p : by_lane[l]) {
      const timed_event& e = events[p.event];
      const double x = left + width * (e.t_ms / end);
      s += fmt::format("<g><title>{} at {}</title><circle cx=\"{:.1f}\" cy=\"{}\" r=\"6\" fill=\"#1565c0\"/>", markup_escape(e.label),
                       markup_escape(fmt_ms(e.t_ms)), x, line_y[l]);
      if (p.level >= 0)
        s += fmt::format("<text class=\"ev\" x=\"{:.1f}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#1565c0\">{}</text>",
                         p.x, line_y[l] - 9 - level_h * p.level, markup_escape(e.label));
      s += "</g>\n";
    }
  if (hidden)
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#555\">{} label(s) left out where events crowd: "
                     "hover a marker for its event</text>\n",
                     left, axis_y + 36, hidden);
  return s + "</svg>\n";
}

constexpr const char* kCss = R"(body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#1a1a1a;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.sub{color:#555;margin-bottom:14px;word-break:break-all}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600;font-size:13px}
.badge.ok{background:#2e7d32}.badge.bad{background:#c62828}.badge.ours{background:#6a1b9a}.badge.skip{background:#757575}
.score{font-size:30px;font-weight:700;margin:10px 0}
.bar{height:12px;background:#eee;border-radius:6px;overflow:hidden;max-width:420px}.bar>div{height:100%;background:#2e7d32}
table{border-collapse:collapse;width:100%;margin-top:8px}td,th{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.pts{white-space:nowrap;text-align:right}
pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:6px;padding:10px;overflow-x:auto;font-size:12.5px;white-space:pre-wrap}
.run{border-left:4px solid #c62828;padding:4px 0 4px 12px;margin:12px 0}
.excerpt{font:12.5px ui-monospace,monospace;border:1px solid #e1e4e8;border-radius:6px;margin:6px 0;overflow-x:auto}
.excerpt .cap{background:#f5f5f5;padding:4px 8px;color:#444;font-family:system-ui,sans-serif}
.excerpt div.l{white-space:pre;padding:0 8px}.excerpt div.hit{background:#ffebee}
.excerpt span.n{display:inline-block;width:3em;color:#888;text-align:right;margin-right:1em}
.timeline{background:#fafafa;border:1px solid #e1e4e8;border-radius:6px;margin:6px 0}
footer{margin-top:32px;color:#777;font-size:12px})";

}  // namespace

// JUnit's three outcomes besides a pass: a failure is a defect the checks
// found (a failed expectation, a race, a deadlock, a leak); an error is a
// test that could not run to a judgement (it did not build, crashed, ran out
// of time or of a limit, was refused, or we failed); skipped is no judgement
// (a follow-up not attempted, runs that could not conclude).
const char* junit_outcome(verdict v) {
  switch (v) {
    case verdict::passed: return "";
    case verdict::failed:
    case verdict::data_race:
    case verdict::deadlock:
    case verdict::leak: return "failure";
    case verdict::skipped:
    case verdict::inconclusive: return "skipped";
    default: return "error";
  }
}

std::string to_junit(const grade_result& g) {
  int failures = 0, errors = 0, skipped = 0;
  for (const auto& it : g.items) {
    const std::string o = junit_outcome(it.v);
    failures += o == "failure";
    errors += o == "error";
    skipped += o == "skipped";
  }
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += fmt::format("<testsuites name=\"gograde\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
                   g.items.size(), failures, errors, seconds(g.wall));
  s += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">\n",
                   markup_escape(g.exercise), g.items.size(), failures, errors, skipped, seconds(g.wall));
  // Points are properties, so that a test's name is the same whether it
  // passed or not (CI systems track tests by name).
  std::string points;
  for (const auto& it : g.items)
    points += fmt::format("<property name=\"points.{}\" value=\"{}/{}\"/>", markup_escape(it.item.id), it.awarded,
                          it.item.points);
  s += fmt::format("    <properties><property name=\"submission\" value=\"{}\"/><property name=\"score\" "
                   "value=\"{}/{}\"/><property name=\"verdict\" value=\"{}\"/>{}{}</properties>\n",
                   markup_escape(g.submission), g.score, g.max_score, to_string(g.overall),
                   g.set.name.empty() ? std::string()
                                      : fmt::format("<property name=\"set\" value=\"{}\"/><property name=\"set_commit\" "
                                                    "value=\"{}\"/><property name=\"set_url\" value=\"{}\"/>",
                                                    markup_escape(g.set.name + (g.set.version.empty() ? "" : " " + g.set.version)),
                                                    markup_escape(g.set.commit), markup_escape(g.set.url)),
                   points);
  for (const auto& it : g.items) {
    std::chrono::milliseconds t{0};
    for (const auto& r : it.runs) t += r.wall;
    s += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\" time=\"{}\"", markup_escape(g.exercise),
                     markup_escape(it.item.id), markup_escape(it.item.title), seconds(t));
    const std::string tag = junit_outcome(it.v);
    if (tag.empty()) {
      s += "/>\n";
      continue;
    }
    if (tag == "skipped") {
      s += fmt::format(">\n      <skipped message=\"{}{}\"/>\n    </testcase>\n",
                       it.v == verdict::inconclusive ? "inconclusive: " : "", markup_escape(item_evidence(it)));
      continue;
    }
    s += fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n", tag, to_string(it.v),
                     to_string(it.v), markup_escape(item_evidence(it)), tag);
  }
  if (!g.build_log.empty()) s += "    <system-err>" + markup_escape(g.build_log) + "</system-err>\n";
  s += "  </testsuite>\n</testsuites>\n";
  return s;
}

std::string to_markdown(const grade_result& g) {
  std::string s = fmt::format("# {} — {}\n\n", g.exercise, g.title);
  s += fmt::format("Submission `{}`: **{}**, score **{}/{}**\n\n", g.submission, to_string(g.overall), g.score,
                   g.max_score);
  if (!g.set.name.empty()) s += "Set: " + md_cell(set_line(g.set)) + "\n\n";
  s += "| Item | Points | Verdict |\n|---|---:|---|\n";
  for (const auto& it : g.items)
    s += fmt::format("| {} (`{}`) | {}/{} | {}{} |\n", md_cell(it.item.title), it.item.id, it.awarded, it.item.points,
                     it.v == verdict::passed ? "" : "**", std::string(to_string(it.v)) + (it.v == verdict::passed ? "" : "**"));
  bool heading = false;
  for (const auto& it : g.items) {
    const auto bad = failing_runs(it);
    if (bad.empty()) continue;
    if (!heading) s += "\n## Evidence\n";
    heading = true;
    const run_outcome& r = *bad.front();
    s += fmt::format("\n### {} — {}\n\n{} build, {}", it.item.title, to_string(it.v), to_string(r.fl), r.config);
    if (bad.size() > 1) s += fmt::format(" ({} failing run(s) in all)", bad.size());
    s += "\n\n" + fence(r.evidence);
    for (const auto& e : r.excerpts) {
      s += fmt::format("\n`{}:{}` ({})\n\n", e.file, e.line, e.why);
      std::string body;
      for (std::size_t k = 0; k < e.lines.size(); ++k)
        body += fmt::format("{}{:>4} | {}\n", e.first + static_cast<int>(k) == e.line ? ">" : " ",
                            e.first + static_cast<int>(k), e.lines[k]);
      s += fence(body);
    }
    if (!r.replay.empty()) s += "\nReplay: `" + r.replay + "`\n";
    else if (!r.no_replay.empty()) s += "\nReplay: " + replay_text(r) + "\n";
  }
  if (!g.build_log.empty()) s += "\n## Compiler output\n\n" + fence(g.build_log);
  return s;
}

std::string to_html(const grade_result& g) {
  const int pct = g.max_score > 0 ? g.score * 100 / g.max_score : 0;
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  s += fmt::format("<title>{} — {}</title>\n<style>{}</style></head><body>\n", markup_escape(g.exercise),
                   to_string(g.overall), kCss);
  s += fmt::format("<h1>{} <span class=\"badge {}\" id=\"verdict\">{}</span></h1>\n", markup_escape(g.title),
                   html_class(g.overall), to_string(g.overall));
  s += fmt::format("<div class=\"sub\">exercise <b>{}</b> · submission <code>{}</code>{}</div>\n", markup_escape(g.exercise),
                   markup_escape(g.submission),
                   g.set.name.empty() ? "" : " · set <span id=\"set\">" + markup_escape(set_line(g.set)) + "</span>");
  s += fmt::format("<div class=\"score\" id=\"score\">{} / {}</div><div class=\"bar\"><div style=\"width:{}%\"></div></div>\n",
                   g.score, g.max_score, pct);
  s += "<h2>Rubric</h2>\n<table><tr><th>Item</th><th>Verdict</th><th>Points</th></tr>\n";
  for (const auto& it : g.items)
    s += fmt::format("<tr><td>{}<br><small><code>{}</code> · {} run(s)</small></td><td><span class=\"badge {}\">{}</span></td>"
                     "<td class=\"pts\">{} / {}</td></tr>\n",
                     markup_escape(it.item.title), markup_escape(it.item.id), it.runs.size(), html_class(it.v),
                     to_string(it.v), it.awarded, it.item.points);
  s += "</table>\n";

  const std::vector<cause_group> causes = group_causes(g);
  if (worth_summarising(causes)) {
    s += "<h2>Causes</h2>\n<table id=\"causes\"><tr><th>#</th><th>Cause</th><th>Runs</th><th>Items</th></tr>\n";
    for (std::size_t c = 0; c < causes.size(); ++c) {
      std::string items;
      for (const auto& id : causes[c].items) items += (items.empty() ? "" : ", ") + id;
      s += fmt::format("<tr><td>{}</td><td><span class=\"badge {}\">{}</span> <code>{}</code></td><td class=\"pts\">{}"
                       "</td><td><small>{}</small></td></tr>\n",
                       c + 1, html_class(causes[c].c.v), to_string(causes[c].c.v), markup_escape(causes[c].c.headline),
                       causes[c].runs, markup_escape(items));
    }
    s += "</table>\n";
  }
  bool heading = false;
  for (std::size_t i = 0; i < g.items.size(); ++i) {
    const auto& it = g.items[i];
    const auto bad = failing_runs(it);
    if (bad.empty()) continue;
    if (!heading) s += "<h2>Evidence</h2>\n";
    heading = true;
    const run_outcome& r = *bad.front();
    if (const std::size_t c = group_of(causes, r); c < causes.size() && causes[c].item < i) {
      s += fmt::format("<div class=\"run\"><h3>{} <span class=\"badge {}\">{}</span></h3>\n<div>the same cause as "
                       "<code>{}</code> (cause {})</div></div>\n",
                       markup_escape(it.item.title), html_class(r.v), to_string(r.v),
                       markup_escape(g.items[causes[c].item].item.id), c + 1);
      continue;
    }
    s += fmt::format("<div class=\"run\"><h3>{} <span class=\"badge {}\">{}</span></h3>\n", markup_escape(it.item.title),
                     html_class(r.v), to_string(r.v));
    s += fmt::format("<div>{} build, {}{}</div>\n", to_string(r.fl), markup_escape(r.config),
                     bad.size() > 1 ? fmt::format(" · {} failing run(s) in all", bad.size()) : "");
    s += "<pre>" + markup_escape(collapse_repeats(r.evidence)) + "</pre>\n";
    for (const auto& e : r.excerpts) {
      s += fmt::format("<div class=\"excerpt\"><div class=\"cap\">{}:{} — {}</div>\n", markup_escape(e.file), e.line,
                       markup_escape(e.why));
      for (std::size_t k = 0; k < e.lines.size(); ++k) {
        const int n = e.first + static_cast<int>(k);
        s += fmt::format("<div class=\"l{}\"><span class=\"n\">{}</span>{}</div>\n", n == e.line ? " hit" : "", n,
                         markup_escape(e.lines[k]));
      }
      s += "</div>\n";
    }
    if (const std::string rp = replay_text(r); !rp.empty())
      s += "<div>Replay:</div><pre>" + markup_escape(rp) + "</pre>\n";
    s += "</div>\n";
  }

  // Timelines: every run whose tests recorded events, once per distinct set.
  std::string timelines;
  std::vector<std::string> seen;
  for (const auto& it : g.items)
    for (const auto& r : it.runs)
      for (const auto& t : r.tests) {
        if (t.events.empty()) continue;
        std::string key = it.item.id + "\n" + t.name;
        for (const auto& e : t.events) key += fmt::format("\n{}|{}|{}", e.t_ms, e.label, e.lane);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        timelines += fmt::format("<h3>{} <small>({} build, {})</small></h3>\n", markup_escape(t.name), to_string(r.fl),
                                 markup_escape(r.config));
        timelines += svg_timeline(t.events);
      }
  if (!timelines.empty()) s += "<h2>Timelines</h2>\n" + timelines;
  if (!g.build_log.empty()) s += "<h2>Compiler output</h2>\n<pre>" + markup_escape(g.build_log) + "</pre>\n";
  s += fmt::format("<footer>gograde · report gograde.grade/1 · graded in {} s</footer>\n</body></html>\n", seconds(g.wall));
  return s;
}

nlohmann::json to_gradescope(const grade_result& g) {
  nlohmann::json tests = nlohmann::json::array();
  for (const auto& it : g.items) {
    // A follow-up not attempted was optional: worth nothing, neither passed
    // nor failed (Gradescope shows 0/0 without a status).
    if (it.v == verdict::skipped) {
      tests.push_back({{"name", it.item.title + " [" + it.item.id + "]"},
                       {"score", 0},
                       {"max_score", 0},
                       {"visibility", "visible"},
                       {"output", candidate_evidence(g, it)}});
      continue;
    }
    tests.push_back({{"name", it.item.title + " [" + it.item.id + "]"},
                     {"score", it.awarded},
                     {"max_score", it.item.points},
                     {"status", it.v == verdict::passed ? "passed" : "failed"},
                     {"visibility", "visible"},
                     {"output", it.v == verdict::passed ? std::string("passed") : candidate_evidence(g, it)}});
  }
  std::string output = fmt::format("{}: {}, score {}/{}", g.exercise, to_string(g.overall), g.score, g.max_score);
  if (!g.set.name.empty()) output += "\nset: " + candidate_set_line(g.set);
  if (!g.build_log.empty()) output += "\n\nCompiler output:\n" + without_hidden_files(g.build_log, g.hidden_files);
  return {{"score", g.score},
          {"execution_time", static_cast<double>(g.wall.count()) / 1000.0},
          {"output", output},
          {"visibility", "visible"},
          {"tests", tests}};
}

nlohmann::json to_exercism(const grade_result& g) {
  // A submission whose tests could not run at all is an "error" with a message.
  bool ran = false;
  for (const auto& it : g.items)
    for (const auto& r : it.runs) ran = ran || (r.config != "build" && r.v != verdict::skipped);
  if (!ran && g.overall != verdict::passed) {
    std::string message = to_string(g.overall);
    for (const auto& it : g.items)
      if (!it.runs.empty()) {
        message += ": " + without_hidden_files(it.runs.front().evidence, g.hidden_files);
        break;
      }
    return {{"version", 3}, {"status", "error"}, {"message", message}, {"tests", nlohmann::json::array()}};
  }
  nlohmann::json tests = nlohmann::json::array();
  for (std::size_t i = 0; i < g.items.size(); ++i) {
    const item_outcome& it = g.items[i];
    // A follow-up not attempted was optional: not a failed test.
    if (it.v == verdict::skipped) continue;
    // task_id: the item's number in the rubric the statement lists.
    nlohmann::json t = {{"name", it.item.title},
                        {"test_code", without_hidden_files(it.test_code, g.hidden_files)},
                        {"task_id", static_cast<int>(i) + 1}};
    if (const std::string out = exercism_output(g, it); !out.empty()) t["output"] = out;
    const std::string outcome = junit_outcome(it.v);
    if (outcome.empty()) {
      t["status"] = "pass";
    } else {
      // A defect the checks found fails the test; a test that could not run
      // to a judgement (crash, time, limits; runs that could not conclude) is
      // an error, as in JUnit.
      t["status"] = outcome == "failure" ? "fail" : "error";
      t["message"] = (it.v == verdict::inconclusive ? std::string("inconclusive (rerun advised): ")
                                                    : to_string(it.v) + std::string(": ")) +
                     candidate_evidence(g, it);
    }
    tests.push_back(std::move(t));
  }
  return {{"version", 3}, {"status", g.overall == verdict::passed ? "pass" : "fail"}, {"tests", tests}};
}

const std::vector<std::string>& report_formats() {
  static const std::vector<std::string> v = {"text", "json", "junit", "md", "html", "gradescope", "exercism"};
  return v;
}

std::string render(const grade_result& g, const std::string& format, bool color, bool verbose) {
  if (format == "json") return to_json(g).dump(2) + "\n";
  if (format == "junit") return to_junit(g);
  if (format == "md") return to_markdown(g);
  if (format == "html") return to_html(g);
  if (format == "gradescope") return to_gradescope(g).dump(2) + "\n";
  if (format == "exercism") return to_exercism(g).dump(2) + "\n";
  return to_text(g, color, verbose);
}

std::string report_extension(const std::string& format) {
  if (format == "json") return "json";
  if (format == "gradescope" || format == "exercism") return format + ".json";
  if (format == "junit") return "junit.xml";
  if (format == "md") return "md";
  if (format == "html") return "html";
  return "txt";
}

}  // namespace gograde
