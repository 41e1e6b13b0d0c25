#pragma once
/// A batch split into shards, each graded by its own machine or job (a Slurm
/// job array, a Kubernetes Indexed Job, a CI matrix), all writing into one
/// shared output directory (or each into its own, merged afterwards).
///
/// The first shard to start records the batch's plan in `OUT/batch.json`:
/// which submissions there are, which shard grades each, and the exercise
/// sets they are graded against (name, commit, a fingerprint of the
/// exercises' files). Every later shard grades the recorded plan, and refuses
/// to start when it would grade against other sets (an update mid-round) or
/// with another shard count. Each shard writes its rows to
/// `OUT/shards/shard-K-of-N.json` (atomically; temporary names carry the
/// machine, see process_tag), and `merge_batches` joins them into the one
/// summary, saying what is missing and what was graded twice differently.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch.hpp"

namespace gograde {

/// Which shard this process grades, and how that was decided (for messages).
struct shard_spec {
  int index = 1, count = 1;
  std::string source;
};

using env_fn = std::function<const char*(const char*)>;

/// `K/N`, or `auto`: from a Slurm job array (task SLURM_ARRAY_TASK_ID of
/// SLURM_ARRAY_TASK_COUNT, counted from SLURM_ARRAY_TASK_MIN by
/// SLURM_ARRAY_TASK_STEP) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX,
/// 0-based, with the count from `count` or GOGRADE_SHARD_COUNT). `count`
/// (0: not given) must agree with an explicit K/N. config_error, saying what
/// was looked for, when nothing fits.
shard_spec resolve_shard(const std::string& spec, int count, const env_fn& env = std::getenv);

/// Which sets a batch grades against, and what each pins.
std::vector<set_pin> pin_sets(const catalog& sets, const std::vector<batch_entry>& entries);

struct batch_plan {
  fs::path source;  // the submissions directory, as this machine sees it
  int shards = 1;
  std::string created;  // UTC, ISO 8601
  std::vector<batch_entry> entries;
  std::vector<int> shard_of;  // 1-based, parallel to entries
  std::vector<set_pin> sets;

  /// The entries shard `k` grades, in entry order.
  std::vector<batch_entry> entries_of(int k) const;
};

/// Deals the entries out: by exercise, then candidate, round robin, so each
/// shard gets as many submissions of each exercise as any other (give or
/// take one) and as many in all.
batch_plan make_plan(const fs::path& source, const std::vector<batch_entry>& entries, int shards,
                     std::vector<set_pin> sets);

/// The split as a table: per shard, how many submissions of each exercise.
std::string plan_text(const batch_plan& p);

/// The plan as JSON ("gograde.batch-plan/1"; submissions relative to its
/// source), and back, with the submissions under `source` (nullopt when malformed).
std::string plan_json(const batch_plan& p);
std::optional<batch_plan> plan_from_json(const std::string& text, const fs::path& source);

/// Joins a shard to the batch in `out_dir` and returns the plan in force.
/// One shard (count 1) records its own plan. A shard of N records `mine`
/// when no plan is recorded (exclusively: of two shards starting at once,
/// one records and the other checks), else checks that the recorded plan
/// has N shards and the same sets (config_error saying what differs and
/// what to do); the recorded plan wins. `notes` gets what a shard should
/// know (submissions that arrived after the plan was recorded).
batch_plan join_batch(const fs::path& out_dir, const batch_plan& mine, std::vector<std::string>& notes);

/// Writes `out_dir/shards/shard-K-of-N.json`: the rows, the plan's sets,
/// the machine, when it started and ended.
void write_shard_summary(const fs::path& out_dir, const batch_plan& plan, int index, const std::vector<batch_row>& rows,
                         const std::string& started);

/// Joins the results found in `dirs` (batch output directories: their shard
/// summaries, or the summary of a batch that was not split): one row per
/// submission, sorted; `problems` lists shards with no summary, planned
/// submissions with no row, submissions graded twice with different
/// results, and sets graded at different commits. Rows graded twice alike
/// count once. config_error when a directory holds no results at all.
batch_summary merge_batches(const std::vector<fs::path>& dirs);

/// Whether every shard of the plan recorded in `out_dir` has written its summary.
bool all_shards_done(const fs::path& out_dir);

}  // namespace gograde
