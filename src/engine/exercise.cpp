#include "engine/exercise.hpp"

#include "engine/grade.hpp"

#include "engine/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <functional>
#include <cctype>
#include <toml++/toml.h>

namespace gograde {

namespace {

toml::table parse_file(const fs::path& p) {
  if (!fs::exists(p)) throw config_error(fmt::format("{}: missing", p.string()));
  try {
    return toml::parse_file(p.string());
  } catch (const toml::parse_error& e) {
    throw config_error(fmt::format("{}:{}: {}", p.string(), e.source().begin.line, e.description()));
  }
}

std::string need_string(const toml::table& t, const char* key, const fs::path& file,
                        const std::string& where = {}) {
  if (auto v = t[key].value<std::string>()) return *v;
  throw config_error(fmt::format("{}: {}{}: required string", file.string(), where, key));
}

std::vector<std::string> string_list(const toml::table& t, const char* key, const fs::path& file,
                                     const std::string& where = {}) {
  std::vector<std::string> out;
  const toml::node_view<const toml::node> n = t[key];
  if (!n) return out;
  const toml::array* arr = n.as_array();
  if (!arr) throw config_error(fmt::format("{}: {}{}: must be a list of strings", file.string(), where, key));
  for (const auto& e : *arr) {
    auto s = e.value<std::string>();
    if (!s) throw config_error(fmt::format("{}: {}{}: must be a list of strings", file.string(), where, key));
    out.push_back(*s);
  }
  return out;
}

bool safe_relative(const std::string& name) {
  const fs::path p(name);
  if (name.empty() || p.is_absolute()) return false;
  return std::none_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; });
}

std::pair<int, int> parse_range(const std::string& s, const std::string& spec) {
  try {
    const auto dash = s.find('-');
    const int a = std::stoi(s.substr(0, dash));
    const int b = dash == std::string::npos ? a : std::stoi(s.substr(dash + 1));
    if (a < 0 || b < a) throw std::invalid_argument("range");
    return {a, b};
  } catch (const std::exception&) {
    throw config_error(fmt::format("run \"{}\": expected a seed or a range A-B", spec));
  }
}

}  // namespace

const char* to_string(flavour f) noexcept {
  switch (f) {
    case flavour::race: return "race";
    case flavour::explore: return "explore";
    default: return "normal";
  }
}

run_config make_run(const std::string& kind, int n) {
  if (kind == "par")
    return {fmt::format("par threads={}", n),
            {{"GOX_SCHED", "par"}, {"GOX_THREADS", std::to_string(n)}, {"GOX_CLOCK", "real"}},
            "par",
            0};
  return {fmt::format("{} seed={}", kind, n),
          {{"GOX_SCHED", "det"}, {"GOX_SEED", std::to_string(n)}, {"GOX_CLOCK", kind == "virt" ? "virtual" : "real"}},
          kind,
          n};
}

run_config make_policy_run(const std::string& policy, int n, bool virtual_time) {
  run_config rc = make_run(virtual_time ? "virt" : "det", n);
  if (policy.empty() || policy == "random") return rc;
  rc.kind = policy.rfind("dfs", 0) == 0 ? "dfs" : "pct";
  rc.policy = policy;
  rc.env.emplace_back("GOX_POLICY", policy);
  rc.label = fmt::format("{} {} seed={}", policy, virtual_time ? "virt" : "det", n);
  return rc;
}

