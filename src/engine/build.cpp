#include "engine/build.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

#include <unistd.h>

#include "engine/files.hpp"
#include "engine/process.hpp"
#include "engine/sandbox.hpp"
#include "gograde/protocol.hpp"

namespace gograde {

std::uint64_t hash_string(const std::string& s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t hash_file(const fs::path& p) {
  if (!fs::is_regular_file(p)) return 0;
  return hash_string(p.filename().string() + "\n" + read_file(p));
}

namespace {

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

// Whether `cxx` is clang (its flags for line tables and precompiled headers
// differ from g++'s).
bool is_clang(const std::string& cxx) { return fs::path(cxx).filename().string().find("clang") != std::string::npos; }

std::vector<std::string> flavour_flags(flavour f, bool instrument, bool clang) {
  // What the candidate wrote runs as written: the optimiser may not assume an
  // endless loop ends (C++'s forward-progress rule lets it delete a loop
  // without side effects, and fall off the function's end), nor drop an
  // allocation nobody reads (a memory hog then hogs nothing). Either turned a
  // hang or a memory hog into whatever code happened to follow.
  // Everything built for a grade (the runtime, the test mains, suites) carries
  // line tables only: file, line and function of every address, what
  // ThreadSanitizer's reports and a crash's trace print. Full debug
  // information (types, variables) nobody reads would be a third or more of
  // every compile's time.
  std::vector<std::string> v = {"-std=c++20", clang ? "-gline-tables-only" : "-g1", "-fPIE",
                                "-fno-finite-loops", "-fno-builtin-malloc", "-fno-builtin-calloc",
                                "-fno-builtin-realloc"};
  if (f == flavour::race) {
    v.push_back("-DGOX_RACE=1");
    if (instrument) v.push_back("-fsanitize=thread");
  } else if (f == flavour::explore) {
    // TSan's instrumentation without TSan: gox's exploration flavour defines
    // its entry points (harness/gox/src/explore.cpp). Only the suite and the
    // submission are instrumented; the runtime and the test mains are not.
    v.push_back("-DGOX_EXPLORE=1");
    if (instrument) v.push_back("-fsanitize=thread");
  }
  return v;
}

// What every suite includes, precompiled once per flavour: about half of a
// suite's compile time is parsing Catch2 and the gox headers.
const std::string kPchText = std::string("// gograde: the suites' precompiled header (generated).\n"
                                         "#include <catch2/catch.hpp>\n\n") +
                             kAnswerStdHeaders + "\n#include <nlohmann/json.hpp>\n\n#include \"gograde/check.hpp\"\n" +
                             kAnswerGoxHeaders;

// Flags shared by suites and their precompiled header (they must match).
std::vector<std::string> suite_flags(flavour f, const fs::path& gox, const fs::path& check, bool clang) {
  std::vector<std::string> v = flavour_flags(f, true, clang);
  v.insert(v.end(), {"-O1", "-I" + (gox / "include").string(), "-I" + (check / "include").string()});
  return v;
}

// lld links a suite in half the time of the default linker; used where installed.
const std::vector<std::string>& link_flags() {
  static const std::vector<std::string> flags = [] {
    for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"})
      if (::access((std::string(dir) + "/ld.lld").c_str(), X_OK) == 0) return std::vector<std::string>{"-fuse-ld=lld"};
    return std::vector<std::string>{};
  }();
  return flags;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + " ";
  return s;
}

process_result run(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
  process_spec spec;
  spec.argv = std::move(argv);
  spec.timeout = timeout;
  spec.output_cap = 256 << 10;
  return run_process(spec);
}

std::string describe_failure(const process_result& r) {
  if (r.timed_out) return "the compiler ran out of time\n" + r.output;
  if (r.start_failed) return r.output;
  return r.output;
}

std::vector<fs::path> regular_files(const fs::path& d) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(d, ec))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<std::string> submission_files_read(const std::string& deps, const fs::path& seen_as,
                                               const std::vector<std::string>& names,
                                               const std::vector<fs::path>& elsewhere) {
  if (deps.empty()) return names;
  std::vector<std::string> words;
  std::string w;
  for (std::size_t i = 0; i < deps.size(); ++i) {
    const char c = deps[i];
    if (c == '\\' && i + 1 < deps.size() && (deps[i + 1] == '\n' || deps[i + 1] == ' ')) {
      if (deps[i + 1] == ' ') w += ' ';
      ++i;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!w.empty()) words.push_back(std::move(w));
      w.clear();
      continue;
    }
    w += c;
  }
  if (!w.empty()) words.push_back(std::move(w));
  // The first word is the target ("main.o:").
  if (words.empty() || words.front().back() != ':') return names;
  words.erase(words.begin());
  // A path as one spelling: no repeated slashes, no "." or "..".
  auto normal = [](std::string p) {
    std::string q;
    for (char c : p)
      if (!(c == '/' && !q.empty() && q.back() == '/')) q += c;
    return fs::path(q).lexically_normal();
  };
  auto under = [](const fs::path& p, const fs::path& root) {
    const fs::path rel = p.lexically_relative(root);
    return !rel.empty() && *rel.begin() != ".." && rel != ".";
  };
  const fs::path root = normal(seen_as.string());
  std::vector<fs::path> others;
  for (const auto& e : elsewhere) others.push_back(normal(e.string()));
  std::vector<std::string> read;
  for (const auto& word : words) {
    const fs::path p = normal(word);
    if (!p.is_absolute()) return names;
    if (under(p, root)) {
      const std::string name = p.lexically_relative(root).string();
      if (std::find(names.begin(), names.end(), name) == names.end()) return names;
      if (std::find(read.begin(), read.end(), name) == read.end()) read.push_back(name);
      continue;
    }
    // Any other way to the submission's files (/proc/self/root/..., a
    // folder the sandbox holds for the build) counts as reading them all.
    if (std::none_of(others.begin(), others.end(), [&](const fs::path& o) { return under(p, o); })) return names;
  }
  std::sort(read.begin(), read.end());
  return read;
}

builder::builder(toolchain tc) : tc_(std::move(tc)), lock_(tc_.cache_dir) {
  pruned_ = open_cache(tc_.cache_dir, tc_.cache_max, lock_);
  if (pruned_.removed > 0 && tc_.on_prune) tc_.on_prune(pruned_);
  // What killed graders left behind: half-made cache entries, run directories.
  sweep_stale(tc_.cache_dir, 1);
  std::error_code ec;
  sweep_stale(fs::temp_directory_path(ec));
}

std::string builder::prepare() {
  // Side by side: each build's serial tail (the test mains, the precompiled
  // header) overlaps the others' compiles.
  std::vector<std::future<const runtime*>> built;
  for (flavour f : {flavour::normal, flavour::race, flavour::explore})
    built.push_back(std::async(std::launch::async, [this, f] { return &ensure_runtime(f); }));
  std::string first;
  for (auto& b : built)
    if (const std::string& e = b.get()->error; !e.empty() && first.empty()) first = e;
  return first;
}

const builder::runtime& builder::ensure_runtime(flavour f) {
  runtime_slot& slot = runtimes_[static_cast<int>(f)];
  std::call_once(slot.once, [&] { slot.rt = build_runtime(f); });
  return slot.rt;
}

builder::runtime builder::build_runtime(flavour f) {
  runtime rt;
  const fs::path gox = tc_.source_root / "harness" / "gox";
  const fs::path check = tc_.source_root / "harness" / "check";
  const std::string& cxx = cxx_of(f);
  const bool clang = is_clang(cxx);

  std::vector<fs::path> sources, all;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(gox, ec)) {
    if (!e.is_regular_file()) continue;
    all.push_back(e.path());
    if (e.path().extension() == ".cpp" && e.path().parent_path() == gox / "src") sources.push_back(e.path());
  }
  for (const auto& e : fs::recursive_directory_iterator(check, ec))
    if (e.is_regular_file()) all.push_back(e.path());
  std::sort(sources.begin(), sources.end());
  std::sort(all.begin(), all.end());
  if (sources.empty()) {
    rt.error = "gox sources not found under " + gox.string();
    return rt;
  }
  // The source root is part of the key: the precompiled header records the
  // paths of the headers it was made from, so two checkouts must not share it.
  std::error_code canon_ec;
  const fs::path root = fs::weakly_canonical(tc_.source_root, canon_ec);
  std::uint64_t h = hash_string(cxx + join(flavour_flags(f, true, clang)) + join(suite_flags(f, gox, check, clang)) + kPchText +
                                root.string() + "v4");
  for (const auto& p : all) h = hash_string(hex(hash_file(p)), h);
  const fs::path dir = tc_.cache_dir / fmt::format("runtime-{}-{}", to_string(f), hex(h));
  rt.lib = dir / "libgox.a";
  rt.main_obj = dir / "check_main.o";
  rt.support_obj = dir / "support.o";
  rt.judge_obj = dir / "judge_main.o";
  rt.catch_obj = dir / "catch_impl.o";
  if (fs::exists(rt.lib) && fs::exists(rt.main_obj) && fs::exists(rt.catch_obj)) {
    touch_entry(dir);
    rt.ok = true;
    ensure_pch(f, rt, dir);
    return rt;
  }
  const fs::path tmp = make_staging_dir(dir, rt.error);
  if (tmp.empty()) return rt;
  const auto started = std::chrono::steady_clock::now();
  if (tc_.on_progress)
    tc_.on_progress(fmt::format("building the {} runtime (gox, the test mains, a precompiled header; once per "
                                "version)",
                                to_string(f)));
  // gox itself is not instrumented in the race flavour (see harness/gox).
  std::vector<std::future<process_result>> jobs;
  std::vector<std::string> objs;
  auto compile = [&](const fs::path& src, const fs::path& obj, bool instrument, std::vector<std::string> extra) {
    std::vector<std::string> argv = {cxx};
    for (auto& fl : flavour_flags(f, instrument, clang)) argv.push_back(fl);
    argv.insert(argv.end(), {"-O2", "-I" + (gox / "include").string(), "-I" + (gox / "src").string()});
    for (auto& e : extra) argv.push_back(e);
    argv.insert(argv.end(), {"-c", src.string(), "-o", obj.string()});
    return std::async(std::launch::async, run, argv, std::chrono::minutes(5));
  };
  const unsigned width = std::max(2u, std::thread::hardware_concurrency());
  std::string errors;
  // Steps: gox's sources, the test mains (Catch2's implementation, what both
  // mains share, the driver's main and, in the normal flavour, the judge's),
  // the archive and the precompiled header.
  const std::string what = fmt::format("building the {} runtime", to_string(f));
  const int steps = static_cast<int>(sources.size()) + (f == flavour::normal ? 4 : 3) + 2;
  int made = 0;
  auto step = [&](int n) {
    made = std::min(n, steps);
    if (tc_.on_step) tc_.on_step(what, made, steps);
  };
  step(0);
  auto drain = [&](std::size_t keep) {
    while (jobs.size() > keep) {
      process_result r = jobs.front().get();
      jobs.erase(jobs.begin());
      if (!r.exited_ok()) errors += describe_failure(r);
      step(made + 1);
    }
  };
  for (const auto& src : sources) {
    const fs::path obj = tmp / (src.stem().string() + ".o");
    objs.push_back(obj.string());
    jobs.push_back(compile(src, obj, false, {}));
    drain(width - 1);
  }
  // The test mains: Catch2's implementation first (the longest compile), the
  // driver's main (both instrumented in the race flavour), the judge's (which
  // only ever runs in the normal flavour) and what the mains share.
  for (const char* main : {"catch_impl", "check_main", "support", "judge_main"}) {
    if (f != flavour::normal && std::string(main) == "judge_main") continue;
    jobs.push_back(compile(check / (std::string(main) + ".cpp"), tmp / (std::string(main) + ".o"),
                           f == flavour::race, {"-I" + (check / "include").string()}));
    drain(width - 1);
  }
  drain(0);
  if (errors.empty()) {
    std::vector<std::string> ar = {"ar", "rcs", (tmp / "libgox.a").string()};
    ar.insert(ar.end(), objs.begin(), objs.end());
    const process_result r = run(ar, std::chrono::minutes(1));
    if (!r.exited_ok()) errors += describe_failure(r);
  }
  if (!errors.empty()) {
    rt.error = "building the " + std::string(to_string(f)) + " runtime failed:\n" + errors;
    fs::remove_all(tmp, ec);
    step(steps);
    return rt;
  }
  step(steps - 1);
  publish_dir(tmp, dir);
  rt.ok = fs::exists(rt.lib);
  if (!rt.ok) rt.error = "runtime cache vanished: " + dir.string();
  else ensure_pch(f, rt, dir);
  step(steps);
  if (tc_.on_progress)
    tc_.on_progress(fmt::format(
        "the {} runtime built in {:.1f} s", to_string(f),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
  return rt;
}

// The precompiled header is made in the runtime's final directory (clang
// records the header's path in it), written beside its name and renamed.
// Without it suites still build, only slower: a failure here is not fatal.
void builder::ensure_pch(flavour f, runtime& rt, const fs::path& dir) {
  const fs::path header = dir / "pch.hpp";
  const std::string& cxx = cxx_of(f);
  const bool clang = is_clang(cxx);
  const fs::path pch = dir / (clang ? "pch.hpp.pch" : "pch.hpp.gch");
  if (fs::exists(pch) && read_file(header) == kPchText) {
    rt.pch = header;
    return;
  }
  const fs::path pch_tmp = temp_sibling(pch);
  if (!fs::exists(header)) {
    try {
      write_file_atomically(header, kPchText);
    } catch (const std::exception&) {
      return;  // no precompiled header: suites build without it
    }
  }
  std::vector<std::string> argv = {cxx};
  for (auto& fl : suite_flags(f, tc_.source_root / "harness" / "gox", tc_.source_root / "harness" / "check", clang))
    argv.push_back(fl);
  // clang: the templates the headers' own inline functions use are
  // instantiated once, in the header, not at the end of every suite.
  if (clang) argv.push_back("-fpch-instantiate-templates");
  argv.insert(argv.end(), {"-x", "c++-header", header.string(), "-o", pch_tmp.string()});
  const process_result r = run(argv, std::chrono::minutes(5));
  std::error_code ec;
  if (r.exited_ok()) fs::rename(pch_tmp, pch, ec);
  else fs::remove(pch_tmp, ec);
  if (fs::exists(pch)) rt.pch = header;
}

build_output builder::build(flavour f, const fs::path& suite, const fs::path& submission_dir,
                           const std::vector<std::string>& libraries, std::chrono::milliseconds compile_timeout) {
  const runtime& rt = ensure_runtime(f);
  recipe r;
  r.kind = "suite";
  r.f = f;
  r.source = suite;
  r.submission = submission_dir;
  r.objects = {rt.main_obj, rt.catch_obj, rt.support_obj};
  r.libraries = libraries;
  return make_exe(r, compile_timeout);
}

build_output builder::build_judge(const fs::path& judge, const fs::path& data_dir,
                                 const std::vector<std::string>& libraries, std::chrono::milliseconds timeout) {
  const runtime& rt = ensure_runtime(flavour::normal);
  recipe r;
  r.kind = "judge";
  r.f = flavour::normal;
  r.source = judge;
  r.inputs_from = data_dir;
  r.objects = {rt.judge_obj, rt.catch_obj, rt.support_obj};
  r.libraries = libraries;
  return make_exe(r, timeout);
}

build_output builder::make_exe(const recipe& rc, std::chrono::milliseconds compile_timeout) {
  const auto t0 = std::chrono::steady_clock::now();
  const flavour f = rc.f;
  build_output out;
  const runtime& rt = ensure_runtime(f);
  if (!rt.ok) {
    out.our_fault = true;
    out.diagnostics = rt.error;
    return out;
  }
  const std::string& cxx = cxx_of(f);
  const bool clang = is_clang(cxx);
  std::uint64_t h = hash_string(rc.kind + cxx + join(suite_flags(f, tc_.source_root / "harness" / "gox",
                                                               tc_.source_root / "harness" / "check", clang)) +
                                join(link_flags()) + rt.lib.string() + "pch:" + rt.pch.string() + "v5");
  h = hash_string(hex(hash_file(rc.source)), h);
  // Headers beside the source (shared helpers) are inputs too, and so is the
  // test data the judge makes inputs from.
  auto hash_dir = [](std::uint64_t& into, const fs::path& d, const fs::path& except) {
    for (const auto& p : regular_files(d))
      if (p != except) into = hash_string(hex(hash_file(p)), into);
  };
  hash_dir(h, rc.source.parent_path(), rc.source);
  for (const auto& l : rc.libraries) h = hash_string("-l" + l, h);
  if (!rc.inputs_from.empty()) hash_dir(h, rc.inputs_from, {});
  // The submission's files. In the sandbox the compiler sees them in a folder
  // of the same name for every submission, so a program holds no trace of
  // which submission it was built from: a build is keyed by the names of all
  // its files (a file added or removed may change what an #include finds)
  // and the contents of the files the compiler read, as the last successful
  // build of the same source and names recorded them. Mutants and new
  // versions of an answer that change a file a suite does not include reuse
  // its build. Without the sandbox, the folder's own path is the key's.
  out.submission_seen_as = rc.submission.empty() ? fs::path() : tc_.sandbox ? fs::path(kSubmissionMount) : rc.submission;
  std::vector<std::string> all_names;
  std::map<std::string, std::uint64_t> content;  // name -> hash, each file read once
  if (!rc.submission.empty())
    for (const auto& p : regular_files(rc.submission)) {
      all_names.push_back(p.filename().string());
      content[all_names.back()] = hash_file(p);
    }
  h = hash_string("seen as " + out.submission_seen_as.string(), h);
  for (const auto& n : all_names) h = hash_string("name " + n, h);
  const std::string stem = fmt::format("{}-{}-", rc.kind, to_string(f));
  const fs::path manifest = tc_.cache_dir / fmt::format("{}{}.reads", stem, hex(h));
  auto keyed_by = [&](const std::vector<std::string>& names) {
    std::uint64_t k = hash_string("reads", h);
    for (const auto& n : names) k = hash_string(n + "=" + hex(content.at(n)), k);
    return tc_.cache_dir / (stem + hex(k));
  };
  // Where a failed compile is kept: every file counts (a compile that stopped
  // early may not have read them all).
  const fs::path failed_dir = keyed_by(all_names);
  fs::path dir = failed_dir;
  if (!rc.submission.empty() && fs::exists(manifest)) {
    std::vector<std::string> read;
    std::istringstream in(read_file(manifest));
    for (std::string n; std::getline(in, n);)
      if (std::find(all_names.begin(), all_names.end(), n) != all_names.end()) read.push_back(n);
    dir = keyed_by(read);
    touch_entry(manifest);
  }
  out.exe = dir / rc.kind;
  if (!rc.inputs_from.empty()) out.inputs = dir / "inputs";
  if (fs::exists(out.exe)) {
    touch_entry(dir);
    out.ok = out.cached = true;
    out.diagnostics = read_file(dir / "diagnostics.txt");
    return out;
  }
  if (fs::exists(failed_dir / "compile-error.txt")) {  // the same inputs failed before: they would again
    touch_entry(failed_dir);
    out.cached = true;
    out.our_fault = rc.submission.empty();
    out.diagnostics = read_file(failed_dir / "compile-error.txt");
    return out;
  }
  dir = failed_dir;
  // Compiling: said while it lasts (a first compile takes seconds).
  const std::string what = rc.kind == "judge"
                               ? fmt::format("building the judge of {}", rc.source.filename().string())
                               : fmt::format("compiling {} ({} build)", rc.source.filename().string(), to_string(f));
  if (tc_.on_step) tc_.on_step(what, 0, 1);
  struct said_done {
    const toolchain& tc;
    const std::string& what;
    ~said_done() {
      if (tc.on_step) tc.on_step(what, 1, 1);
    }
  } said{tc_, what};
  const fs::path tmp = make_staging_dir(dir, out.diagnostics);
  if (tmp.empty()) {
    out.our_fault = true;
    return out;
  }
  const fs::path gox = tc_.source_root / "harness" / "gox";
  const fs::path check = tc_.source_root / "harness" / "check";
  // The compiler and the linker read the submission (and the judge reads the
  // exercise's data): they run sandboxed, seeing the system, gox's headers,
  // the runtime, the source's folder, the submission or the data and their
  // output folder, nothing else.
  auto run_untrusted = [&](const std::vector<std::string>& argv, std::vector<std::pair<std::string, std::string>> env) {
    if (!tc_.sandbox) {
      process_spec spec;
      spec.argv = argv;
      spec.env = env;
      spec.timeout = compile_timeout;
      spec.output_cap = 256 << 10;
      return run_process(spec);
    }
    std::vector<sandbox_mount> mounts = {{tc_.source_root / "harness", false},
                                         {rt.lib.parent_path(), false},
                                         {rc.source.parent_path(), false},
                                         {tmp, true}};
    if (!rc.submission.empty()) mounts.push_back({rc.submission, false, 0, out.submission_seen_as});
    if (!rc.inputs_from.empty() && fs::is_directory(rc.inputs_from)) mounts.push_back({rc.inputs_from, false});
    process_spec spec;
    sandboxed(spec, argv, mounts, tmp, env);
    spec.timeout = compile_timeout;
    spec.output_cap = 256 << 10;
    spec.output_limit = 8 << 20;
    spec.file_size_limit = 1ULL << 30;
    std::string why;
    auto cg = cgroup_limit::create(4ULL << 30, 256, why);
    if (cg) spec.cgroup_procs = cg->procs_files();
    process_result r = run_process(spec);
    reclaim(mounts);
    if (cg && cg->memory_exceeded() && !r.exited_ok())
      r.output += "\ncompilation stopped: the compiler used more than 4 GiB of memory\n";
    return r;
  };
  auto compile = [&](bool with_pch) {
    std::vector<std::string> cc = {cxx};
    for (auto& fl : suite_flags(f, gox, check, clang)) cc.push_back(fl);
    if (with_pch) {
      // g++ finds pch.hpp.gch beside the header; clang++ is given the file.
      if (clang) cc.insert(cc.end(), {"-include-pch", rt.pch.string() + ".pch"});
      else cc.insert(cc.end(), {"-include", rt.pch.string()});
    }
    if (!rc.submission.empty())
      cc.insert(cc.end(), {"-I" + out.submission_seen_as.string(), "-MD", "-MF", (tmp / "reads.d").string()});
    cc.insert(cc.end(), {"-c", rc.source.string(), "-o", (tmp / "main.o").string()});
    return run_untrusted(cc, {});
  };
  process_result r = compile(!rt.pch.empty());
  // A failure with the precompiled header is confirmed without it before it
  // counts as the submission's: a stale or broken header is our fault.
  if (!r.exited_ok() && !r.timed_out && !rt.pch.empty()) r = compile(false);
  std::string diag = r.output;
  if (r.exited_ok()) {
    std::vector<std::string> ld = {cxx};
    if (f == flavour::race) ld.push_back("-fsanitize=thread");
    ld.insert(ld.end(), link_flags().begin(), link_flags().end());
    ld.insert(ld.end(), {"-pie", (tmp / "main.o").string()});
    for (const auto& o : rc.objects) ld.push_back(o.string());
    ld.insert(ld.end(), {rt.lib.string(), "-l:libboost_fiber.a", "-l:libboost_context.a", "-lfmt", "-pthread"});
    for (const auto& l : rc.libraries) ld.push_back("-l" + l);
    ld.insert(ld.end(), {"-o", (tmp / rc.kind).string()});
    r = run_untrusted(ld, {});
    diag += r.output;
  } else if (r.timed_out) {
    diag += fmt::format("\ncompilation stopped: it took longer than {} s\n", compile_timeout.count() / 1000);
  }
  if (r.exited_ok() && !rc.inputs_from.empty()) {
    // The judge makes the driver's inputs from the test data, once per build.
    std::error_code mk;
    fs::create_directories(tmp / "inputs", mk);
    r = run_untrusted({(tmp / rc.kind).string(), protocol::kInputsSwitch, (tmp / "inputs" / "inputs.json").string()},
                      {{protocol::kDataDir, rc.inputs_from.string()}});
    if (!r.exited_ok()) diag += "making the driver's inputs failed:\n" + r.output;
  }
  if (!rc.submission.empty()) replace_all(diag, out.submission_seen_as.string() + "/", "");
  out.diagnostics = diag;
  std::error_code ec;
  if (!r.exited_ok()) {
    out.our_fault = rc.submission.empty();  // a judge that does not build is the exercise's
    if (!r.timed_out && !r.start_failed && r.term_signal == 0) {
      // A compile error is as deterministic as a success: keep it.
      std::ofstream(tmp / "compile-error.txt") << diag;
      fs::remove(tmp / "main.o", ec);
      fs::remove(tmp / rc.kind, ec);
      publish_dir(tmp, dir);
    } else {
      fs::remove_all(tmp, ec);
    }
    out.wall = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    return out;
  }
  fs::remove(tmp / "main.o", ec);
  std::ofstream(tmp / "diagnostics.txt") << diag;
  if (!rc.submission.empty()) {
    // Keyed by what the compiler read, recorded for the next build.
    // What the compile may read besides the submission: the system's
    // headers, gox's and the test main's, the runtime's precompiled header
    // and the suite's own folder.
    const std::vector<fs::path> elsewhere = {"/usr", tc_.source_root / "harness", rt.lib.parent_path(),
                                             rc.source.parent_path()};
    std::vector<std::string> read =
        submission_files_read(read_file(tmp / "reads.d"), out.submission_seen_as, all_names, elsewhere);
    fs::remove(tmp / "reads.d", ec);
    dir = keyed_by(read);
    out.exe = dir / rc.kind;
    std::string text;
    for (const auto& n : read) text += n + "\n";
    try {
      write_file_atomically(manifest, text);
    } catch (const std::exception&) {
      // Without the record the next build of these names compiles again.
    }
  }
  publish_dir(tmp, dir);
  out.ok = fs::exists(out.exe);
  if (!out.ok) {
    out.our_fault = true;
    out.diagnostics = "build cache vanished: " + dir.string();
  }
  out.wall = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  return out;
}

}  // namespace gograde
