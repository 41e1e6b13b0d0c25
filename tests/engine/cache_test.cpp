#include "engine/cache.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>

using namespace gograde;

namespace {

struct scratch {
  fs::path dir = fs::temp_directory_path() / ("gograde-cache-test-" + std::to_string(::getpid()));
  scratch() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  // An entry of `bytes` bytes, last used `age` minutes ago.
  fs::path entry(const std::string& name, std::size_t bytes, int age) const {
    const fs::path p = dir / name;
    const bool file = name.size() > 4 && name.compare(name.size() - 4, 4, ".txt") == 0;
    if (file) {
      std::ofstream(p) << std::string(bytes, 'x');
    } else {
      fs::create_directories(p / "sub");
      std::ofstream(p / "sub" / "payload") << std::string(bytes, 'x');
    }
    fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::minutes(age));
    return p;
  }
};

std::uintmax_t total(const std::vector<cache_entry>& v) {
  std::uintmax_t t = 0;
  for (const auto& e : v) t += e.bytes;
  return t;
}

const std::string h16 = "0123456789abcdef";

}  // namespace

TEST_CASE("Cache sizes parse with binary units and print readably", "[cache]") {
  CHECK(parse_size("0") == std::uintmax_t{0});
  CHECK(parse_size("1234") == std::uintmax_t{1234});
  CHECK(parse_size("10G") == std::uintmax_t{10} << 30);
  CHECK(parse_size("10GiB") == std::uintmax_t{10} << 30);
  CHECK(parse_size("512m") == std::uintmax_t{512} << 20);
  CHECK(parse_size("700KB") == std::uintmax_t{700} << 10);
  CHECK(parse_size("2T") == std::uintmax_t{2} << 40);
  for (const char* bad : {"", "G", "-1", "1.5G", "10 G", "10X", "10GG", "99999999999999999999", "9999999999999T"}) {
    INFO(bad);
    CHECK_FALSE(parse_size(bad).has_value());
  }
  CHECK(format_size(0) == "0 B");
  CHECK(format_size(1536) == "1.5 KiB");
  CHECK(format_size(std::uintmax_t{350} << 20) == "350.0 MiB");
  CHECK(format_size(std::uintmax_t{12} << 30) == "12.0 GiB");
}

TEST_CASE("Cache entries are only what gograde makes, least recently used first", "[cache]") {
  scratch s;
  s.entry("runtime-normal-" + h16, 3000, 50);
  s.entry("suite-race-" + h16, 2000, 10);
  s.entry("judge-normal-" + h16, 500, 30);
  s.entry("submission-" + h16, 100, 40);
  s.entry("astcheck-" + h16 + ".txt", 50, 20);
  s.entry("suite-race-" + h16 + ".reads", 20, 5);  // what a suite's compiler read
  // Not ours: other names, a half-made entry, a lock, a symlink to an entry.
  s.entry("suite-race-" + h16 + ".tmp-1.2-3", 9000, 90);
  s.entry("suite-race-" + h16 + ".reads.tmp-1.2-3", 9000, 90);
  s.entry("notes.txt", 9000, 90);
  s.entry("suite-race-0123", 9000, 90);
  std::ofstream(s.dir / ".lock") << "";
  fs::create_directory_symlink(s.dir / ("runtime-normal-" + h16), s.dir / ("runtime-race-" + h16));

  const auto v = cache_entries(s.dir);
  REQUIRE(v.size() == 6);
  CHECK(v[0].kind == "runtime");
  CHECK(v[1].kind == "submission");
  CHECK(v[2].kind == "judge");
  CHECK(v[3].kind == "astcheck");
  CHECK(v[4].kind == "suite");
  CHECK(v[5].kind == "suite");
  CHECK(v[5].bytes == 20);
  CHECK(v[0].bytes == 3000);
  CHECK(total(v) == 5670);

  // Using an entry makes it the most recent.
  touch_entry(s.dir / ("runtime-normal-" + h16));
  CHECK(cache_entries(s.dir).back().kind == "runtime");
  touch_entry(s.dir / "no-such-entry");  // ignored
}

