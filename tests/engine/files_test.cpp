#include "engine/files.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

using namespace gograde;

TEST_CASE("A process tag names this process and tells a live process from an ended one", "[files]") {
  const std::string tag = process_tag();
  CHECK(tag.rfind(std::to_string(::getpid()) + ".", 0) == 0);
  CHECK(process_alive(tag));
  // The same PID with another start time is another (ended) process: PIDs are reused.
  CHECK_FALSE(process_alive(std::to_string(::getpid()) + ".1"));
  CHECK_FALSE(process_alive("999999999.5"));
  CHECK_FALSE(process_alive("garbage"));
}

TEST_CASE("Sweeping removes what ended processes left and nothing else", "[files]") {
  const fs::path dir = fs::temp_directory_path() / ("gograde-sweep-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "nested");
  const std::string dead = std::to_string(::getpid()) + ".1";  // this PID, another start: ended
  for (const std::string& n : {"suite-race-ab.tmp-" + dead + "-77", "gograde-run-" + dead + "-Xy12ab",
                               "report.json.tmp-" + dead + "-3", "gograde-judge-" + dead + "-Qw34rt"})
    fs::create_directories(dir / n);
  fs::create_directories(dir / "nested" / ("index.html.tmp-" + dead + "-9"));
  const fs::path mine = dir / ("suite-normal-cd.tmp-" + process_tag() + "-1");
  const fs::path unrelated = dir / "suite-normal-ef";
  fs::create_directories(mine);
  fs::create_directories(unrelated);
  std::ofstream(dir / "a.tmp-notatag-1") << "x";
  // What a process of another machine sharing this directory is writing
  // (with a PID.START that is dead here, even): never swept; what a dead
  // process of this machine left with the same naming is.
  const std::string mark = temp_sibling(dir / "x").filename().string();  // x.tmp-TAG-hHOST-TID
  const std::string host = mark.substr(mark.find("-h") + 2, mark.rfind('-') - mark.find("-h") - 2);
  const fs::path remote = dir / ("summary.json.tmp-" + dead + "-h" + host + "1-5");
  const fs::path local_dead = dir / ("summary.json.tmp-" + dead + "-h" + host + "-5");
  fs::create_directories(remote);
  fs::create_directories(local_dead);

  CHECK(sweep_stale(dir) == 5);
  CHECK_FALSE(fs::exists(local_dead));
  CHECK(fs::exists(dir / "nested" / ("index.html.tmp-" + dead + "-9")));  // depth 0: not below
  CHECK(sweep_stale(dir, 1) == 1);
  CHECK(fs::exists(mine));
  CHECK(fs::exists(unrelated));
  CHECK(fs::exists(dir / "a.tmp-notatag-1"));
  CHECK(fs::exists(remote));
  fs::remove_all(dir);
}
