#pragma once
/// Reports of a grade, one function per format. All are pure functions of
/// the grade_result (no clock, no file access), so the same grade always
/// gives the same bytes: tests compare them with golden files.
///
/// - text: the terminal scorecard (ANSI colours when `color`).
/// - json: schema "gograde.grade/1", documented in the README.
/// - junit: JUnit XML, one testcase per rubric item (CI dashboards).
/// - markdown: a scorecard for a pull request or an issue.
/// - html: one self-contained page (inline CSS and SVG, no external asset):
///   scorecard, evidence, source excerpts of racing lines, fiber dumps, and
///   an SVG timeline of each run's timed events (gograde::check::event).
/// - gradescope: Gradescope's autograder results.json.
/// - exercism: Exercism's test runner results.json, version 3.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/grade.hpp"

namespace gograde {

/// `color`: ANSI colours (a terminal). `verbose`: every run, not only failures.
std::string to_text(const grade_result& g, bool color, bool verbose = false);

/// A grade in one line, for a status display: the verdict, what passed and
/// the first failure's first line, e.g. "safe-counter: failed — 1 of 2
/// passed; Visible tests: \"A new counter is zero\": visible_test.cpp:12:
/// CHECK( c.Value() == 0 )". At most `width` characters (whole code points).
std::string status_line(const grade_result& g, std::size_t width = 160);

/// Evidence with repeated fibers collapsed: paragraphs of a dump that differ
/// only in the fiber's number and name show once, with the others named
/// ("(and 98 more fiber(s) in the same place: goroutine 8, 9, ...)").
std::string collapse_repeats(const std::string& evidence);

/// The set an exercise came from, in one line: name, version, commit, the ref
/// it follows and its URL ("" for an exercise of no named set).
std::string set_line(const set_origin& o);

/// How to rerun a run exactly (its replay command), or why it cannot be
/// ("not possible: ..."), or nothing for a run that was not seeded.
std::string replay_text(const run_outcome& r);

/// What an item's exploration-build runs covered, for the reader to weigh a
/// pass: "explored 8 random-walk seed(s) and 4 PCT seed(s) (pct:d=2,steps=200)
/// with a scheduling point at every memory access: no failure", then a line
/// per depth-first search ("explore build searched all 1,184 schedules with
/// at most 2 preemptions, 3 distinct outcomes judged: no failure"). Empty
/// for an item without them.
std::string explored_text(const item_outcome& it);
nlohmann::json to_json(const grade_result& g);
std::string to_junit(const grade_result& g);
std::string to_markdown(const grade_result& g);
std::string to_html(const grade_result& g);
nlohmann::json to_gradescope(const grade_result& g);
nlohmann::json to_exercism(const grade_result& g);

/// `s` safe as XML or HTML text or attribute value: & < > " ' escaped,
/// control characters XML 1.0 forbids replaced by '?'.
std::string markup_escape(const std::string& s);

/// Untrusted words (a program's) made safe to print anywhere: letters,
/// digits, spaces and ,.;:'()/+- kept, anything else (terminal escapes,
/// markup, line breaks) replaced by '?', cut to `max` characters.
std::string plain_words(const std::string& s, std::size_t max);

/// The formats render() knows, in the order --help lists them.
const std::vector<std::string>& report_formats();
/// The report in `format` (one of report_formats()), as the bytes to write.
/// `verbose`: the text report lists every run, with its command and what the
/// program printed (other formats always hold everything).
std::string render(const grade_result& g, const std::string& format, bool color = false, bool verbose = false);
/// The file name suffix for a format: "txt", "json", "junit.xml", "md",
/// "html", "gradescope.json", "exercism.json".
std::string report_extension(const std::string& format);

}  // namespace gograde