TEST_CASE("Pruning removes the least recently used entries down to the target, nothing else", "[cache]") {
  scratch s;
  s.entry("runtime-normal-" + h16, 3000, 50);
  s.entry("submission-" + h16, 100, 40);
  s.entry("judge-normal-" + h16, 500, 30);
  s.entry("astcheck-" + h16 + ".txt", 50, 20);
  s.entry("suite-race-" + h16, 2000, 10);
  s.entry("notes.txt", 9000, 90);

  prune_result r = prune_cache(s.dir, 2600);
  CHECK(r.before == 5650);
  CHECK(r.removed == 2);  // the runtime (3000), then the submission (100): 2550 left
  CHECK(r.after == 2550);
  CHECK_FALSE(fs::exists(s.dir / ("runtime-normal-" + h16)));
  CHECK_FALSE(fs::exists(s.dir / ("submission-" + h16)));
  CHECK(fs::exists(s.dir / ("suite-race-" + h16)));
  CHECK(fs::exists(s.dir / "notes.txt"));
  CHECK(total(cache_entries(s.dir)) == 2550);

  // Under the target: nothing goes. Target 0: every entry, still nothing else.
  CHECK(prune_cache(s.dir, 2550).removed == 0);
  r = prune_cache(s.dir, 0);
  CHECK(r.removed == 3);
  CHECK(r.after == 0);
  CHECK(cache_entries(s.dir).empty());
  CHECK(fs::exists(s.dir / "notes.txt"));
  // No leftovers of the removal.
  for (const auto& e : fs::directory_iterator(s.dir)) CHECK(e.path().filename().string().rfind(".evicting-", 0) != 0);
}

TEST_CASE("Opening the cache prunes only over the limit and only when no other process uses it", "[cache]") {
  scratch s;
  for (int i = 0; i < 10; ++i) s.entry("suite-normal-" + h16.substr(0, 15) + std::to_string(i), 1000, 100 - i);

  {
    // Another user holds the lock shared (a lock on another open file
    // description conflicts as one in another process would).
    cache_lock other(s.dir);
    other.shared();
    cache_lock mine(s.dir);
    const prune_result r = open_cache(s.dir, 5000, mine, std::chrono::seconds(0));
    CHECK(r.removed == 0);
    CHECK(cache_entries(s.dir).size() == 10);
    // And while `mine` holds it shared, nobody else may prune either.
    cache_lock third(s.dir);
    CHECK_FALSE(third.try_exclusive());
  }
  {
    cache_lock mine(s.dir);
    CHECK(open_cache(s.dir, 0, mine, std::chrono::seconds(0)).removed == 0);  // no limit
  }
  {
    cache_lock mine(s.dir);
    CHECK(open_cache(s.dir, 20000, mine, std::chrono::seconds(0)).removed == 0);  // under it
  }
  {
    cache_lock mine(s.dir);
    const prune_result r = open_cache(s.dir, 5000, mine, std::chrono::seconds(0));  // over: down to 80% of it
    CHECK(r.before == 10000);
    CHECK(r.after == 4000);
    CHECK(r.removed == 6);
    const auto left = cache_entries(s.dir);
    REQUIRE(left.size() == 4);
    CHECK(left.front().path.filename().string() == "suite-normal-" + h16.substr(0, 15) + "6");  // the newest kept
    cache_lock other(s.dir);
    CHECK_FALSE(other.try_exclusive());  // held shared after pruning
  }
  cache_lock free_again(s.dir);
  CHECK(free_again.try_exclusive());
}

TEST_CASE("A command's start measures the cache at most once per interval", "[cache]") {
  scratch s;
  for (int i = 0; i < 4; ++i) s.entry("suite-normal-" + h16.substr(0, 15) + std::to_string(i), 1000, 100 - i);
  {
    cache_lock mine(s.dir);
    CHECK(open_cache(s.dir, 100000, mine, std::chrono::minutes(10)).removed == 0);  // measured: under the limit
  }
  {
    // Within the interval: not measured again, even over a lower limit.
    cache_lock mine(s.dir);
    CHECK(open_cache(s.dir, 2000, mine, std::chrono::minutes(10)).removed == 0);
    CHECK(cache_entries(s.dir).size() == 4);
  }
  {
    // Once the interval has passed, it is.
    fs::last_write_time(s.dir / ".size-checked", fs::file_time_type::clock::now() - std::chrono::minutes(11));
    cache_lock mine(s.dir);
    CHECK(open_cache(s.dir, 2000, mine, std::chrono::minutes(10)).removed == 3);
  }
}
