#pragma once
/// Checking a submission after preprocessing, on clang's AST.
///
/// The token scan (scan.hpp) reads the text; this reads what the compiler
/// sees: macros expanded, includes resolved, names bound to their
/// declarations. gograde-astcheck (src/astcheck, libclang) runs in the
/// sandbox on the staged submission and enforces an allowlist of what an
/// answer may use: its own code, gox's interface, the C++ standard library
/// but files and processes, the C library's memory, string, character,
/// number, math and output functions, and what the exercise's `[allow]`
/// table adds. Rejected with file:line: inline asm, C linkage, declarations
/// in the std, gox, gograde, Catch or boost namespaces, global operator
/// new/delete, non-standard attributes, includes of anything else, and calls
/// into process, signal, descriptor, environment, file and dynamic-loading
/// functions.
///
/// Results are cached per submission and exercise allowlist.

#include <chrono>
#include <string>
#include <vector>

#include "engine/build.hpp"
#include "engine/exercise.hpp"
#include "engine/process.hpp"
#include "engine/scan.hpp"

namespace gograde {

struct ast_check {
  enum class result {
    clean,
    forbidden,    ///< `found` lists what was used
    not_parsed,   ///< clang cannot compile it: `text` has the errors (a compile error)
    timed_out,    ///< the check ran out of time (like a compile that does)
    failed        ///< the checker itself failed: our fault
  } r = result::clean;
  std::vector<forbidden> found;
  std::string text;
};

/// gograde-astcheck beside the running gograde, or empty.
const fs::path& astcheck_path();

/// The headers every answer includes (the standard library's the suites
/// include, gox's interface), precompiled by `tool` for its checks, in the
/// cache: made on first use (about two seconds), then found. Empty when it
/// cannot be made (the checks then parse those headers themselves).
fs::path astcheck_pch(const toolchain& tc, const fs::path& tool = astcheck_path());

/// Checks the submission's `files` staged in `staged` with the checker
/// `tool` (astcheck_path()), run by `run`. With the precompiled headers of
/// astcheck_pch() when there are; a check that does not parse with them is
/// made again without (a broken precompiled header is never the answer's).
ast_check check_ast(const toolchain& tc, const exercise& ex, const fs::path& staged,
                    const std::vector<std::string>& files, std::chrono::seconds timeout,
                    const fs::path& tool = astcheck_path(), const process_runner& run = run_process);


}  // namespace gograde
