#pragma once
/// `gograde init`: a candidate's workspace for one exercise — the starter
/// files, the visible tests, the statement, and a CMake project that builds
/// the visible tests against gox (compile_commands.json for IDEs). Never
/// overwrites a file unless asked to.

#include <filesystem>
#include <string>
#include <vector>

#include "engine/exercise.hpp"

namespace gograde {

/// The CMake project text for `ex`: its visible tests linked with gox and
/// the test main of gox's installed CMake package (find_package(gox), looked
/// for first in `gox_package_dir` when given, then where CMake looks).
std::string workspace_cmake(const exercise& ex, const fs::path& gox_package_dir);

/// Writes the workspace into `dir` (created if needed) and returns the files
/// written, relative to `dir`. Throws config_error, before writing anything,
/// when a file exists and `force` is false.
std::vector<fs::path> init_workspace(const exercise& ex, const fs::path& dir, const fs::path& gox_package_dir,
                                     bool force);

}  // namespace gograde
