#include "engine/intake.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

using namespace gograde;

namespace {

struct scratch {
  fs::path dir;
  scratch() {
    dir = fs::temp_directory_path() / ("gograde-intake-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "sub");
  }
  ~scratch() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir / "sub" / name) << text; }
};

std::string joined(const submission_files& s) {
  std::string out;
  for (const auto& r : s.refused) out += r + "\n";
  return out;
}

}  // namespace

TEST_CASE("Intake reads regular files and refuses links, FIFOs, directories and large files by name", "[intake]") {
  const exercise ex = load_exercise(GOGRADE_SOURCE_DIR, "safe-counter");
  scratch s;
  SECTION("a plain submission is read byte for byte, the optional file too") {
    s.write("counter.hpp", "int x;\n");
    s.write("atomic_counter.hpp", "int y;\n");
    const auto sub = read_submission(ex, s.dir / "sub");
    REQUIRE(sub.refused.empty());
    REQUIRE(sub.files.size() == 2);
    CHECK(sub.files[0].name == "counter.hpp");
    CHECK(sub.files[0].bytes == "int x;\n");
    CHECK(sub.has("atomic_counter.hpp"));
  }
  SECTION("a symbolic link to a file outside is refused, and its target is never read") {
    fs::create_symlink("/etc/shadow", s.dir / "sub" / "counter.hpp");
    const auto sub = read_submission(ex, s.dir / "sub");
    CHECK(sub.files.empty());
    CHECK(joined(sub).find("counter.hpp: a symbolic link (to /etc/shadow)") != std::string::npos);
  }
  SECTION("a symbolic link to the reference solution, or to a file beside it, is refused") {
    fs::create_symlink(fs::path(GOGRADE_SOURCE_DIR) / "reference/safe-counter/counter.hpp", s.dir / "sub" / "counter.hpp");
    s.write("real.hpp", "int x;");
    fs::create_symlink("real.hpp", s.dir / "sub" / "atomic_counter.hpp");
    const auto sub = read_submission(ex, s.dir / "sub");
    CHECK(sub.refused.size() == 2);
    CHECK(sub.files.empty());
  }
  SECTION("a hard link is refused") {
    s.write("other.hpp", "int x;");
    fs::create_hard_link(s.dir / "sub" / "other.hpp", s.dir / "sub" / "counter.hpp");
    CHECK(joined(read_submission(ex, s.dir / "sub")).find("a hard link") != std::string::npos);
  }
  SECTION("a FIFO is refused without blocking, a directory is refused") {
    REQUIRE(::mkfifo((s.dir / "sub" / "counter.hpp").c_str(), 0600) == 0);
    fs::create_directory(s.dir / "sub" / "atomic_counter.hpp");
    const std::string r = joined(read_submission(ex, s.dir / "sub"));
    CHECK(r.find("counter.hpp: a FIFO") != std::string::npos);
    CHECK(r.find("atomic_counter.hpp: a directory") != std::string::npos);
  }
  SECTION("a file over the per-file limit is refused with the limit named") {
    s.write("counter.hpp", std::string((ex.limits.file_kb + 1) * 1024, 'x'));
    CHECK(joined(read_submission(ex, s.dir / "sub")).find("more than the limit of 256 KiB") != std::string::npos);
  }
  SECTION("an empty or wrong directory is refused up front, naming the file it lacks") {
    s.write("pool.hpp", "int x;");
    try {
      (void)read_submission(ex, s.dir / "sub");
      FAIL("an empty submission was accepted");
    } catch (const config_error& e) {
      CHECK(std::string(e.what()).find("no counter.hpp in") != std::string::npos);
    }
  }
  SECTION("a missing path is a configuration error") {
    CHECK_THROWS_AS(read_submission(ex, s.dir / "nowhere"), config_error);
  }
}
