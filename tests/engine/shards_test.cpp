#include "engine/shards.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

#include "engine/files.hpp"

using namespace gograde;

namespace {

env_fn env_of(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

std::string config_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("gograde-shards-test-" + std::to_string(::getpid()));
  temp_dir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() { fs::remove_all(path); }
};

std::vector<batch_entry> entries_of(const fs::path& source, int candidates, const std::vector<std::string>& exercises) {
  std::vector<batch_entry> v;
  for (int c = 0; c < candidates; ++c)
    for (const auto& ex : exercises) {
      const std::string name = fmt::format("cand{:02}", c);
      v.push_back({name, ex, source / name / ex, {}});
    }
  return v;
}

batch_row row_for(const batch_entry& e, const std::string& verdict, int score) {
  batch_row r;
  r.entry = e;
  r.status = "graded";
  r.verdict_name = verdict;
  r.score = score;
  r.max_score = 10;
  r.items = {{"functional", verdict == "passed" ? "passed" : "failed"}};
  if (verdict != "passed") r.message = "functional";
  return r;
}

const set_pin kSetA{"builtin", "1.0", "", "", "aaaa"};
const set_pin kSetB{"builtin", "1.0", "", "", "bbbb"};

// Grades a plan's shard k: every entry passes with a score from its name.
void grade_shard(const fs::path& out, const batch_plan& plan, int k, const std::string& verdict = "passed") {
  std::vector<batch_row> rows;
  for (const auto& e : plan.entries_of(k)) rows.push_back(row_for(e, verdict, verdict == "passed" ? 10 : 3));
  write_shard_summary(out, plan, k, rows, utc_now());
}

}  // namespace

TEST_CASE("A shard given as K/N is taken as written and checked", "[shards]") {
  const auto none = env_of({});
  const shard_spec s = resolve_shard("2/5", 0, none);
  CHECK(s.index == 2);
  CHECK(s.count == 5);
  CHECK(resolve_shard("3/3", 3, none).index == 3);
  for (const char* bad : {"0/2", "3/2", "2", "a/b", "1/", "/2", "-1/2", "1/0", "1/2x", ""})
    CHECK_THAT(config_message([&] { resolve_shard(bad, 0, none); }), Catch::Contains("expected K/N"));
  CHECK_THAT(config_message([&] { resolve_shard("1/4", 3, none); }), Catch::Contains("disagree"));
}

