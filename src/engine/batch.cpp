#include "engine/batch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <cstring>
#include <sstream>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/cpus.hpp"
#include "engine/files.hpp"
#include "engine/process.hpp"
#include "engine/report.hpp"

namespace gograde {

namespace {

bool hidden(const fs::path& p) { return p.filename().string().rfind('.', 0) == 0; }

// Directories, and symbolic links (refused when discovered: a candidate's
// folder is read as data, never followed elsewhere).
std::vector<fs::path> subdirs(const fs::path& dir) {
  std::vector<fs::path> v;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if ((e.is_symlink(ec) || e.is_directory(ec)) && !hidden(e.path())) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

bool is_link(const fs::path& p) {
  std::error_code ec;
  return fs::is_symlink(fs::symlink_status(p, ec));
}

}  // namespace

batch_row grade_entry(builder& b, const batch_entry& e, const batch_options& opt) {
  batch_row row;
  row.entry = e;
  row.status = "error";
  row.verdict_name = "error";
  if (!e.problem.empty()) {
    row.message = e.problem;
    return row;
  }
  const fs::path base = opt.out_dir / e.candidate / e.exercise;
  const fs::path json_path = base.string() + ".json";
  try {
    const exercise ex = opt.sets->load(e.exercise);
    const std::string hash = input_hash(ex, e.submission);
    if (!opt.force && fs::exists(json_path)) {
      const auto j = nlohmann::json::parse(read_file(json_path), nullptr, false);
      if (!j.is_discarded() && j.value("input_hash", "") == hash) {
        row.status = "resumed";
        row.verdict_name = j.value("verdict", "error");
        row.score = j.value("score", 0);
        row.max_score = j.value("max_score", 0);
        row.wall = std::chrono::milliseconds(j.value("wall_ms", 0));
        for (const auto& it : j.value("items", nlohmann::json::array())) {
          row.items.emplace_back(it.value("id", ""), it.value("verdict", ""));
          if (it.value("verdict", "") != "passed" && row.message.empty()) row.message = it.value("id", "");
        }
        for (const auto& f : opt.formats) {
          const fs::path p = base.string() + "." + report_extension(f);
          if (fs::exists(p)) row.reports.push_back(p);
        }
        return row;
      }
    }
    const grade_result g = grade(b, ex, e.submission, opt.grading);
    std::vector<std::string> formats = opt.formats;
    // JSON last: its presence marks the entry done for a resumed batch.
    formats.erase(std::remove(formats.begin(), formats.end(), "json"), formats.end());
    formats.push_back("json");
    for (const auto& f : formats) {
      const fs::path p = base.string() + "." + report_extension(f);
      // Written whole or not at all: a killed batch never leaves a
      // half-written report that a resumed one would trust.
      write_file_atomically(p, render(g, f));
      row.reports.insert(row.reports.begin(), p);
    }
    row.status = "graded";
    row.verdict_name = to_string(g.overall);
    row.score = g.score;
    row.max_score = g.max_score;
    row.wall = g.wall;
    for (const auto& it : g.items) {
      row.items.emplace_back(it.item.id, to_string(it.v));
      if (it.v != verdict::passed && row.message.empty()) row.message = it.item.id;
    }
  } catch (const std::exception& ex) {
    row.message = ex.what();
  }
  return row;
}

namespace {

nlohmann::json row_object(const batch_row& r) {
  nlohmann::json reports = nlohmann::json::array();
  for (const auto& p : r.reports) reports.push_back(p.string());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& [id, v] : r.items) items.push_back({{"id", id}, {"verdict", v}});
  return {{"candidate", r.entry.candidate}, {"exercise", r.entry.exercise},
          {"submission", r.entry.submission.string()}, {"status", r.status},
          {"verdict", r.verdict_name}, {"score", r.score}, {"max_score", r.max_score},
          {"wall_ms", r.wall.count()}, {"message", r.message}, {"reports", reports}, {"items", items}};
}

// One entry graded in a child process: whatever happens to it is this entry's.
batch_row grade_isolated(const batch_entry& e, const batch_options& opt) {
  process_spec spec;
  spec.argv = opt.isolate(e);
  // The jobs share this process's CPUs: each child's runs take their share.
  spec.env = {{"GOGRADE_CPUS", std::to_string(std::max(1, cpu_pool::shared().size() / std::max(1, opt.jobs)))}};
  spec.timeout = opt.entry_timeout;
  spec.die_with_parent = true;
  spec.output_cap = 4 << 20;
  const process_result r = run_process(spec);
  std::optional<batch_row> row;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(kRowMarker, 0) == 0) row = row_from_json(line.substr(std::strlen(kRowMarker)));
  if (row && r.exited_ok()) return *row;
  batch_row bad;
  bad.entry = e;
  bad.status = "error";
  bad.verdict_name = "internal_error";
  bad.wall = r.wall;
  const std::string how = r.timed_out        ? fmt::format("ran past {} s", opt.entry_timeout.count() / 1000)
                          : r.term_signal    ? fmt::format("was killed by signal {} ({})", r.term_signal,
                                                           ::strsignal(r.term_signal))
                          : r.start_failed   ? "could not start: " + r.output
                                             : fmt::format("ended with exit status {} and no result", r.exit_code);
  std::string tail = r.output.size() > 600 ? r.output.substr(r.output.size() - 600) : r.output;
  bad.message = fmt::format("grading this submission failed in gograde itself (the grading process {}); the other "
                            "submissions were graded. Our fault, not the candidate's: please report it.{}",
                            how, tail.empty() ? "" : "\n" + tail);
  return bad;
}

}  // namespace

