#include "engine/astcheck.hpp"

#include <fmt/format.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "engine/files.hpp"
#include "engine/process.hpp"
#include "engine/sandbox.hpp"

namespace gograde {

const fs::path& astcheck_path() {
  static const fs::path path = beside_gograde("gograde-astcheck");
  return path;
}

namespace {

// The checker and gox's headers, as a key (what both the check's result and
// its precompiled header are made from; hashed once per check).
std::uint64_t tool_and_headers_key(const fs::path& tool, const fs::path& gox) {
  std::error_code ec;
  std::uint64_t h = hash_string("astcheck-tool");
  h = hash_string(fmt::format("{}:{}", fs::file_size(tool, ec),
                              fs::last_write_time(tool, ec).time_since_epoch().count()),
                  h);
  std::vector<fs::path> headers;
  for (const auto& e : fs::recursive_directory_iterator(gox, ec))
    if (e.is_regular_file()) headers.push_back(e.path());
  std::sort(headers.begin(), headers.end());
  for (const auto& p : headers) h = hash_string(fmt::format("{:x}", hash_file(p)), h);
  return h;
}

// What the check's verdict depends on besides the staged files' contents
// (the staged folder's name is their hash): the checker, gox's headers and
// the exercise's allowlist.
std::uint64_t check_key(std::uint64_t tool_and_headers, const exercise& ex, const fs::path& staged) {
  std::uint64_t h = hash_string("astcheck-v1:" + staged.filename().string(), tool_and_headers);
  for (const auto& a : ex.allow_headers) h = hash_string("h:" + a, h);
  for (const auto& a : ex.allow_functions) h = hash_string("f:" + a, h);
  if (ex.allow_system) h = hash_string("system", h);
  return h;
}

ast_check parse_output(int exit_code, const std::string& out) {
  ast_check c;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    forbidden f{j.value("file", ""), j.value("line", 0), j.value("what", ""), j.value("why", "")};
    if (exit_code == 2) c.text += fmt::format("{}:{}: error: {}\n", f.file, f.line, f.why);
    else c.found.push_back(std::move(f));
  }
  if (exit_code == 0) c.r = ast_check::result::clean;
  else if (exit_code == 1 && !c.found.empty()) c.r = ast_check::result::forbidden;
  else if (exit_code == 2) c.r = ast_check::result::not_parsed;
  else {
    c.r = ast_check::result::failed;
    c.text = fmt::format("the code check (gograde-astcheck) ended with status {}:\n{}", exit_code, out.substr(0, 2000));
  }
  return c;
}

// What the checks' precompiled header holds: what the suites' precompiled
// header holds of the standard library and gox (build.cpp), not Catch2's or
// the grader's.
const std::string kCheckPchText =
    std::string("// gograde: the code check's precompiled header (generated).\n") + kAnswerStdHeaders + "\n" +
    kAnswerGoxHeaders;

std::vector<std::string> clang_args(const fs::path& gox) { return {"-std=c++20", "-I" + gox.string()}; }

// gox's headers, which the checker parses and both keys cover.
fs::path gox_headers(const toolchain& tc) { return tc.source_root / "harness" / "gox" / "include"; }

}  // namespace

// astcheck_pch, the key of the checker and gox's headers given.
static fs::path astcheck_pch_keyed(const toolchain& tc, const fs::path& tool, std::uint64_t tool_and_headers) {
  const fs::path gox = gox_headers(tc);
  std::string args;
  for (const auto& a : clang_args(gox)) args += a + " ";
  // Its folder's name says what it was made from; the header is made where it
  // stays (the precompiled header records its path).
  const fs::path dir =
      tc.cache_dir / fmt::format("astcheck-pch-{:016x}",
                                 hash_string(std::string("pch-v1:") + kCheckPchText + args, tool_and_headers));
  const fs::path header = dir / "pch.hpp", pch = dir / "pch.ast";
  static std::mutex mu;
  static std::set<fs::path> failed;  // tried once per process at most
  const std::lock_guard lock(mu);
  std::error_code ec;
  if (fs::exists(pch, ec)) {
    touch_entry(dir);
    return pch;
  }
  if (failed.count(dir)) return {};
  try {
    fs::create_directories(dir);
    if (!fs::exists(header) || read_file(header) != kCheckPchText) write_file_atomically(header, kCheckPchText);
  } catch (const std::exception&) {
    failed.insert(dir);
    return {};
  }
  // Trusted input (gox's headers and the system's): made outside the sandbox,
  // as the runtimes are.
  const fs::path tmp = temp_sibling(pch);
  process_spec spec;
  spec.argv = {tool.string(), "--make-pch", tmp.string(), "--header", header.string(), "--"};
  for (const auto& a : clang_args(gox)) spec.argv.push_back(a);
  spec.timeout = std::chrono::minutes(2);
  spec.output_cap = 64 << 10;
  const process_result r = run_process(spec);
  if (r.exited_ok()) fs::rename(tmp, pch, ec);
  else fs::remove(tmp, ec);
  if (!fs::exists(pch, ec)) {
    failed.insert(dir);
    return {};
  }
  return pch;
}

