#include "engine/shards.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/build.hpp"
#include "engine/files.hpp"
#include "engine/grade.hpp"

namespace gograde {

namespace {

// A whole non-negative decimal number, or nullopt.
std::optional<long> number(const char* s) {
  if (!s || !*s) return std::nullopt;
  long v = 0;
  for (const char* p = s; *p; ++p) {
    if (*p < '0' || *p > '9' || v > 100'000'000) return std::nullopt;
    v = v * 10 + (*p - '0');
  }
  return v;
}

constexpr int kMaxShards = 100'000;

}  // namespace

shard_spec resolve_shard(const std::string& spec, int count, const env_fn& env) {
  shard_spec s;
  if (spec != "auto") {
    const auto slash = spec.find('/');
    const auto k = slash == std::string::npos ? std::nullopt : number(spec.substr(0, slash).c_str());
    const auto n = slash == std::string::npos ? std::nullopt : number(spec.substr(slash + 1).c_str());
    if (!k || !n || *n < 1 || *k < 1 || *k > *n || *n > kMaxShards)
      throw config_error("--shard " + spec + ": expected K/N with 1 <= K <= N, or auto");
    if (count > 0 && count != *n)
      throw config_error(fmt::format("--shard {} and --shard-count {} disagree on the number of shards", spec, count));
    return {static_cast<int>(*k), static_cast<int>(*n), "--shard " + spec};
  }
  if (const char* id = env("SLURM_ARRAY_TASK_ID")) {
    const auto tid = number(id), tmin = number(env("SLURM_ARRAY_TASK_MIN")), tcount = number(env("SLURM_ARRAY_TASK_COUNT"));
    const char* step_text = env("SLURM_ARRAY_TASK_STEP");
    const auto step = step_text ? number(step_text) : std::optional<long>(1);
    if (!tid || !tmin || !step || *step < 1 || *tid < *tmin || (*tid - *tmin) % *step != 0 || (!tcount && count <= 0))
      throw config_error(fmt::format(
          "--shard auto: SLURM_ARRAY_TASK_ID={} is set but SLURM_ARRAY_TASK_MIN={}, SLURM_ARRAY_TASK_COUNT={} and "
          "SLURM_ARRAY_TASK_STEP={} do not give a shard (a job array from `sbatch --array=1-N`)",
          id, env("SLURM_ARRAY_TASK_MIN") ? env("SLURM_ARRAY_TASK_MIN") : "(unset)",
          env("SLURM_ARRAY_TASK_COUNT") ? env("SLURM_ARRAY_TASK_COUNT") : "(unset)", step_text ? step_text : "(unset)"));
    s.index = static_cast<int>((*tid - *tmin) / *step + 1);
    s.count = count > 0 ? count : static_cast<int>(*tcount);
    s.source = fmt::format("Slurm array task {} (SLURM_ARRAY_TASK_ID={}, {} task(s) from {})", s.index, id,
                           tcount ? std::to_string(*tcount) : "?", *tmin);
  } else if (const char* k = env("JOB_COMPLETION_INDEX")) {
    const auto idx = number(k);
    const char* count_text = env("GOGRADE_SHARD_COUNT");
    const auto n = count > 0 ? std::optional<long>(count) : number(count_text);
    if (!idx)
      throw config_error(fmt::format("--shard auto: JOB_COMPLETION_INDEX={} is not a shard index", k));
    if (!n)
      throw config_error(fmt::format(
          "--shard auto: a Kubernetes Indexed Job (JOB_COMPLETION_INDEX={}) does not say how many shards there are: "
          "pass --shard-count N (the Job's completions) or set GOGRADE_SHARD_COUNT{}",
          k, count_text ? fmt::format(" (it is \"{}\", not a number)", count_text) : ""));
    s.index = static_cast<int>(*idx + 1);
    s.count = static_cast<int>(*n);
    s.source = fmt::format("Kubernetes completion index {} (JOB_COMPLETION_INDEX={})", s.index, k);
  } else {
    throw config_error(
        "--shard auto: no cluster scheduler's shard in the environment (looked for SLURM_ARRAY_TASK_ID of a Slurm "
        "job array, JOB_COMPLETION_INDEX of a Kubernetes Indexed Job); elsewhere (a CI matrix) pass --shard K/N");
  }
  if (s.count < 1 || s.count > kMaxShards || s.index < 1 || s.index > s.count)
    throw config_error(fmt::format("--shard auto: {} is not one of {} shard(s)", s.source, s.count));
  return s;
}

std::vector<set_pin> pin_sets(const catalog& sets, const std::vector<batch_entry>& entries) {
  // Per set: its origin, and (slug, exercise_hash) of each exercise graded.
  std::map<std::string, std::pair<set_origin, std::map<std::string, std::string>>> used;
  for (const auto& e : entries) {
    if (!e.problem.empty()) continue;
    const exercise ex = sets.load(e.exercise);
    auto& [origin, hashes] = used[ex.origin.name];
    origin = ex.origin;
    if (!hashes.count(ex.slug)) hashes[ex.slug] = exercise_hash(ex);
  }
  std::vector<set_pin> pins;
  for (const auto& [name, u] : used) {
    std::uint64_t h = hash_string(name);
    for (const auto& [slug, hash] : u.second) h = hash_string(slug + ":" + hash, h);
    pins.push_back({name, u.first.version, u.first.url, u.first.commit, fmt::format("{:016x}", h)});
  }
  return pins;
}

std::vector<batch_entry> batch_plan::entries_of(int k) const {
  std::vector<batch_entry> v;
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (shard_of[i] == k) v.push_back(entries[i]);
  return v;
}

batch_plan make_plan(const fs::path& source, const std::vector<batch_entry>& entries, int shards,
                     std::vector<set_pin> sets) {
  batch_plan p;
  p.source = source;
  p.shards = shards;
  p.created = utc_now();
  p.entries = entries;
  p.sets = std::move(sets);
  std::vector<std::size_t> order(entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(entries[a].exercise, entries[a].candidate) < std::tie(entries[b].exercise, entries[b].candidate);
  });
  p.shard_of.assign(entries.size(), 1);
  for (std::size_t k = 0; k < order.size(); ++k) p.shard_of[order[k]] = static_cast<int>(k % shards) + 1;
  return p;
}