TEST_CASE("Shard auto reads a Slurm job array's task", "[shards]") {
  // sbatch --array=5-8: task 7 is the third of four.
  const shard_spec s = resolve_shard(
      "auto", 0, env_of({{"SLURM_ARRAY_TASK_ID", "7"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
  CHECK(s.index == 3);
  CHECK(s.count == 4);
  CHECK_THAT(s.source, Catch::Contains("Slurm") && Catch::Contains("SLURM_ARRAY_TASK_ID=7"));
  // --array=0-9:3 (tasks 0, 3, 6, 9): task 6 is the third of four.
  const shard_spec stepped = resolve_shard("auto", 0,
                                           env_of({{"SLURM_ARRAY_TASK_ID", "6"}, {"SLURM_ARRAY_TASK_MIN", "0"},
                                                   {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_STEP", "3"}}));
  CHECK(stepped.index == 3);
  CHECK(stepped.count == 4);
  // A count given on the command line wins over the array's.
  CHECK(resolve_shard("auto", 6,
                      env_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "1"}}))
            .count == 6);
  // A job that is not an array task, or an index past the count: said plainly.
  CHECK_THAT(config_message([] { resolve_shard("auto", 0, env_of({{"SLURM_ARRAY_TASK_ID", "2"}})); }),
             Catch::Contains("SLURM_ARRAY_TASK_MIN=(unset)"));
  CHECK_THAT(config_message([] {
               resolve_shard("auto", 2,
                             env_of({{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_MIN", "1"},
                                     {"SLURM_ARRAY_TASK_COUNT", "4"}}));
             }),
             Catch::Contains("not one of 2 shard(s)"));
}

TEST_CASE("Shard auto reads a Kubernetes Indexed Job's completion index", "[shards]") {
  const shard_spec s = resolve_shard("auto", 8, env_of({{"JOB_COMPLETION_INDEX", "0"}}));
  CHECK(s.index == 1);
  CHECK(s.count == 8);
  CHECK(resolve_shard("auto", 0, env_of({{"JOB_COMPLETION_INDEX", "7"}, {"GOGRADE_SHARD_COUNT", "8"}})).index == 8);
  CHECK_THAT(config_message([] { resolve_shard("auto", 0, env_of({{"JOB_COMPLETION_INDEX", "3"}})); }),
             Catch::Contains("--shard-count N") && Catch::Contains("GOGRADE_SHARD_COUNT"));
  CHECK_THAT(config_message([] { resolve_shard("auto", 0, env_of({{"JOB_COMPLETION_INDEX", "8"}, {"GOGRADE_SHARD_COUNT", "8"}})); }),
             Catch::Contains("not one of 8"));
}

TEST_CASE("Shard auto outside a scheduler says what it looked for", "[shards]") {
  const std::string m = config_message([] { resolve_shard("auto", 0, env_of({})); });
  CHECK_THAT(m, Catch::Contains("SLURM_ARRAY_TASK_ID") && Catch::Contains("JOB_COMPLETION_INDEX") &&
                    Catch::Contains("--shard K/N"));
}

TEST_CASE("A plan deals every submission to one shard, balanced per exercise", "[shards]") {
  const auto entries = entries_of("/subs", 7, {"json", "reverse", "safe-counter"});
  for (int n : {1, 2, 3, 4, 7, 30}) {
    const batch_plan p = make_plan("/subs", entries, n, {kSetA});
    REQUIRE(p.shard_of.size() == entries.size());
    std::map<int, int> total;
    std::map<std::pair<int, std::string>, int> per_exercise;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      CHECK(p.shard_of[i] >= 1);
      CHECK(p.shard_of[i] <= n);
      ++total[p.shard_of[i]];
      ++per_exercise[{p.shard_of[i], entries[i].exercise}];
    }
    std::size_t covered = 0;
    int lo = 1 << 30, hi = 0;
    for (int k = 1; k <= n; ++k) {
      covered += p.entries_of(k).size();
      lo = std::min(lo, total[k]);
      hi = std::max(hi, total[k]);
      for (const std::string ex : {"json", "reverse", "safe-counter"})
        CHECK(per_exercise[{k, ex}] <= 7 / n + 1);
    }
    CHECK(covered == entries.size());
    CHECK(hi - lo <= 1);
    // The same inputs, the same plan (each machine computes it alike).
    CHECK(make_plan("/subs", entries, n, {kSetA}).shard_of == p.shard_of);
  }
  const std::string text = plan_text(make_plan("/subs", entries, 3, {kSetA}));
  CHECK_THAT(text, Catch::Contains("21 submission(s) of 7 candidate(s) in 3 shard(s)") &&
                       Catch::Contains("shard 2/3: 7 submission(s) (") && Catch::Contains("graded against set builtin 1.0"));
}

TEST_CASE("The first shard records the plan, the others grade it or refuse", "[shards]") {
  temp_dir t;
  const fs::path out = t.path / "out";
  const auto entries = entries_of("/here/subs", 5, {"reverse"});
  std::vector<std::string> notes;
  const batch_plan first = join_batch(out, make_plan("/here/subs", entries, 3, {kSetA}), notes);
  CHECK(notes.empty());
  CHECK(fs::exists(out / "batch.json"));

  // Another machine sees the submissions elsewhere, and one more arrived.
  auto later = entries_of("/mnt/subs", 6, {"reverse"});
  const batch_plan joined = join_batch(out, make_plan("/mnt/subs", later, 3, {kSetA}), notes);
  CHECK(joined.entries.size() == 5);
  CHECK(joined.shard_of == first.shard_of);
  CHECK(joined.entries.front().submission == fs::path("/mnt/subs/cand00/reverse"));
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes.front(), Catch::Contains("cand05/reverse") && Catch::Contains("not part of it"));

  // Another version of the set, or another split: refused, saying what to do.
  CHECK_THAT(config_message([&] { join_batch(out, make_plan("/here/subs", entries, 3, {kSetB}), notes); }),
             Catch::Contains("files aaaa") && Catch::Contains("files bbbb") && Catch::Contains("same version"));
  set_pin with_commit = kSetB;
  with_commit.commit = "0123456789abcdef0123";
  CHECK_THAT(config_message([&] { join_batch(out, make_plan("/here/subs", entries, 3, {with_commit}), notes); }),
             Catch::Contains("@ 0123456789ab"));
  CHECK_THAT(config_message([&] { join_batch(out, make_plan("/here/subs", entries, 2, {kSetA}), notes); }),
             Catch::Contains("planned in 3 shard(s)") && Catch::Contains("scontrol requeue"));

  // A plan file that is not one: refused, not trusted; nor one whose paths leave the directory.
  write_file_atomically(out / "batch.json", "{\"schema\": \"gograde.batch-plan/1\", \"shards\": \"x\"}");
  CHECK_THAT(config_message([&] { join_batch(out, make_plan("/here/subs", entries, 3, {kSetA}), notes); }),
             Catch::Contains("not a batch plan"));
  std::string escaping = plan_json(first);
  replace_all(escaping, "\"cand00/reverse\"", "\"../../etc\"");
  CHECK_FALSE(plan_from_json(escaping, "/x").has_value());
  CHECK(plan_from_json(plan_json(first), "/x").has_value());
}

TEST_CASE("Merging shards gives one summary, and says what is missing or differs", "[shards]") {
  temp_dir t;
  const fs::path out = t.path / "out";
  const auto entries = entries_of(t.path / "subs", 6, {"reverse", "safe-counter"});
  std::vector<std::string> notes;
  const batch_plan plan = join_batch(out, make_plan(t.path / "subs", entries, 3, {kSetA}), notes);

  grade_shard(out, plan, 1);
  grade_shard(out, plan, 3);
  CHECK_FALSE(all_shards_done(out));
  batch_summary partial = merge_batches({out});
  CHECK(partial.rows.size() == 8);
  REQUIRE_FALSE(partial.problems.empty());
  CHECK_THAT(partial.problems.front(), Catch::Contains("shard 2/3 wrote no summary"));
  int not_graded = 0;
  for (const auto& p : partial.problems) not_graded += p.find("planned for shard 2/3 but not graded") != std::string::npos;
  CHECK(not_graded == 4);

  grade_shard(out, plan, 2);
  CHECK(all_shards_done(out));
  const batch_summary merged = merge_batches({out});
  CHECK(merged.problems.empty());
  REQUIRE(merged.rows.size() == 12);
  CHECK(merged.shards == 3);
  CHECK(merged.rows.front().entry.candidate == "cand00");
  CHECK(merged.rows.front().entry.exercise == "reverse");
  CHECK(merged.rows.back().entry.candidate == "cand05");
  CHECK(merged.rows.front().entry.submission == fs::path("cand00/reverse"));

  // A shard graded again alike (a resumed rerun) is no problem; graded
  // differently elsewhere (another directory, another set) is.
  grade_shard(out, plan, 2);
  CHECK(merge_batches({out}).problems.empty());
  const fs::path other = t.path / "other";
  const batch_plan plan_b = join_batch(other, make_plan(t.path / "subs", entries, 3, {kSetB}), notes);
  grade_shard(other, plan_b, 1, "failed");
  grade_shard(other, plan_b, 2, "failed");
  grade_shard(other, plan_b, 3, "failed");
  const batch_summary both = merge_batches({out, other});
  CHECK(both.rows.size() == 12);
  std::string all;
  for (const auto& p : both.problems) all += p + "\n";
  CHECK_THAT(all, Catch::Contains("cand03 safe-counter was graded 2 times with different results: passed 10/10") &&
                      Catch::Contains("failed 3/10") && Catch::Contains("set builtin was graded at 2 versions"));

  // Submissions as a shard's graders name them (absolute) under a plan made
  // from a relative directory: recorded relative to it all the same.
  const fs::path rel_out = t.path / "rel";
  const batch_plan rel_plan = join_batch(rel_out, make_plan("subs", entries_of("subs", 1, {"reverse"}), 2, {kSetA}), notes);
  batch_row abs_row = row_for(rel_plan.entries.front(), "passed", 10);
  abs_row.entry.submission = fs::absolute(abs_row.entry.submission);
  write_shard_summary(rel_out, rel_plan, rel_plan.shard_of.front(), {abs_row}, utc_now());
  CHECK(merge_batches({rel_out}).rows.front().entry.submission == fs::path("cand00/reverse"));

  // A directory without results is an error, not an empty summary.
  fs::create_directories(t.path / "empty");
  CHECK_THAT(config_message([&] { merge_batches({t.path / "empty"}); }), Catch::Contains("no batch results here"));
}

TEST_CASE("Shards of a CI matrix, each in its own directory, merge complete", "[shards]") {
  temp_dir t;
  const auto entries = entries_of(t.path / "subs", 5, {"reverse"});
  std::vector<std::string> notes;
  std::vector<fs::path> dirs;
  for (int k = 1; k <= 3; ++k) {
    dirs.push_back(t.path / fmt::format("artifact-{}", k));
    const batch_plan p = join_batch(dirs.back(), make_plan(t.path / "subs", entries, 3, {kSetA}), notes);
    grade_shard(dirs.back(), p, k);
  }
  const batch_summary s = merge_batches(dirs);
  CHECK(s.problems.empty());
  CHECK(s.rows.size() == 5);
  dirs.pop_back();
  CHECK_THAT(merge_batches(dirs).problems.front(), Catch::Contains("shard 3/3 wrote no summary"));
}

TEST_CASE("The summary's CSV holds what two grades of the same inputs share, quoted", "[shards]") {
  batch_summary s;
  s.rows.push_back(row_for({"o\"brien, jr", "reverse", "/x", {}}, "failed", 3));
  batch_row err;
  err.entry = {"zed", "?", "/z", "no exercise"};
  err.status = "error";
  err.verdict_name = "error";
  err.message = "no exercise's files found here\nsecond line";
  err.wall = std::chrono::milliseconds(1234);
  s.rows.push_back(err);
  CHECK(batch_summary_csv(s) ==
        "candidate,exercise,verdict,score,max_score,first_failed\n"
        "\"o\"\"brien, jr\",reverse,failed,3,10,functional\n"
        "zed,?,error,,,\"no exercise's files found here\nsecond line\"\n");
  s.generated = "2026-12-05T10:00:00Z";
  s.sets = {kSetA};
  const std::string html = batch_summary_html(s, "/out");
  CHECK_THAT(html, Catch::Contains("Generated 2026-12-05T10:00:00Z") && Catch::Contains("1 failed, 1 error") &&
                       Catch::Contains("<th class=\"item\">functional</th>") && Catch::Contains("o&quot;brien, jr"));
  CHECK_THAT(batch_summary_json(s), Catch::Contains("\"totals\": {") && Catch::Contains("\"failed\": 1"));
  // Per exercise: how many passed, the spread of scores, each item's pass rate.
  s.rows.push_back(row_for({"ann", "reverse", "/a", {}}, "passed", 10));
  s.rows.push_back(row_for({"bo", "reverse", "/b", {}}, "failed", 5));
  const std::string index = batch_summary_html(s, "/out");
  CHECK_THAT(index, Catch::Contains("3 submission(s) · 1 passed · scores 30% to 100%, median 50%") &&
                        Catch::Contains(">1/3</td>") && Catch::Contains("Not graded (no exercise found)"));
}

TEST_CASE("The batch index: the golden page of two exercises a browser sorts", "[shards]") {
  batch_summary s;
  s.generated = "2026-12-05T10:00:00Z";
  s.sets = {kSetA};
  const char* verdicts[] = {"passed", "failed", "data_race", "passed", "deadlock", "failed", "passed"};
  const int scores[] = {10, 3, 6, 10, 0, 7, 10};
  for (int c = 0; c < 7; ++c) {
    batch_row r = row_for({fmt::format("candidate-{}", (c * 5) % 7), c % 2 ? "worker-pool" : "safe-counter",
                           fmt::format("/subs/{}", c), {}},
                          verdicts[c], scores[c]);
    r.items.push_back({"no-race", verdicts[c] == std::string("data_race") ? "data_race" : "passed"});
    r.reports = {fmt::format("/out/candidate-{}/report.html", c)};
    s.rows.push_back(r);
  }
  batch_row err;
  err.entry = {"zed", "?", "/subs/zed", "no exercise"};
  err.status = "error";
  err.verdict_name = "error";
  err.message = "no exercise's files found here: expected counter.hpp (safe-counter) or pool.hpp (worker-pool), "
                "or name the exercise with --exercise";
  s.rows.push_back(err);
  const std::string html = batch_summary_html(s, "/out");
  const fs::path golden = fs::path(GOGRADE_SOURCE_DIR) / "tests" / "engine" / "golden" / "batch_index.html";
  if (const char* u = std::getenv("GOGRADE_UPDATE_GOLDEN"); u && std::string(u) == "1") std::ofstream(golden) << html;
  std::ifstream in(golden);
  const std::string want((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(html == want);
  // Each table sorts by the clicked column of its own (cellIndex, not the
  // heading's place among every table's headings).
  CHECK_THAT(html, Catch::Contains("const i=th.cellIndex"));
}
