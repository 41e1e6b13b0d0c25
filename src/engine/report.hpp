#pragma once
/// Reports of a grade: terminal text and JSON.
///
/// JSON schema "gograde.grade/1" (documented in the README): exercise,
/// title, submission, verdict, score, max_score, wall_ms, build_log, and
/// items[] {id, title, points, awarded, verdict, runs[] {config, build,
/// verdict, evidence, replay, wall_ms, tests[] {name, passed, outcome}}}.

#include <nlohmann/json.hpp>
#include <string>

#include "engine/grade.hpp"

namespace gograde {

/// `color`: ANSI colours (a terminal). `verbose`: every run, not only failures.
std::string to_text(const grade_result& g, bool color, bool verbose = false);
nlohmann::json to_json(const grade_result& g);

}  // namespace gograde