std::string plan_text(const batch_plan& p) {
  std::set<std::string> candidates;
  std::map<std::string, int> per_exercise;
  for (const auto& e : p.entries) {
    candidates.insert(e.candidate);
    ++per_exercise[e.exercise];
  }
  std::string s = fmt::format("{} submission(s) of {} candidate(s) in {} shard(s):\n", p.entries.size(),
                              candidates.size(), p.shards);
  for (int k = 1; k <= p.shards; ++k) {
    std::map<std::string, int> mine;
    std::vector<std::string> names;
    for (const auto& e : p.entries_of(k)) {
      ++mine[e.exercise];
      names.push_back(e.candidate + "/" + e.exercise);
    }
    std::string counts;
    for (const auto& [ex, n] : mine) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, ex);
    s += fmt::format("  shard {}/{}: {} submission(s){}{}\n", k, p.shards, names.size(),
                     counts.empty() ? "" : " (" + counts + ")", names.empty() ? "" : ":");
    std::string line = "   ";
    for (const auto& n : names) {
      if (line.size() + n.size() > 100) {
        s += line + "\n";
        line = "   ";
      }
      line += " " + n;
    }
    if (!names.empty()) s += line + "\n";
  }
  for (const auto& pin : p.sets)
    s += fmt::format("graded against set {}{}{}\n", pin.name, pin.version.empty() ? "" : " " + pin.version,
                     pin.commit.empty() ? "" : " @ " + pin.commit.substr(0, 12));
  return s;
}

namespace {

std::string pin_text(const set_pin& p) {
  std::string s = p.name;
  if (!p.version.empty()) s += " " + p.version;
  s += p.commit.empty() ? " (files " + p.fingerprint + ")" : " @ " + p.commit.substr(0, 12);
  return s;
}

std::string pins_text(const std::vector<set_pin>& pins) {
  std::string s;
  for (const auto& p : pins) s += (s.empty() ? "" : ", ") + pin_text(p);
  return s.empty() ? "no set" : s;
}

bool same_sets(std::vector<set_pin> a, std::vector<set_pin> b) {
  auto key = [](const set_pin& p) { return std::tie(p.name, p.fingerprint); };
  auto less = [&](const set_pin& x, const set_pin& y) { return key(x) < key(y); };
  std::sort(a.begin(), a.end(), less);
  std::sort(b.begin(), b.end(), less);
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [&](const set_pin& x, const set_pin& y) { return key(x) == key(y); });
}