namespace {

// Calls `take(name, value)` for each "name=value" of a comma-separated
// list; `take` returns false for a part it does not accept, which is then
// refused with `expected` (what the parts may be).
void for_each_param(const std::string& arg, const std::string& spec, const char* expected,
                    const std::function<bool(const std::string&, const std::string&)>& take) {
  std::size_t at = 0;
  while (at <= arg.size() && !arg.empty()) {
    const std::size_t comma = arg.find(',', at);
    const std::string part = arg.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    at = comma == std::string::npos ? arg.size() + 1 : comma + 1;
    const std::size_t eq = part.find('=');
    const std::string name = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
    bool ok = false;
    try {
      ok = take(name, value);
    } catch (const config_error&) {
      throw;
    } catch (const std::exception&) {
      ok = false;
    }
    if (!ok) throw config_error(fmt::format("run \"{}\": \"{}\" (expected {})", spec, part, expected));
  }
}

// A whole number in [lo, hi], or throws.
long long whole(const std::string& value, long long lo, long long hi) {
  std::size_t used = 0;
  const long long n = std::stoll(value, &used);
  if (used != value.size() || n < lo || n > hi) throw std::invalid_argument(value);
  return n;
}

// "d=3,steps=400,seeds=1-20" -> the runs.
std::vector<run_config> parse_pct(const std::string& arg, const std::string& spec) {
  long long depth = 3, steps = 1000;
  std::pair<int, int> seeds{0, -1};
  for_each_param(arg, spec, "d=1..16, steps=N, seeds=A-B", [&](const std::string& name, const std::string& value) {
    if (name == "d") depth = whole(value, 1, 16);
    else if (name == "steps") steps = whole(value, 1, LLONG_MAX);
    else if (name == "seeds") seeds = parse_range(value, spec);
    else return false;
    return true;
  });
  if (seeds.second < seeds.first)
    throw config_error(fmt::format("run \"{}\": PCT runs need their seeds, e.g. pct:d=3,seeds=1-20", spec));
  std::vector<run_config> out;
  for (int s = seeds.first; s <= seeds.second; ++s)
    out.push_back(make_policy_run(fmt::format("pct:d={},steps={}", depth, steps), s));
  return out;
}

// "preemptions=2,runs=1000[,clock=virtual]" -> the one run that searches.
run_config parse_dfs(const std::string& arg, const std::string& spec) {
  long long preemptions = 2, runs = 1000;
  bool virtual_time = false;
  for_each_param(arg, spec, "preemptions=0..16, runs=1..1000000, clock=real|virtual",
                 [&](const std::string& name, const std::string& value) {
                   if (name == "preemptions") preemptions = whole(value, 0, 16);
                   else if (name == "runs") runs = whole(value, 1, 1000000);
                   else if (name == "clock" && (value == "virtual" || value == "real")) virtual_time = value == "virtual";
                   else return false;
                   return true;
                 });
  return make_policy_run(fmt::format("dfs:preemptions={},runs={}", preemptions, runs), 1, virtual_time);
}

}  // namespace

bool valid_schedule(const std::string& s) {
  if (s == "first" || s == "lockstep") return true;
  if (s.empty() || s.size() > 4000) return false;
  for (std::size_t at = 0; at <= s.size();) {  // STEP.CHOICE, joined by '+'
    const std::size_t plus = std::min(s.find('+', at), s.size());
    const std::string part = s.substr(at, plus - at);
    const std::size_t dot = part.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == part.size() ||
        part.find_first_not_of("0123456789.") != std::string::npos || part.find('.', dot + 1) != std::string::npos)
      return false;
    at = plus + 1;
  }
  return true;
}

