// Seeded random and adversarial input for everything that reads untrusted or
// hand-written text: exercise and rubric files, set manifests, and
// ThreadSanitizer's reports (which the program under test writes). Each must
// answer with its own error model (config_error for exercise files, no
// report for garbage) and never crash, hang or throw anything else.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <random>

#include "engine/catalog.hpp"
#include "engine/exercise.hpp"
#include "engine/race_report.hpp"

using namespace gograde;

namespace {

std::string soup(std::mt19937_64& rng, const std::vector<std::string>& atoms, int max_len) {
  std::string s;
  const int n = static_cast<int>(rng() % static_cast<unsigned>(max_len));
  for (int k = 0; k < n; ++k) {
    if (rng() % 5 == 0) s.push_back(static_cast<char>(rng() & 0xff));
    else s += atoms[rng() % atoms.size()];
  }
  return s;
}

const std::string kValidMeta =
    "slug = \"fz\"\ntitle = \"F\"\ndifficulty = \"easy\"\ncandidate_files = [\"a.hpp\"]\n";
const std::string kValidRubric = "[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"s.cpp\"\n";

}  // namespace

TEST_CASE("Exercise, rubric and manifest loaders answer any input with a config_error or a result", "[fuzz]") {
  const fs::path root = fs::temp_directory_path() / ("gograde-fuzz-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "exercises/fz/tests");
  fs::create_directories(root / "graders/fz/suites");
  fs::create_directories(root / "reference/fz");
  std::ofstream(root / "exercises/fz/tests/visible_test.cpp") << "";
  std::ofstream(root / "graders/fz/suites/s.cpp") << "";
  std::ofstream(root / "graders/fz/suites/s_judge.cpp") << "";
  std::mt19937_64 rng(0x6f67726164ULL);
  const std::vector<std::string> atoms = {
      "[[item]]\n", "[limits]\n", "id = ", "\"x\"", "points = ", "-1", "99999999999999999999", "suite = ",
      "\"../../etc/passwd\"", "runs = [", "\"det:1-3\"", "\"par:4x2\"", "\"virt:0-99999999\"", "\"det:5-1\"", "]",
      "builds = [\"race\", \"normal\", \"x\"]", "timeout_seconds = ", "1e308", "requires = [\"b.hpp\"]", "\n", "=",
      "{", "}", "'''", "\"\"\"", "#", "memory_mb = ", "stall_seconds = ", "file_kb = 0", "candidate_files = []",
      "optional_files = [\"a.hpp\"]", "title = ", "slug = ", "tests = \"[x]\"", "nan", "inf", "true", "\\u0000"};
  int loaded = 0, refused = 0;
  for (int round = 0; round < 1500; ++round) {
    const bool fuzz_meta = round % 2 == 0;
    std::ofstream(root / "exercises/fz/exercise.toml") << (fuzz_meta ? kValidMeta + soup(rng, atoms, 40) : kValidMeta);
    std::ofstream(root / "graders/fz/rubric.toml") << (fuzz_meta ? kValidRubric : soup(rng, atoms, 60));
    std::ofstream(root / kManifestFile) << "name = \"fz\"\nversion = \"1\"\n" << soup(rng, atoms, 20);
    try {
      (void)load_exercise(root, "fz");
      ++loaded;
    } catch (const config_error&) {
      ++refused;
    }
    try {
      (void)load_manifest(root);
    } catch (const config_error&) {
    }
  }
  fs::remove_all(root);
  CHECK(loaded + refused == 1500);
  CHECK(refused > 0);
}

TEST_CASE("The race-report parser is total and linear on adversarial program output", "[fuzz]") {
  const std::string huge(1 << 20, 'x');
  const std::vector<std::string> inputs = {
      "WARNING: ThreadSanitizer: " + huge + " (pid=" + std::string(100000, '9') + ")\n",
      "WARNING: ThreadSanitizer: data race\n  Write of size 8 at " + huge + " by thread T1:\n    #0 " + huge + "\n",
      "WARNING: ThreadSanitizer: data race\n  Previous read of size " + std::string(200000, '7') + " at 0x1 by main thread:\n",
      "WARNING: ThreadSanitizer: data race\n  Thread T" + std::string(200000, '1') + " '" + huge + "\n",
      "WARNING: ThreadSanitizer: data race\n    #0 f " + std::string(300000, '(') + "x+0x1)\n",
      "WARNING: ThreadSanitizer: data race\n  Location is " + huge + ":\n",
  };
  for (const auto& in : inputs) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto reports = race::parse(in);
    CHECK(reports.size() == 1);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  }
  std::mt19937_64 rng(66);
  const std::vector<std::string> atoms = {"WARNING: ThreadSanitizer: data race (pid=1)\n", "  Write of size 8 at 0x1 by ",
                                          "thread T", "main thread", "1", ":\n", "    #0 ", "f(int) ", "/a.cpp:1:2 ",
                                          "(bin+0x10)", " (BuildId: ab)", "\n", "  Thread T1 'w @a.cpp:3' (tid=1)\n",
                                          "==================\n", "SUMMARY: ThreadSanitizer: x\n", "Previous ", "atomic "};
  std::size_t seen = 0;
  for (int round = 0; round < 3000; ++round) seen += race::parse(soup(rng, atoms, 80)).size();
  CHECK(seen > 0);
}