std::string entry_key(const batch_entry& e) { return e.candidate + "\n" + e.exercise; }

fs::path plan_path(const fs::path& out_dir) { return out_dir / "batch.json"; }

fs::path shard_file(const fs::path& out_dir, int k, int n) {
  return out_dir / "shards" / fmt::format("shard-{}-of-{}.json", k, n);
}

// Submissions are recorded relative to the submissions directory: each
// machine may see that directory at its own path.
nlohmann::json plan_object(const batch_plan& p, const fs::path& source) {
  nlohmann::json entries = nlohmann::json::array();
  for (std::size_t i = 0; i < p.entries.size(); ++i) {
    const auto& e = p.entries[i];
    entries.push_back({{"candidate", e.candidate}, {"exercise", e.exercise},
                       {"path", e.submission.lexically_relative(source).generic_string()}, {"problem", e.problem},
                       {"shard", p.shard_of[i]}});
  }
  return {{"schema", "gograde.batch-plan/1"}, {"created", p.created}, {"shards", p.shards},
          {"sets", set_pins_json(p.sets)}, {"entries", entries}};
}

std::optional<batch_plan> plan_from(const nlohmann::json& j, const fs::path& source) {
  if (!j.is_object() || j.value("schema", "") != "gograde.batch-plan/1") return std::nullopt;
  try {
    batch_plan p;
    p.shards = j.at("shards").get<int>();
    p.created = j.value("created", "");
    p.sets = set_pins_from_json(j.at("sets"));
    for (const auto& e : j.at("entries")) {
      const std::string rel = e.at("path").get<std::string>();
      // A recorded path never leaves the submissions directory.
      if (rel.empty() || fs::path(rel).is_absolute() || rel.find("..") != std::string::npos) return std::nullopt;
      p.entries.push_back({e.at("candidate").get<std::string>(), e.at("exercise").get<std::string>(),
                           source / fs::path(rel), e.value("problem", "")});
      p.shard_of.push_back(e.at("shard").get<int>());
      if (p.shard_of.back() < 1 || p.shard_of.back() > p.shards) return std::nullopt;
    }
    return p.shards >= 1 ? std::optional(p) : std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string plan_json(const batch_plan& p) { return plan_object(p, p.source).dump(2) + "\n"; }

std::optional<batch_plan> plan_from_json(const std::string& text, const fs::path& source) {
  auto p = plan_from(nlohmann::json::parse(text, nullptr, false), source);
  if (p) p->source = source;
  return p;
}

batch_plan join_batch(const fs::path& out_dir, const batch_plan& mine, std::vector<std::string>& notes) {
  const fs::path path = plan_path(out_dir);
  fs::create_directories(out_dir);
  if (mine.shards == 1) {
    write_file_atomically(path, plan_json(mine));
    return mine;
  }
  // Recorded exclusively: a link fails when the name exists, even on NFS.
  if (!fs::exists(path)) {
    const fs::path tmp = temp_sibling(path);
    write_file_atomically(tmp, plan_json(mine));
    if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST)
      throw std::runtime_error(fmt::format("cannot record the batch's plan in {}: {}", path.string(), strerror(errno)));
    std::error_code ec;
    fs::remove(tmp, ec);
  }
  const auto recorded = plan_from_json(read_file(path), mine.source);
  if (!recorded)
    throw config_error(path.string() + ": not a batch plan gograde can read (remove it to plan the batch afresh; "
                                       "the reports beside it are kept and resumed)");
  if (recorded->shards != mine.shards)
    throw config_error(fmt::format(
        "{}: this batch was planned in {} shard(s) ({}); this one asks for {}: use the same split, or another output "
        "directory (a Slurm task resubmitted on its own counts 1 task: requeue it with `scontrol requeue JOB_TASK`, "
        "or pass --shard K/{})",
        path.string(), recorded->shards, recorded->created, mine.shards, recorded->shards));
  if (!same_sets(recorded->sets, mine.sets))
    throw config_error(fmt::format(
        "{}: this batch is graded against {}, but this machine has {}: every shard must grade against the same "
        "version (bring this machine's sets to it, e.g. `gograde sets pin NAME COMMIT`, or start a new batch in "
        "another output directory)",
        path.string(), pins_text(recorded->sets), pins_text(mine.sets)));
  std::set<std::string> planned;
  for (const auto& e : recorded->entries) planned.insert(entry_key(e));
  std::vector<std::string> late;
  for (const auto& e : mine.entries)
    if (!planned.count(entry_key(e))) late.push_back(e.candidate + "/" + e.exercise);
  if (!late.empty())
    notes.push_back(fmt::format("{} submission(s) arrived after this batch was planned ({}) and are not part of it: "
                                "{} (grade them in a batch of their own)",
                                late.size(), recorded->created, fmt::join(late, ", ")));
  return *recorded;
}

void write_shard_summary(const fs::path& out_dir, const batch_plan& plan, int index, const std::vector<batch_row>& rows,
                         const std::string& started) {
  nlohmann::json arr = nlohmann::json::array();
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(fs::absolute(out_dir), ec);
  for (const auto& r : rows) {
    batch_row rel = r;
    // Reports relative to the output directory: where a merge finds it is its own business.
    for (auto& p : rel.reports) p = fs::weakly_canonical(fs::absolute(p), ec).lexically_relative(base);
    rel.entry.submission = fs::absolute(r.entry.submission).lexically_normal().lexically_relative(
        fs::absolute(plan.source).lexically_normal());
    arr.push_back(nlohmann::json::parse(row_json(rel)));
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const nlohmann::json j{{"schema", "gograde.batch-shard/1"}, {"shard", index},       {"shards", plan.shards},
                         {"planned", plan.created},            {"host", host},         {"started", started},
                         {"finished", utc_now()},              {"sets", set_pins_json(plan.sets)}, {"rows", arr}};
  write_file_atomically(shard_file(out_dir, index, plan.shards), j.dump(2) + "\n");
}

bool all_shards_done(const fs::path& out_dir) {
  const auto plan = plan_from_json(read_file(plan_path(out_dir)), {});
  if (!plan) return false;
  for (int k = 1; k <= plan->shards; ++k)
    if (!fs::exists(shard_file(out_dir, k, plan->shards))) return false;
  return true;
}

namespace {

struct found_row {
  batch_row row;
  std::string where;  // "shard 2/4 in DIR"
  std::string sets;   // what it was graded against
};

std::vector<batch_row> rows_of(const nlohmann::json& a, const fs::path& dir) {
  std::vector<batch_row> v;
  for (const auto& r : a) {
    auto row = row_from_json(r.dump());
    if (!row) continue;
    for (auto& p : row->reports)
      if (p.is_relative()) p = dir / p;
    v.push_back(*row);
  }
  return v;
}

}  // namespace

batch_summary merge_batches(const std::vector<fs::path>& dirs) {
  batch_summary out;
  out.generated = utc_now();
  std::vector<std::string> problems;
  std::map<std::string, std::vector<found_row>> by_entry;
  std::vector<std::string> order;  // first-seen keys
  std::map<std::string, std::string> planned;  // key -> "shard K/N"
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> set_versions;  // (name, fingerprint) -> where
  std::map<std::string, set_pin> pin_of;
  std::set<int> split;
  std::set<std::pair<int, int>> expected_shards, found_shards;
  auto note_sets = [&](const std::vector<set_pin>& pins, const std::string& where) {
    for (const auto& p : pins) {
      set_versions[{p.name, p.fingerprint}].push_back(where);
      pin_of[p.name + "\n" + p.fingerprint] = p;
    }
  };
  auto add = [&](const std::vector<batch_row>& rows, const std::string& where, const std::vector<set_pin>& pins) {
    for (const auto& r : rows) {
      const std::string key = entry_key(r.entry);
      if (!by_entry.count(key)) order.push_back(key);
      by_entry[key].push_back({r, where, pins_text(pins)});
    }
  };
  for (const fs::path& dir : dirs) {
    if (!fs::is_directory(dir)) throw config_error(dir.string() + ": not a directory");
    const auto plan = plan_from_json(read_file(plan_path(dir)), {});
    if (plan) {
      split.insert(plan->shards);
      for (std::size_t i = 0; i < plan->entries.size(); ++i)
        planned.emplace(entry_key(plan->entries[i]), fmt::format("shard {}/{}", plan->shard_of[i], plan->shards));
    }
    bool any = false;
    std::set<std::pair<int, int>> shards_here;
    std::error_code ec;
    if (!plan || plan->shards > 1)
      for (const auto& e : fs::directory_iterator(dir / "shards", ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("shard-", 0) != 0 || e.path().extension() != ".json") continue;
        const auto j = nlohmann::json::parse(read_file(e.path()), nullptr, false);
        if (j.is_discarded() || !j.is_object() || j.value("schema", "") != "gograde.batch-shard/1") {
          problems.push_back(e.path().string() + ": not a shard summary gograde can read");
          continue;
        }
        const int k = j.value("shard", 0), n = j.value("shards", 0);
        shards_here.insert({k, n});
        split.insert(n);
        const std::string where = fmt::format("shard {}/{} in {}", k, n, dir.string());
        const auto pins = set_pins_from_json(j.value("sets", nlohmann::json::array()));
        note_sets(pins, where);
        add(rows_of(j.value("rows", nlohmann::json::array()), dir), where, pins);
        any = true;
      }
    if (plan && plan->shards > 1)
      for (int k = 1; k <= plan->shards; ++k) expected_shards.insert({k, plan->shards});
    found_shards.insert(shards_here.begin(), shards_here.end());
    if (!any) {
      const auto j = nlohmann::json::parse(read_file(dir / "summary.json"), nullptr, false);
      if (!j.is_discarded() && j.is_object() && j.value("schema", "") == "gograde.batch/1") {
        const std::string where = "the batch in " + dir.string();
        const auto pins = set_pins_from_json(j.value("sets", nlohmann::json::array()));
        note_sets(pins, where);
        add(rows_of(j.value("rows", nlohmann::json::array()), dir), where, pins);
        split.insert(1);
        any = true;
      }
    }
    if (!any)
      throw config_error(dir.string() + ": no batch results here (neither shards/shard-*.json nor summary.json)");
  }
  // A shard missing from one directory may be in another (a CI matrix's
  // artifacts, one directory per shard): missing when no directory has it.
  for (const auto& [k, n] : expected_shards)
    if (!found_shards.count({k, n}))
      out.problems.push_back(fmt::format("shard {}/{} wrote no summary (not run yet, still running, or killed: run it "
                                         "again, it resumes)",
                                         k, n));
  if (split.size() > 1)
    problems.push_back(fmt::format("the results come from batches split differently ({} shards)", fmt::join(split, ", ")));
  std::map<std::string, std::vector<std::string>> versions_of;
  for (const auto& [key, where] : set_versions) versions_of[key.first].push_back(key.second);
  for (const auto& [name, fps] : versions_of)
    if (fps.size() > 1) {
      std::vector<std::string> parts;
      for (const auto& fp : fps)
        parts.push_back(fmt::format("{} ({})", pin_text(pin_of[name + "\n" + fp]), fmt::join(set_versions[{name, fp}], "; ")));
      problems.push_back(fmt::format("set {} was graded at {} versions: {}", name, fps.size(), fmt::join(parts, " and ")));
    }
  for (const auto& key : order) {
    const auto& found = by_entry[key];
    const batch_row& first = found.front().row;
    out.rows.push_back(first);
    std::vector<std::string> differing;
    for (const auto& f : found)
      if (f.row.verdict_name != first.verdict_name || f.row.score != first.score || f.row.max_score != first.max_score)
        differing.push_back(f.where);
    if (!differing.empty()) {
      std::vector<std::string> parts;
      for (const auto& f : found)
        parts.push_back(fmt::format("{} {} ({}, {})", f.row.verdict_name,
                                    f.row.status == "error" ? "-" : fmt::format("{}/{}", f.row.score, f.row.max_score),
                                    f.where, f.sets));
      problems.push_back(fmt::format("{} {} was graded {} times with different results: {}", first.entry.candidate,
                                     first.entry.exercise, found.size(), fmt::join(parts, "; ")));
    }
  }
  for (const auto& [key, where] : planned)
    if (!by_entry.count(key)) {
      const auto nl = key.find('\n');
      problems.push_back(fmt::format("{} {}: planned for {} but not graded", key.substr(0, nl), key.substr(nl + 1), where));
    }
  std::sort(out.rows.begin(), out.rows.end(), [](const batch_row& a, const batch_row& b) {
    return std::tie(a.entry.candidate, a.entry.exercise) < std::tie(b.entry.candidate, b.entry.exercise);
  });
  for (const auto& [key, where] : pin_of) out.sets.push_back(where);
  out.shards = split.empty() ? 1 : *split.rbegin();
  out.problems.insert(out.problems.end(), problems.begin(), problems.end());
  return out;
}

}  // namespace gograde