std::string row_json(const batch_row& r) { return row_object(r).dump(); }

std::optional<batch_row> row_from_json(const std::string& line) {
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    batch_row r;
    r.entry = {j.at("candidate").get<std::string>(), j.at("exercise").get<std::string>(),
               fs::path(j.at("submission").get<std::string>()), {}};
    r.status = j.at("status").get<std::string>();
    r.verdict_name = j.at("verdict").get<std::string>();
    r.score = j.at("score").get<int>();
    r.max_score = j.at("max_score").get<int>();
    r.wall = std::chrono::milliseconds(j.at("wall_ms").get<long long>());
    r.message = j.at("message").get<std::string>();
    for (const auto& p : j.at("reports")) r.reports.emplace_back(p.get<std::string>());
    for (const auto& it : j.value("items", nlohmann::json::array()))
      r.items.emplace_back(it.at("id").get<std::string>(), it.at("verdict").get<std::string>());
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::vector<batch_entry> discover_batch(const fs::path& dir, const batch_options& opt) {
  if (!fs::is_directory(dir)) throw config_error(dir.string() + ": not a directory");
  if (!opt.exercise.empty()) opt.sets->load(opt.exercise);  // unknown or ambiguous: config_error
  // Exercises by the name commands show them (slug, or set/slug when shared).
  std::vector<std::string> slugs;
  std::vector<exercise> all;
  for (const auto& [set, slug] : opt.sets->exercises()) {
    slugs.push_back(opt.sets->display_name(*set, slug));
    all.push_back(opt.sets->load(slugs.back()));
  }
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(opt.out_dir, ec);
  std::vector<batch_entry> entries;
  for (const fs::path& cand : subdirs(dir)) {
    if (!opt.out_dir.empty() && fs::weakly_canonical(cand, ec) == out) continue;
    const std::string name = cand.filename().string();
    if (is_link(cand)) {
      entries.push_back({name, "?", cand, "a symbolic link, not a directory of its own: not graded"});
      continue;
    }
    bool per_exercise = false;
    for (const auto& s : slugs)
      if (is_link(cand / s)) {
        entries.push_back({name, s, cand / s, "a symbolic link, not a directory of its own: not graded"});
        per_exercise = true;
      } else if (fs::is_directory(cand / s)) {
        entries.push_back({name, s, cand / s, {}});
        per_exercise = true;
      }
    if (per_exercise) continue;
    if (!opt.exercise.empty()) {
      entries.push_back({name, opt.exercise, cand, {}});
      continue;
    }
    std::vector<std::string> fits;
    for (const auto& ex : all)
      if (std::all_of(ex.candidate_files.begin(), ex.candidate_files.end(),
                      [&](const std::string& f) {  // any entry of that name: intake judges what it is
                        std::error_code fec;
                        return fs::exists(fs::symlink_status(cand / f, fec));
                      }))
        fits.push_back(slugs[static_cast<std::size_t>(&ex - all.data())]);
    if (fits.size() == 1) entries.push_back({name, fits.front(), cand, {}});
    else
      entries.push_back({name, "?", cand,
                         fits.empty() ? "no exercise's files found here (name one with --exercise)"
                                      : fmt::format("the files of several exercises ({}): name one with --exercise",
                                                    fmt::join(fits, ", "))});
  }
  return entries;
}

std::vector<batch_row> run_batch(builder& b, const std::vector<batch_entry>& entries, const batch_options& opt,
                                 const std::function<void(const batch_row&)>& on_row) {
  std::vector<batch_row> rows(entries.size());
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  sweep_stale(opt.out_dir, 1);  // reports half written by a killed batch
  auto worker = [&] {
    for (std::size_t i; (i = next++) < entries.size();) {
      rows[i] = opt.isolate && entries[i].problem.empty() ? grade_isolated(entries[i], opt)
                                                          : grade_entry(b, entries[i], opt);
      std::lock_guard g(mu);
      if (on_row) on_row(rows[i]);
    }
  };
  const int n = std::max(1, std::min<int>(opt.jobs, static_cast<int>(entries.size())));
  std::vector<std::thread> pool;
  for (int k = 1; k < n; ++k) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return rows;
}

nlohmann::json set_pins_json(const std::vector<set_pin>& pins) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& p : pins)
    a.push_back({{"name", p.name}, {"version", p.version}, {"url", p.url}, {"commit", p.commit},
                 {"fingerprint", p.fingerprint}});
  return a;
}

