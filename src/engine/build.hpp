#pragma once
/// The build driver: compiles a suite against a submission, in the normal or
/// the race flavour.
///
/// The runtime (gox), the suites' test main and their precompiled header are
/// compiled once per flavour
/// and kept in the cache; a suite executable is keyed by the hash of every
/// input (compiler, flags, suite, submission files, runtime), so identical
/// inputs are never rebuilt. Cache entries are written beside their final
/// name and renamed into place, so an interrupted build leaves nothing half
/// made. Thread-safe: builds may run concurrently.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/cache.hpp"
#include "engine/exercise.hpp"

namespace gograde {

/// Where the sandboxed compiler sees the submission's files, whichever
/// submission it compiles.
inline constexpr const char* kSubmissionMount = "/gograde-submission";

/// The standard library's and gox's headers every answer includes: the
/// suites' precompiled header holds them (with Catch2's and the grader's),
/// and so does the code check's (engine/astcheck.hpp).
inline constexpr const char* kAnswerStdHeaders =
    "#include <atomic>\n#include <chrono>\n#include <functional>\n#include <mutex>\n#include <string>\n"
    "#include <thread>\n#include <vector>\n";
inline constexpr const char* kAnswerGoxHeaders =
    "#include \"gox/chan.hpp\"\n#include \"gox/context.hpp\"\n#include \"gox/runtime.hpp\"\n"
    "#include \"gox/sync.hpp\"\n#include \"gox/time.hpp\"\n";

struct toolchain {
  fs::path source_root;  // holds harness/gox and harness/check
  fs::path cache_dir;
  /// The normal flavour's compiler (clang++ or g++), and the race and
  /// exploration flavours' (clang++: ThreadSanitizer's instrumentation). Both
  /// default to clang++: its precompiled header saves about a second of every
  /// suite compile over g++'s.
  std::string cxx_normal = "clang++";
  std::string cxx_race = "clang++";
  /// Compile and run submissions inside the sandbox (engine/sandbox.hpp).
  /// Off only when the user asked for it (--no-sandbox).
  bool sandbox = true;
  /// The cache's size limit (engine/cache.hpp); 0: none.
  std::uintmax_t cache_max = kDefaultCacheMax;
  /// Told what opening the cache pruned, when it removed anything.
  std::function<void(const prune_result&)> on_prune;
  /// Told, in a line, when a runtime build starts and ends (minutes on a
  /// fresh cache: worth saying).
  std::function<void(const std::string&)> on_progress;
  /// Told, as a build goes, how far along it is: `what` ("building the race
  /// runtime", "compiling hidden_test.cpp (race build)") has `done` of `total` steps made;
  /// done == total when it ended (either way). Called from several threads.
  std::function<void(const std::string& what, int done, int total)> on_step;
};

struct build_output {
  bool ok = false;
  bool our_fault = false;  // the runtime or test main failed to build
  fs::path exe;
  fs::path inputs;  // a judge's: the folder holding the driver's inputs.json
  std::string diagnostics;  // compiler output, submission paths made relative
  /// The path the program's file names give the submission's folder (where
  /// the compiler saw it): kSubmissionMount in the sandbox; empty for a judge.
  fs::path submission_seen_as;
  bool cached = false;
  std::chrono::milliseconds wall{0};
};

/// The files of a submission (named in `names`) that a dependency file made
/// by the compiler's -MD lists, as paths under `seen_as`, sorted. Every other
/// file it lists must lie under one of `elsewhere` (folders that cannot hold
/// the submission's files). Anything it cannot account for (no list, a name
/// not in `names`, a relative path, a file elsewhere, such as
/// /proc/self/root/..., another way to the same files) makes it answer every
/// name: never fewer inputs than the compile may have read.
std::vector<std::string> submission_files_read(const std::string& deps, const fs::path& seen_as,
                                               const std::vector<std::string>& names,
                                               const std::vector<fs::path>& elsewhere);

class builder {
 public:
  /// Removes what killed graders left in the cache and in /tmp (see
  /// sweep_stale), prunes the cache when it is over its limit and no other
  /// process uses it, and holds the cache's lock shared while it lives.
  explicit builder(toolchain tc);
  /// What opening the cache pruned (removed 0: nothing).
  const prune_result& pruned() const { return pruned_; }
  /// Builds the runtime of every flavour now, so that processes sharing the
  /// cache find it made. Returns the first error, or "".
  std::string prepare();
  /// Builds `suite` with the submission's files (in `submission_dir`) on the
  /// include path, and the flavour's precompiled header (Catch2, gox) first,
  /// linked with `libraries` (-l<name>) besides gox.
  build_output build(flavour f, const fs::path& suite, const fs::path& submission_dir,
                     const std::vector<std::string>& libraries = {},
                     std::chrono::milliseconds compile_timeout = std::chrono::minutes(2));
  /// Builds the judge half of a hidden suite (normal flavour, never with a
  /// submission on its include path) and has it make the driver's inputs from
  /// the exercise's `data_dir`. A judge that does not build is the exercise's
  /// fault (our_fault).
  build_output build_judge(const fs::path& judge, const fs::path& data_dir,
                           const std::vector<std::string>& libraries = {},
                           std::chrono::milliseconds timeout = std::chrono::minutes(2));
  const toolchain& tools() const { return tc_; }

 private:
  struct recipe {
    std::string kind;       // "suite" (a driver, or a visible suite) or "judge": names the cache entry and the exe
    flavour f = flavour::normal;
    fs::path source;
    fs::path submission;    // on the include path (a driver), or empty
    fs::path inputs_from;   // test data the judge makes inputs from, or empty
    std::vector<fs::path> objects;  // the test main and what it needs
    std::vector<std::string> libraries;
  };
  build_output make_exe(const recipe& r, std::chrono::milliseconds compile_timeout);

  struct runtime {
    bool ok = false;
    fs::path lib, main_obj, support_obj, judge_obj, catch_obj;
    fs::path pch;  // the precompiled header's header; empty: none
    std::string error;
  };
  const runtime& ensure_runtime(flavour f);
  runtime build_runtime(flavour f);
  void ensure_pch(flavour f, runtime& rt, const fs::path& dir);
  const std::string& cxx_of(flavour f) const { return f == flavour::normal ? tc_.cxx_normal : tc_.cxx_race; }

  toolchain tc_;
  cache_lock lock_;
  prune_result pruned_;
  // Each flavour's runtime, found or built once in this process; the three
  // build side by side (each waits only for its own).
  struct runtime_slot {
    std::once_flag once;
    runtime rt;
  };
  runtime_slot runtimes_[3];
};

/// FNV-1a of a file's bytes (0 if unreadable), for cache keys.
std::uint64_t hash_file(const fs::path& p);
std::uint64_t hash_string(const std::string& s, std::uint64_t h = 1469598103934665603ULL);

}  // namespace gograde
