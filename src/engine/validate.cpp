#include "engine/validate.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/cpus.hpp"

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
                                     const std::function<void(const validation_row&)>& on_row, int jobs) {
  // Every submission to grade, in order: each exercise's reference, then its mutants.
  struct job {
    const exercise* ex;
    const mutant* m;  // null: the reference
  };
  std::vector<job> todo;
  for (const auto& ex : exercises) {
    todo.push_back({&ex, nullptr});
    for (const auto& m : ex.mutants) todo.push_back({&ex, &m});
  }
  std::vector<std::optional<validation_row>> done(todo.size());
  std::size_t shown = 0;  // rows given to on_row, in order
  std::mutex mu;
  std::atomic<std::size_t> next{0};
  std::exception_ptr first_error;
  auto worker = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < todo.size();) {
      try {
        const job& j = todo[k];
        validation_row row = j.m ? validation_row{j.ex->slug, j.m->name, j.m->expected, grade(b, *j.ex, j.m->dir, {}), false, {}}
                                 : validation_row{j.ex->slug, "reference", "passed",
                                                  grade(b, *j.ex, j.ex->reference_dir, {}), false, {}};
        if (j.m) judge_validation(row, j.m->items);
        else judge_validation(row);
        const std::lock_guard lock(mu);
        done[k] = std::move(row);
        for (; shown < done.size() && done[shown]; ++shown)
          if (on_row) on_row(*done[shown]);
      } catch (...) {
        const std::lock_guard lock(mu);
        if (!first_error) first_error = std::current_exception();
        next = todo.size();  // no new grades: the error ends the validation
      }
    }
  };
  const std::size_t width =
      std::min<std::size_t>(todo.size(), static_cast<std::size_t>(std::max(1, jobs > 0 ? jobs : usable_cpus())));
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < width; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
  std::vector<validation_row> rows;
  for (auto& r : done) rows.push_back(std::move(*r));
  return rows;
}

}  // namespace gograde