std::vector<set_pin> set_pins_from_json(const nlohmann::json& a) {
  std::vector<set_pin> v;
  for (const auto& p : a)
    v.push_back({p.value("name", ""), p.value("version", ""), p.value("url", ""), p.value("commit", ""),
                 p.value("fingerprint", "")});
  return v;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

std::string score_text(const batch_row& r) {
  return r.status == "error" ? "-" : fmt::format("{}/{}", r.score, r.max_score);
}

std::string set_text(const set_pin& p) {
  std::string s = p.name;
  if (!p.version.empty()) s += " " + p.version;
  if (!p.commit.empty()) s += " @ " + p.commit.substr(0, 12);
  return s;
}

// How many submissions got each verdict, in the order verdicts first appear.
std::vector<std::pair<std::string, int>> verdict_counts(const std::vector<batch_row>& rows) {
  std::vector<std::pair<std::string, int>> v;
  for (const auto& r : rows) {
    auto it = std::find_if(v.begin(), v.end(), [&](const auto& p) { return p.first == r.verdict_name; });
    if (it == v.end()) v.emplace_back(r.verdict_name, 1);
    else ++it->second;
  }
  return v;
}

std::string totals_text(const batch_summary& s) {
  std::string t;
  for (const auto& [v, n] : verdict_counts(s.rows)) t += fmt::format("{}{} {}", t.empty() ? "" : ", ", n, v);
  return t;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::string batch_summary_text(const batch_summary& sum) {
  std::string s = fmt::format("{:<20} {:<16} {:<15} {:>7} {:>8}  {}\n", "candidate", "exercise", "verdict", "score",
                              "time", "first failed");
  int passed = 0;
  for (const auto& r : sum.rows) {
    passed += r.verdict_name == "passed";
    s += fmt::format("{:<20} {:<16} {:<15} {:>7} {:>7.1f}s  {}{}\n", r.entry.candidate, r.entry.exercise,
                     r.verdict_name, score_text(r), static_cast<double>(r.wall.count()) / 1000.0,
                     r.status == "resumed" ? "(resumed) " : "", r.message);
  }
  s += fmt::format("{} submission(s): {} passed, {} not\n", sum.rows.size(), passed, sum.rows.size() - passed);
  for (const auto& p : sum.problems) s += "problem: " + p + "\n";
  return s;
}

std::string batch_summary_markdown(const batch_summary& sum) {
  std::string s = "# gograde batch\n\n";
  s += fmt::format("Generated {}", sum.generated);
  if (sum.shards > 1) s += fmt::format(", {} shards", sum.shards);
  for (const auto& p : sum.sets) s += "; set " + set_text(p);
  s += fmt::format(".\n\n**{} submission(s)**: {}.\n\n", sum.rows.size(), totals_text(sum));
  if (!sum.problems.empty()) {
    s += "## Problems\n\n";
    for (const auto& p : sum.problems) s += "- " + p + "\n";
    s += "\n";
  }
  s += "| Candidate | Exercise | Verdict | Score | First failed |\n|---|---|---|---:|---|\n";
  for (const auto& r : sum.rows) {
    std::string note = r.message;
    for (auto& c : note)
      if (c == '\n' || c == '|') c = ' ';
    s += fmt::format("| {} | {} | {} | {} | {} |\n", r.entry.candidate, r.entry.exercise, r.verdict_name, score_text(r),
                     note);
  }
  return s;
}

std::string batch_summary_json(const batch_summary& sum) {
  nlohmann::json arr = nlohmann::json::array(), totals = nlohmann::json::object();
  for (const auto& r : sum.rows) arr.push_back(row_object(r));
  for (const auto& [v, n] : verdict_counts(sum.rows)) totals[v] = n;
  return nlohmann::json{{"schema", "gograde.batch/1"}, {"generated", sum.generated}, {"shards", sum.shards},
                        {"sets", set_pins_json(sum.sets)}, {"totals", totals}, {"problems", sum.problems},
                        {"rows", arr}}
             .dump(2) +
         "\n";
}

std::string batch_summary_csv(const batch_summary& sum) {
  std::string s = "candidate,exercise,verdict,score,max_score,first_failed\n";
  for (const auto& r : sum.rows)
    s += fmt::format("{},{},{},{},{},{}\n", csv_field(r.entry.candidate), csv_field(r.entry.exercise),
                     csv_field(r.verdict_name), r.status == "error" ? "" : std::to_string(r.score),
                     r.status == "error" ? "" : std::to_string(r.max_score), csv_field(r.message));
  return s;
}

std::string batch_summary_html(const batch_summary& sum, const fs::path& out_dir) {
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gograde batch</title>\n<style>"
      "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px}"
      "table{border-collapse:collapse;width:100%;margin-bottom:24px}td,th{border-bottom:1px solid #ddd;padding:6px 8px;"
      "text-align:left;vertical-align:top}th{background:#f5f5f5;cursor:pointer;white-space:nowrap}"
      "th.item{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:400;max-height:160px}"
      "td.item{text-align:center}.ok{color:#2e7d32;font-weight:600}.bad{color:#c62828;font-weight:600}"
      ".skip{color:#757575}.meta{color:#555}details summary{cursor:pointer}tfoot td{color:#555;font-size:12px}"
      "</style></head><body>\n<h1>gograde batch</h1>\n";
  s += fmt::format("<p class=\"meta\">Generated {}{}", markup_escape(sum.generated),
                   sum.shards > 1 ? fmt::format(" from {} shards", sum.shards) : "");
  for (const auto& p : sum.sets) s += " · set " + markup_escape(set_text(p));
  s += fmt::format("</p>\n<p><strong>{} submission(s)</strong>: {}</p>\n", sum.rows.size(),
                   markup_escape(totals_text(sum)));
  if (!sum.problems.empty()) {
    s += "<h2>Problems</h2>\n<ul>\n";
    for (const auto& p : sum.problems) s += "<li>" + markup_escape(p) + "</li>\n";
    s += "</ul>\n";
  }
  std::vector<std::string> exercises;
  for (const auto& r : sum.rows)
    if (std::find(exercises.begin(), exercises.end(), r.entry.exercise) == exercises.end())
      exercises.push_back(r.entry.exercise);
  std::sort(exercises.begin(), exercises.end());
  for (const auto& ex : exercises) {
    // The item columns: every item any row of this exercise has, first-seen order.
    std::vector<std::string> ids;
    for (const auto& r : sum.rows)
      if (r.entry.exercise == ex)
        for (const auto& it : r.items)
          if (std::find(ids.begin(), ids.end(), it.first) == ids.end()) ids.push_back(it.first);
    // What the exercise's rows add up to: how many passed, the spread of scores.
    std::vector<double> scores;
    int passed = 0;
    for (const auto& r : sum.rows)
      if (r.entry.exercise == ex) {
        passed += r.verdict_name == "passed";
        if (r.max_score > 0) scores.push_back(100.0 * r.score / r.max_score);
      }
    std::sort(scores.begin(), scores.end());
    const std::string spread =
        scores.empty() ? ""
                       : fmt::format(" · scores {:.0f}% to {:.0f}%, median {:.0f}%", scores.front(), scores.back(),
                                     scores.size() % 2 ? scores[scores.size() / 2]
                                                       : (scores[scores.size() / 2 - 1] + scores[scores.size() / 2]) / 2);
    const bool graded = ex != "?";
    s += fmt::format("<h2>{}</h2>\n<p class=\"meta\">{} submission(s) · {} passed{}</p>\n<table class=\"sortable\">"
                     "<thead><tr><th>Candidate</th><th>Verdict</th><th>Score</th>",
                     graded ? markup_escape(ex) : "Not graded (no exercise found)",
                     std::count_if(sum.rows.begin(), sum.rows.end(), [&](const batch_row& r) { return r.entry.exercise == ex; }),
                     passed, spread);
    for (const auto& id : ids) s += "<th class=\"item\">" + markup_escape(id) + "</th>";
    s += "<th>Report</th><th>Details</th></tr></thead><tbody>\n";
    for (const auto& r : sum.rows) {
      if (r.entry.exercise != ex) continue;
      std::string link;
      for (const auto& p : r.reports)
        if (p.extension() == ".html") link = fs::path(p).lexically_relative(out_dir).string();
      s += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td data-sort=\"{}\">{}</td>",
                       markup_escape(r.entry.candidate), r.verdict_name == "passed" ? "ok" : "bad",
                       markup_escape(r.verdict_name), r.max_score ? r.score * 1000 / r.max_score : -1,
                       score_text(r));
      for (const auto& id : ids) {
        auto it = std::find_if(r.items.begin(), r.items.end(), [&](const auto& p) { return p.first == id; });
        const std::string v = it == r.items.end() ? "" : it->second;
        const char* cls = v == "passed" ? "ok" : v == "skipped" || v == "inconclusive" || v.empty() ? "skip" : "bad";
        s += fmt::format("<td class=\"item {}\" title=\"{}\">{}</td>", cls, markup_escape(v),
                         v == "passed" ? "✓" : v.empty() ? "" : v == "skipped" ? "–" : "✗");
      }
      const std::string detail = r.message.size() > 80 && r.status == "error"
                                     ? fmt::format("<details><summary>{}…</summary>{}</details>",
                                                   markup_escape(r.message.substr(0, 60)), markup_escape(r.message))
                                     : markup_escape(r.message);
      s += fmt::format("<td>{}</td><td>{}</td></tr>\n",
                       link.empty() ? "" : fmt::format("<a href=\"{}\">scorecard</a>", markup_escape(link)), detail);
    }
    s += "</tbody>";
    if (!ids.empty()) {
      // Per item: how many of the candidates who were graded on it passed it.
      s += "<tfoot><tr><td colspan=\"3\">passed by</td>";
      for (const auto& id : ids) {
        int of = 0, ok = 0;
        for (const auto& r : sum.rows)
          for (const auto& [item, v] : r.items)
            if (r.entry.exercise == ex && item == id && v != "skipped") {
              ++of;
              ok += v == "passed";
            }
        s += fmt::format("<td class=\"item\" title=\"{} of {} passed {}\">{}/{}</td>", ok, of, markup_escape(id), ok, of);
      }
      s += "<td></td><td></td></tr></tfoot>";
    }
    s += "</table>\n";
  }
  // Click a column's heading to sort by it (again: the other way).
  s += "<script>document.querySelectorAll('table.sortable thead th').forEach(th=>th.addEventListener('click',()=>{"
       "const i=th.cellIndex,tb=th.closest('table').tBodies[0],up=th.dataset.dir!=='up';th.dataset.dir=up?'up':'down';"
       "const key=td=>td.dataset.sort!==undefined?Number(td.dataset.sort):td.textContent;"
       "[...tb.rows].sort((a,b)=>{const x=key(a.cells[i]),y=key(b.cells[i]);return (x<y?-1:x>y?1:0)*(up?1:-1);})"
       ".forEach(r=>tb.appendChild(r));}));</script>\n";
  return s + "</body></html>\n";
}

void write_batch_summary(const batch_summary& s, const fs::path& out_dir) {
  write_file_atomically(out_dir / "summary.json", batch_summary_json(s));
  write_file_atomically(out_dir / "summary.md", batch_summary_markdown(s));
  write_file_atomically(out_dir / "summary.csv", batch_summary_csv(s));
  write_file_atomically(out_dir / "index.html", batch_summary_html(s, out_dir));
}

}  // namespace gograde
