#include "engine/validate.hpp"

#include <fmt/format.h>

namespace gograde {

void judge_validation(validation_row& row, const std::vector<std::pair<std::string, std::string>>& items) {
  const grade_result& r = row.result;
  row.off.clear();
  if (row.submission == "reference") {
    row.ok = r.overall == verdict::passed && r.score == r.max_score;
    return;
  }
  // Which items the bug costs: each item the mutant names must get its verdict.
  for (const auto& [id, v] : items) {
    bool found = false;
    for (const auto& io : r.items)
      if (io.item.id == id) {
        found = true;
        if (to_string(io.v) != v) row.off.push_back(fmt::format("{}: expected {}, got {}", id, v, to_string(io.v)));
      }
    if (!found) row.off.push_back(fmt::format("{}: expected {}, but the rubric has no such item", id, v));
  }
  const auto want = parse_verdict(row.expected);
  row.ok = want && r.overall == *want && row.off.empty();
}

std::vector<validation_row> validate(builder& b, const std::vector<exercise>& exercises,
                                     const std::function<void(const validation_row&)>& on_row) {
  std::vector<validation_row> rows;
  auto add = [&](validation_row row) {
    if (on_row) on_row(row);
    rows.push_back(std::move(row));
  };
  for (const auto& ex : exercises) {
    validation_row ref{ex.slug, "reference", "passed", grade(b, ex, ex.reference_dir, {}), false, {}};
    judge_validation(ref);
    add(std::move(ref));
    for (const auto& m : ex.mutants) {
      validation_row row{ex.slug, m.name, m.expected, grade(b, ex, m.dir, {}), false, {}};
      judge_validation(row, m.items);
      add(std::move(row));
    }
  }
  return rows;
}

}  // namespace gograde
