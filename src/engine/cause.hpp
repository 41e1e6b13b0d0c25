#pragma once
/// Grouping failing runs by cause: one bug usually fails many runs of many
/// items (a panic in the pool fails every item that starts one). A report
/// shows each cause once, with how many runs and items it accounts for, and
/// one representative run in full. Pure functions of a grade's outcome.
///
/// Two runs share a cause when they have the same verdict and the same
/// candidate code behind it: the lines a race report or a fiber dump points
/// at in the submission (excerpts), the panicking call's message and line,
/// or, for a failed check, the test and the check that failed.

#include <cstddef>
#include <string>
#include <vector>

#include "engine/grade.hpp"

namespace gograde {

struct cause {
  verdict v = verdict::passed;
  std::string headline;  ///< one line, what a person recognises the bug by
  std::string key;       ///< equal keys: the same cause
};

/// The cause of one failing run (a passed or skipped run has none: empty key).
cause cause_of(const run_outcome& r);

struct cause_group {
  cause c;
  int runs = 0;
  std::vector<std::string> items;  ///< item ids, in rubric order
  std::size_t item = 0, run = 0;   ///< the representative: g.items[item].runs[run]
};

/// Every distinct cause of the grade's failing runs, in the order first met.
std::vector<cause_group> group_causes(const grade_result& g);

/// Whether a causes summary says anything: more than one failing run.
bool worth_summarising(const std::vector<cause_group>& groups);

/// The group `r` belongs to (npos when it has no cause).
std::size_t group_of(const std::vector<cause_group>& groups, const run_outcome& r);

}  // namespace gograde
