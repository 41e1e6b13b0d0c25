#include "engine/files.hpp"

#include <unistd.h>

#include <algorithm>
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
  // PID.START.HOST: with this machine's number, judged here; the tag without
  // its host part is the same process.
  const std::string host = tag.substr(tag.rfind('.') + 1);
  CHECK(std::count(tag.begin(), tag.end(), '.') == 2);
  CHECK(process_alive(tag.substr(0, tag.rfind('.'))));
  CHECK_FALSE(process_alive(std::to_string(::getpid()) + ".1." + host));
  // Another machine's process cannot be judged from here: it counts as alive.
  const std::string other = host == "7" ? "8" : "7";
  CHECK(process_alive("999999999.5." + other));
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
  // (the same PID as ours, even): never swept.
  const std::string host = process_tag().substr(process_tag().rfind('.') + 1);
  const fs::path remote = dir / ("summary.json.tmp-" + std::to_string(::getpid()) + ".1." + host + "1-5");
  fs::create_directories(remote);

  CHECK(sweep_stale(dir) == 4);
  CHECK(fs::exists(dir / "nested" / ("index.html.tmp-" + dead + "-9")));  // depth 0: not below
  CHECK(sweep_stale(dir, 1) == 1);
  CHECK(fs::exists(mine));
  CHECK(fs::exists(unrelated));
  CHECK(fs::exists(dir / "a.tmp-notatag-1"));
  CHECK(fs::exists(remote));
  fs::remove_all(dir);
}