std::string policy_error(const std::string& policy) {
  if (policy.empty() || policy == "random") return {};
  try {
    if (policy.rfind("dfs:schedule=", 0) == 0) {
      if (!valid_schedule(policy.substr(13)))
        return fmt::format("\"{}\": a schedule is \"first\", \"lockstep\" or STEP.CHOICE+STEP.CHOICE...", policy);
      return {};
    }
    if (policy.rfind("dfs", 0) == 0) (void)parse_runs(policy);
    else (void)parse_runs(policy + ",seeds=1");
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

std::vector<run_config> parse_runs(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "1" : spec.substr(colon + 1);
  std::vector<run_config> out;
  if (kind == "pct") return parse_pct(colon == std::string::npos ? "" : arg, spec);
  if (kind == "dfs") return {parse_dfs(colon == std::string::npos ? "" : arg, spec)};
  if (kind == "det" || kind == "virt") {
    const auto [a, b] = parse_range(arg, spec);
    for (int s = a; s <= b; ++s) out.push_back(make_run(kind, s));
  } else if (kind == "par") {
    int threads = 0, times = 1;
    try {
      const auto x = arg.find('x');
      threads = std::stoi(arg.substr(0, x));
      if (x != std::string::npos) times = std::stoi(arg.substr(x + 1));
    } catch (const std::exception&) {
      threads = 0;
    }
    if (threads < 1 || times < 1)
      throw config_error(fmt::format("run \"{}\": expected par:THREADS or par:THREADSxTIMES", spec));
    for (int i = 1; i <= times; ++i) {
      out.push_back(make_run("par", threads));
      if (times > 1) out.back().label += fmt::format(" #{}", i);
    }
  } else {
    throw config_error(fmt::format("run \"{}\": unknown kind (det, virt, pct, dfs or par)", spec));
  }
  return out;
}

bool in_virtual_time(const run_config& rc) {
  return std::find(rc.env.begin(), rc.env.end(), std::pair<std::string, std::string>("GOX_CLOCK", "virtual")) !=
         rc.env.end();
}

bool uses_virtual_time(const rubric_item& it) { return std::any_of(it.runs.begin(), it.runs.end(), in_virtual_time); }

fs::path exercise::suite_path(const std::string& suite) const {
  return suite == "visible" ? visible_suite() : graders_dir / "suites" / suite;
}

fs::path exercise::judge_path(const std::string& suite) const {
  if (suite == "visible") return {};
  std::string stem = fs::path(suite).stem().string();
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, "_test") == 0) stem.resize(stem.size() - 5);
  return suite_path(suite).parent_path() / (stem + "_judge.cpp");
}

fs::path exercise::data_dir(const std::string& suite) const {
  return suite == "visible" ? exercise_dir / "tests" / "data" : graders_dir / "data";
}

int exercise::max_points() const {
  int n = 0;
  for (const auto& i : items) n += i.points;
  return n;
}

bool valid_set_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  if (!std::islower(static_cast<unsigned char>(name[0])) && !std::isdigit(static_cast<unsigned char>(name[0])))
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
           c == '_';
  });
}

set_manifest load_manifest(const fs::path& root) {
  const fs::path file = root / kManifestFile;
  if (!fs::exists(file))
    throw config_error(fmt::format("{}: missing: a set needs a manifest (name, version, exercises; see the README)",
                                   kManifestFile));
  const toml::table t = parse_file(file);
  set_manifest m;
  m.name = need_string(t, "name", file);
  if (!valid_set_name(m.name))
    throw config_error(fmt::format("{}: name: \"{}\" is not a set name (lower-case letters, digits, - and _, "
                                   "starting with a letter or digit, at most 64)", file.string(), m.name));
  m.version = need_string(t, "version", file);
  if (m.version.empty()) throw config_error(fmt::format("{}: version: must not be empty", file.string()));
  if (const auto d = t["description"]; d && !d.is_string())
    throw config_error(fmt::format("{}: description: must be a string", file.string()));
  m.description = t["description"].value_or(std::string());
  if (!t["exercises"]) throw config_error(fmt::format("{}: exercises: required list of slugs", file.string()));
  m.exercises = string_list(t, "exercises", file);
  if (m.exercises.empty()) throw config_error(fmt::format("{}: exercises: at least one exercise", file.string()));
  for (std::size_t i = 0; i < m.exercises.size(); ++i) {
    const std::string& e = m.exercises[i];
    if (!safe_relative(e) || e.find('/') != std::string::npos)
      throw config_error(fmt::format("{}: exercises[{}]: \"{}\" escapes the set (a slug: no '/', '..' or absolute path)",
                                     file.string(), i, e));
    if (std::find(m.exercises.begin(), m.exercises.begin() + static_cast<std::ptrdiff_t>(i), e) !=
        m.exercises.begin() + static_cast<std::ptrdiff_t>(i))
      throw config_error(fmt::format("{}: exercises[{}]: \"{}\" is listed twice", file.string(), i, e));
  }
  for (const auto& [k, v] : t) {
    const std::string key(k.str());
    if (key != "name" && key != "version" && key != "description" && key != "exercises")
      throw config_error(fmt::format("{}: {}: unknown field (name, version, description, exercises)", file.string(), key));
  }
  return m;
}

