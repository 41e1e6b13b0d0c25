#pragma once
/// Grading a directory of submissions: one report per (candidate, exercise),
/// a summary table, resumable, sharded across machines (see shards.hpp).
///
/// Layout of the batch directory: one subdirectory per candidate, holding
/// either the files of one exercise (which exercise: --exercise, or the one
/// whose candidate files are all present) or one subdirectory per exercise,
/// named by its slug (or set/slug, nested, when several sets have the slug). Reports go to `out_dir/<candidate>/<slug>.<ext>` and
/// the summary to `out_dir/summary.{json,md}` and `out_dir/index.html`.
///
/// A submission is skipped when its JSON report exists with the same input
/// hash (submission files and exercise tests unchanged), unless `force`. One
/// bad submission never stops the batch: its row says what went wrong.

#include <chrono>
#include <nlohmann/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/catalog.hpp"
#include "engine/grade.hpp"

namespace gograde {

struct batch_entry {
  std::string candidate, exercise;
  fs::path submission;
  std::string problem;  // set when the entry cannot be graded (which exercise?)
};

struct batch_options {
  const catalog* sets = nullptr;  // where exercises are looked up (required)
  std::string exercise;  // for candidates holding one exercise's files; empty: detect
  int jobs = 1;
  bool force = false;
  fs::path out_dir;
  std::vector<std::string> formats{"json", "html"};  // json is always written
  grade_options grading;
  /// When set, each entry is graded in a child process running the command
  /// this returns for it; the child prints its row (row_json) on a line
  /// starting with kRowMarker. A child that crashes, hangs past
  /// `entry_timeout` or prints no row costs that entry alone: its row is an
  /// internal_error and the batch goes on.
  std::function<std::vector<std::string>(const batch_entry&)> isolate;
  std::chrono::milliseconds entry_timeout{std::chrono::hours(2)};
};

/// The line prefix of a row printed by an isolated grading process.
inline constexpr const char* kRowMarker = "gograde-row: ";

struct batch_row {
  batch_entry entry;
  std::string status;  // graded | resumed | error
  std::string verdict_name;  // a verdict, or "error" when not graded
  int score = 0, max_score = 0;
  std::chrono::milliseconds wall{0};
  std::string message;   // error text, or the first failing item's id
  std::vector<fs::path> reports;
  std::vector<std::pair<std::string, std::string>> items;  // (item id, verdict), in rubric order
};

/// An exercise set a batch was graded against: what its manifest and origin
/// say, and a fingerprint of the files of its exercises the batch grades
/// (see exercise_hash), which tells two versions apart when there is no commit.
struct set_pin {
  std::string name, version, url, commit, fingerprint;
};

/// What a batch's summary shows: its rows, and about the whole.
struct batch_summary {
  std::vector<batch_row> rows;
  std::vector<set_pin> sets;
  std::string generated;  // UTC, ISO 8601
  int shards = 1;
  std::vector<std::string> problems;  // what a merge found missing or in conflict
};

/// Set pins as JSON (name, version, url, commit, fingerprint), and back.
nlohmann::json set_pins_json(const std::vector<set_pin>& pins);
std::vector<set_pin> set_pins_from_json(const nlohmann::json& a);

/// Now, UTC, as 2026-12-05T19:04:05Z.
std::string utc_now();

/// The entries of a batch directory, sorted by candidate then exercise.
/// Throws config_error when `dir` is not a directory or `exercise` unknown.
std::vector<batch_entry> discover_batch(const fs::path& dir, const batch_options& opt);

/// Grades one entry in this process (resumed when its report is current).
batch_row grade_entry(builder& b, const batch_entry& e, const batch_options& opt);

/// A row as one line of JSON, and back (nullopt when malformed).
std::string row_json(const batch_row& r);
std::optional<batch_row> row_from_json(const std::string& line);

/// Grades the entries on `opt.jobs` threads; `on_row` is called (serialised)
/// as each finishes. Rows come back in entry order.
std::vector<batch_row> run_batch(builder& b, const std::vector<batch_entry>& entries, const batch_options& opt,
                                 const std::function<void(const batch_row&)>& on_row = nullptr);

/// The summary as text (a table), Markdown, JSON ("gograde.batch/1"), CSV
/// (one line per submission: candidate, exercise, verdict, score, max_score,
/// first_failed; nothing that changes between two grades of the same
/// inputs) and HTML (totals, then per exercise a table with a column per
/// rubric item, sortable).
std::string batch_summary_text(const batch_summary& s);
std::string batch_summary_markdown(const batch_summary& s);
std::string batch_summary_json(const batch_summary& s);
std::string batch_summary_csv(const batch_summary& s);
std::string batch_summary_html(const batch_summary& s, const fs::path& out_dir);

/// Writes summary.json, summary.md, summary.csv and index.html into `out_dir`.
void write_batch_summary(const batch_summary& s, const fs::path& out_dir);

}  // namespace gograde
