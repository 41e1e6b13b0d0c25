#pragma once
// Proving an exercise sound (gograde validate): its reference passes with
// full marks, and each mutant gets the verdict its mutant.toml expects,
// overall and on every rubric item it names.

#include <functional>
#include <string>
#include <vector>

#include "engine/build.hpp"
#include "engine/exercise.hpp"
#include "engine/grade.hpp"

namespace gograde {

struct validation_row {
  std::string exercise, submission;  // submission: "reference" or the mutant's name
  std::string expected;              // the verdict it must get
  grade_result result;
  bool ok = false;
  std::vector<std::string> off;  // items off their expected verdicts: "id: expected X, got Y"
};

/// The rule: a reference must pass with every point; a mutant must get its
/// expected verdict overall and each item it names its verdict. Fills
/// row.ok and row.off from row.result.
void judge_validation(validation_row& row, const std::vector<std::pair<std::string, std::string>>& items = {});

/// Grades the reference and every mutant of each exercise, `jobs` at once
/// (0: as many as this process may use CPUs; their runs share the process's
/// cpu_pool); `on_row` sees the rows in order (each exercise's reference,
/// then its mutants), each as soon as it and every row before it is graded.
std::vector<validation_row> validate(builder& b, const std::vector<exercise>& exercises,
                                     const std::function<void(const validation_row&)>& on_row = nullptr, int jobs = 0);

}  // namespace gograde
