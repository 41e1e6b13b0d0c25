#include "engine/init.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>

#include "engine/files.hpp"

namespace gograde {

std::string workspace_cmake(const exercise& ex, const fs::path& gox_package_dir) {
  std::string libs;
  for (const auto& l : ex.libraries) libs += " " + l;
  std::string project = ex.slug;
  for (char& c : project)
    if (c == '-') c = '_';
  const std::string hints =
      gox_package_dir.empty() ? "" : fmt::format(" HINTS \"{}\"", gox_package_dir.generic_string());
  return fmt::format(R"(# Workspace for the gograde exercise "{slug}" (written by `gograde init`).
# Builds the visible tests against gox, gograde's Go-style runtime, and the
# test main of gograde's suites, both prebuilt in gox's CMake package
# (installed with gograde; -DCMAKE_PREFIX_PATH=<prefix> or -Dgox_DIR=<dir>
# when it is somewhere CMake does not look):
#   cmake -S . -B build && cmake --build build && ./build/visible_tests
# Grading uses its own builds (normal and ThreadSanitizer): run
#   gograde test {slug} .
cmake_minimum_required(VERSION 3.20)
project(gograde_{project} CXX)
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE RelWithDebInfo)
endif()

find_package(gox CONFIG REQUIRED{hints})

add_executable(visible_tests tests/visible_test.cpp)
target_include_directories(visible_tests PRIVATE ${{CMAKE_CURRENT_SOURCE_DIR}})
target_link_libraries(visible_tests PRIVATE gox::check gox::gox{libraries})

enable_testing()
add_test(NAME visible COMMAND visible_tests)
)",
                     fmt::arg("slug", ex.slug), fmt::arg("project", project), fmt::arg("hints", hints),
                     fmt::arg("libraries", libs));
}

std::vector<fs::path> init_workspace(const exercise& ex, const fs::path& dir, const fs::path& gox_package_dir,
                                     bool force) {
  // Everything to write, decided before anything is written.
  std::map<fs::path, std::string> files;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(ex.starter_dir(), ec))
    if (e.is_regular_file()) files[e.path().lexically_relative(ex.starter_dir())] = read_file(e.path());
  if (ec) throw config_error(ex.starter_dir().string() + ": " + ec.message());
  for (const auto& f : ex.candidate_files)
    if (!files.count(f)) throw config_error(fmt::format("{}: starter/{} missing", ex.slug, f));
  files["tests/visible_test.cpp"] = read_file(ex.visible_suite());
  files["README.md"] = read_file(ex.statement());
  files["CMakeLists.txt"] = workspace_cmake(ex, gox_package_dir);
  files[".gitignore"] = "build/\n";

  std::vector<std::string> clash;
  for (const auto& [rel, text] : files)
    if (fs::exists(dir / rel)) clash.push_back(rel.string());
  if (!clash.empty() && !force)
    throw config_error(fmt::format("{}: would overwrite {} (use --force to replace them)", dir.string(),
                                   fmt::join(clash, ", ")));
  std::vector<fs::path> written;
  for (const auto& [rel, text] : files) {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream out(dir / rel, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + (dir / rel).string());
    written.push_back(rel);
  }
  return written;
}

}  // namespace gograde