fs::path astcheck_pch(const toolchain& tc, const fs::path& tool) {
  if (tool.empty()) return {};
  return astcheck_pch_keyed(tc, tool, tool_and_headers_key(tool, gox_headers(tc)));
}

ast_check check_ast(const toolchain& tc, const exercise& ex, const fs::path& staged,
                    const std::vector<std::string>& files, std::chrono::seconds timeout, const fs::path& tool,
                    const process_runner& run) {
  if (tool.empty()) return {ast_check::result::failed, {}, "gograde-astcheck is not installed beside gograde"};
  const fs::path gox = gox_headers(tc);
  const std::uint64_t tool_and_headers = tool_and_headers_key(tool, gox);
  const fs::path cached = tc.cache_dir / fmt::format("astcheck-{:016x}.txt", check_key(tool_and_headers, ex, staged));
  if (fs::exists(cached)) {
    touch_entry(cached);
    const std::string text = read_file(cached);
    const auto nl = text.find('\n');
    if (nl != std::string::npos) return parse_output(std::atoi(text.c_str()), text.substr(nl + 1));
  }
  auto check = [&](const fs::path& pch) {
    std::vector<std::string> argv = {tool.string(), "--submission", staged.string(), "--gox", gox.string()};
    for (const auto& f : files) argv.insert(argv.end(), {"--file", f});
    for (const auto& h : ex.allow_headers) argv.insert(argv.end(), {"--allow-headers", "/usr/include/" + h});
    for (const auto& f : ex.allow_functions) argv.insert(argv.end(), {"--allow-functions", f});
    if (ex.allow_system) argv.insert(argv.end(), {"--allow-system", "yes"});
    if (!pch.empty()) argv.insert(argv.end(), {"--pch", pch.string()});
    argv.push_back("--");
    for (const auto& a : clang_args(gox)) argv.push_back(a);
    process_spec spec;
    std::vector<sandbox_mount> mounts = {{gox, false}, {staged, false}, {tool.parent_path(), false}};
    if (!pch.empty()) mounts.push_back({pch.parent_path(), false});
    if (tc.sandbox) {
      sandboxed(spec, argv, mounts, staged, {});
    } else {
      spec.argv = argv;
      spec.cwd = staged.string();
    }
    spec.timeout = timeout;
    spec.cpu_limit = 2 * timeout;
    spec.output_cap = 256 << 10;
    spec.output_limit = 8 << 20;
    spec.file_size_limit = 16 << 20;
    std::string why;
    auto cg = cgroup_limit::create(4ULL << 30, 64, why);
    if (cg) spec.cgroup_procs = cg->procs_files();
    return run(spec);
  };
  const fs::path pch = astcheck_pch_keyed(tc, tool, tool_and_headers);
  process_result r = check(pch);
  // Clean or findings: as without the precompiled header. Anything else (does
  // not parse, the checker failed) is confirmed without it.
  if (!pch.empty() && !r.timed_out && !r.cpu_exceeded && !(r.term_signal == 0 && (r.exit_code == 0 || r.exit_code == 1)))
    r = check({});
  if (r.timed_out || r.cpu_exceeded)
    return {ast_check::result::timed_out, {}, fmt::format("checking the code took longer than {} s", timeout.count())};
  if (r.term_signal != 0 || r.start_failed || (r.exit_code > 3 && r.exit_code != 0))
    return {ast_check::result::failed, {},
            fmt::format("the code check (gograde-astcheck) failed ({}):\n{}",
                        r.term_signal ? fmt::format("signal {}", r.term_signal) : fmt::format("status {}", r.exit_code),
                        r.output.substr(0, 2000))};
  // Its findings are on stdout, lines of JSON; diagnostics of its own on stderr
  // come first or last and are not JSON.
  ast_check c = parse_output(r.exit_code, r.output);
  if (c.r != ast_check::result::failed) {
    try {
      write_file_atomically(cached, fmt::format("{}\n{}", r.exit_code, r.output));
    } catch (const std::exception&) {
      // uncached: checked again next time
    }
  }
  return c;
}

}  // namespace gograde