std::vector<std::string> list_exercises(const fs::path& set_root) {
  if (fs::exists(set_root / kManifestFile)) {
    auto v = load_manifest(set_root).exercises;
    std::sort(v.begin(), v.end());
    return v;
  }
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(set_root / "exercises", ec))
    if (e.is_directory() && fs::exists(e.path() / "exercise.toml")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

exercise load_exercise(const fs::path& set_root, const std::string& slug) {
  if (!safe_relative(slug) || slug.find('/') != std::string::npos)
    throw config_error(fmt::format("\"{}\" is not an exercise name", slug));
  exercise ex;
  ex.exercise_dir = set_root / "exercises" / slug;
  ex.reference_dir = set_root / "reference" / slug;
  ex.graders_dir = set_root / "graders" / slug;
  if (!fs::is_directory(ex.exercise_dir)) {
    std::string known;
    for (const auto& s : list_exercises(set_root)) known += (known.empty() ? "" : ", ") + s;
    throw config_error(fmt::format("no exercise \"{}\" (known: {})", slug, known.empty() ? "none" : known));
  }
  const fs::path meta_file = ex.exercise_dir / "exercise.toml";
  const toml::table meta = parse_file(meta_file);
  ex.slug = need_string(meta, "slug", meta_file);
  if (ex.slug != slug)
    throw config_error(fmt::format("{}: slug: \"{}\" but the folder is \"{}\"", meta_file.string(), ex.slug, slug));
  ex.title = need_string(meta, "title", meta_file);
  ex.difficulty = need_string(meta, "difficulty", meta_file);
  ex.tags = string_list(meta, "tags", meta_file);
  ex.time_budget_minutes = meta["time_budget_minutes"].value_or(0);
  ex.candidate_files = string_list(meta, "candidate_files", meta_file);
  if (ex.candidate_files.empty())
    throw config_error(fmt::format("{}: candidate_files: at least one file", meta_file.string()));
  ex.optional_files = string_list(meta, "optional_files", meta_file);
  for (const auto* list : {&ex.candidate_files, &ex.optional_files})
    for (const auto& f : *list)
      if (!safe_relative(f) || f.find('/') != std::string::npos)
        throw config_error(fmt::format("{}: {}: \"{}\" must be a plain file name", meta_file.string(),
                                       list == &ex.candidate_files ? "candidate_files" : "optional_files", f));
  for (const auto& f : ex.optional_files)
    if (std::find(ex.candidate_files.begin(), ex.candidate_files.end(), f) != ex.candidate_files.end())
      throw config_error(fmt::format("{}: optional_files: \"{}\" is also a candidate file", meta_file.string(), f));
  ex.libraries = string_list(meta, "libraries", meta_file);
  for (const auto& l : ex.libraries)
    if (l.empty() || !std::all_of(l.begin(), l.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '-' || c == '.';
        }))
      throw config_error(fmt::format("{}: libraries: \"{}\" is not a library name (as in -l<name>)",
                                     meta_file.string(), l));

  if (const toml::table* allow = meta["allow"].as_table()) {
    ex.allow_headers = string_list(*allow, "headers", meta_file);
    ex.allow_functions = string_list(*allow, "functions", meta_file);
    ex.allow_system = (*allow)["system"].value_or(false);
    for (const auto& h : ex.allow_headers)
      if (h.empty() || h.find('/') != std::string::npos || h == "." || h == ".." || h == "c++")
        throw config_error(fmt::format("{}: allow.headers: \"{}\" is not a folder name under /usr/include",
                                       meta_file.string(), h));
    for (const auto& f : ex.allow_functions)
      if (f.empty() || !std::all_of(f.begin(), f.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
          }))
        throw config_error(fmt::format("{}: allow.functions: \"{}\" is not a function name", meta_file.string(), f));
  }
  if (const toml::table* lim = meta["limits"].as_table()) {
    auto get = [&](const char* key, std::uint64_t& out, std::uint64_t lo, std::uint64_t hi) {
      const auto n = (*lim)[key];
      if (!n) return;
      const auto v = n.value<std::int64_t>();
      if (!v || *v < static_cast<std::int64_t>(lo) || *v > static_cast<std::int64_t>(hi))
        throw config_error(fmt::format("{}: limits.{}: an integer from {} to {}", meta_file.string(), key, lo, hi));
      out = static_cast<std::uint64_t>(*v);
    };
    struct known {
      const char* key;
      std::uint64_t run_limits::*field;
      std::uint64_t lo, hi;
    };
    static constexpr known kKnown[] = {
        {"memory_mb", &run_limits::memory_mb, 64, 65536},       {"processes", &run_limits::processes, 16, 65536},
        {"file_size_mb", &run_limits::file_size_mb, 1, 4096},   {"open_files", &run_limits::open_files, 32, 65536},
        {"output_kb", &run_limits::output_kb, 16, 1 << 20},     {"compile_seconds", &run_limits::compile_seconds, 5, 3600},
        {"file_kb", &run_limits::file_kb, 1, 65536},            {"submission_kb", &run_limits::submission_kb, 1, 1 << 20},
        {"stall_seconds", &run_limits::stall_seconds, 1, 3600}};
    for (const auto& k : kKnown) get(k.key, ex.limits.*k.field, k.lo, k.hi);
    for (const auto& [k, v] : *lim) {
      const std::string key(k.str());
      if (std::none_of(std::begin(kKnown), std::end(kKnown), [&](const known& x) { return key == x.key; }))
        throw config_error(fmt::format("{}: limits.{}: unknown limit", meta_file.string(), key));
    }
  }

  const fs::path rubric_file = ex.graders_dir / "rubric.toml";
  const toml::table rubric = parse_file(rubric_file);
  const toml::array* items = rubric["item"].as_array();
  if (!items || items->empty())
    throw config_error(fmt::format("{}: item: at least one [[item]]", rubric_file.string()));
  for (std::size_t k = 0; k < items->size(); ++k) {
    const toml::table* t = (*items)[k].as_table();
    const std::string where = fmt::format("item[{}].", k);
    if (!t) throw config_error(fmt::format("{}: {}: must be a table", rubric_file.string(), where));
    rubric_item it;
    it.id = need_string(*t, "id", rubric_file, where);
    it.title = need_string(*t, "title", rubric_file, where);
    it.points = (*t)["points"].value_or(-1);
    if (it.points < 0) throw config_error(fmt::format("{}: {}points: required, >= 0", rubric_file.string(), where));
    it.suite = need_string(*t, "suite", rubric_file, where);
    if (!safe_relative(it.suite))
      throw config_error(fmt::format("{}: {}suite: \"{}\" escapes the exercise", rubric_file.string(), where, it.suite));
    if (!fs::exists(ex.suite_path(it.suite)))
      throw config_error(fmt::format("{}: {}suite: {} not found", rubric_file.string(), where, ex.suite_path(it.suite).string()));
    if (it.suite == "visible")
      throw config_error(fmt::format("{}: {}suite: a rubric grades hidden suites (a drive half and its judge under "
                                     "graders/{}/suites/); the visible suite is the candidate's own",
                                     rubric_file.string(), where, ex.slug));
    if (!fs::exists(ex.judge_path(it.suite)))
      throw config_error(fmt::format("{}: {}suite: {} has no judge half {} (see the README, \"Exercise format\")",
                                     rubric_file.string(), where, it.suite, ex.judge_path(it.suite).string()));
    it.tests = (*t)["tests"].value_or(std::string());
    for (const auto& b : string_list(*t, "builds", rubric_file, where)) {
      if (b == "normal") it.builds.push_back(flavour::normal);
      else if (b == "race") it.builds.push_back(flavour::race);
      else if (b == "explore") it.builds.push_back(flavour::explore);
      else throw config_error(fmt::format("{}: {}builds: \"{}\" (normal, race or explore)", rubric_file.string(), where, b));
    }
    if (it.builds.empty()) it.builds = {flavour::normal};
    try {
      for (const auto& r : string_list(*t, "runs", rubric_file, where))
        for (auto& rc : parse_runs(r)) it.runs.push_back(std::move(rc));
    } catch (const config_error& e) {
      throw config_error(fmt::format("{}: {}runs: {}", rubric_file.string(), where, e.what()));
    }
    if (it.runs.empty()) it.runs = parse_runs("det:1");
    if (std::find(it.builds.begin(), it.builds.end(), flavour::explore) != it.builds.end() &&
        std::none_of(it.runs.begin(), it.runs.end(), [](const run_config& r) { return r.kind != "par"; }))
      throw config_error(fmt::format("{}: {}runs: the explore build explores the deterministic scheduler's "
                                     "schedules and runs only det, virt, pct and dfs runs; this item has none",
                                     rubric_file.string(), where));
    const auto timeout = (*t)["timeout_seconds"].value_or(static_cast<std::int64_t>(it.timeout.count()));
    if (timeout < 1 || timeout > 3600)
      throw config_error(fmt::format("{}: {}timeout_seconds: {} (1 to 3600)", rubric_file.string(), where, timeout));
    it.timeout = std::chrono::seconds(timeout);
    const std::string about = (*t)["about"].value_or(std::string("behaviour"));
    if (about != "behaviour" && about != "races")
      throw config_error(fmt::format("{}: {}about: \"{}\" (behaviour or races)", rubric_file.string(), where, about));
    it.about_races = about == "races";
    if (it.about_races && (it.builds.size() != 1 || it.builds.front() != flavour::race))
      throw config_error(fmt::format("{}: {}builds: an item about races runs in the race build only (builds = "
                                     "[\"race\"])",
                                     rubric_file.string(), where));
    it.requires_files = string_list(*t, "requires", rubric_file, where);
    for (const auto& f : it.requires_files)
      if (std::find(ex.optional_files.begin(), ex.optional_files.end(), f) == ex.optional_files.end())
        throw config_error(fmt::format("{}: {}requires: \"{}\" is not one of the exercise's optional_files",
                                       rubric_file.string(), where, f));
    ex.items.push_back(std::move(it));
  }

  std::error_code ec;
  for (const auto& e : fs::directory_iterator(ex.graders_dir / "mutants", ec)) {
    if (!e.is_directory()) continue;
    const fs::path mf = e.path() / "mutant.toml";
    const toml::table m = parse_file(mf);
    mutant mu{e.path().filename().string(), e.path(), need_string(m, "expected", mf), m["why"].value_or(std::string()),
              {}};
    if (!parse_verdict(mu.expected))
      throw config_error(fmt::format("{}: expected: \"{}\" is no verdict", mf.string(), mu.expected));
    if (const auto* node = m.get("items")) {
      const toml::table* items_t = node->as_table();
      if (!items_t) throw config_error(fmt::format("{}: items: a table of item id = verdict", mf.string()));
      for (const auto& [k, v] : *items_t) {
        const std::string id(k.str());
        const auto* vs = v.as_string();
        if (!vs || !parse_verdict(vs->get()))
          throw config_error(fmt::format("{}: items.{}: a verdict name", mf.string(), id));
        if (std::none_of(ex.items.begin(), ex.items.end(), [&](const rubric_item& it) { return it.id == id; }))
          throw config_error(fmt::format("{}: items.{}: no such rubric item", mf.string(), id));
        mu.items.emplace_back(id, vs->get());
      }
    }
    ex.mutants.push_back(std::move(mu));
  }
  std::sort(ex.mutants.begin(), ex.mutants.end(),
            [](const mutant& a, const mutant& b) { return a.name < b.name; });
  return ex;
}

}  // namespace gograde
