#pragma once
/// The build cache's size: least recently used entries go when it outgrows
/// its limit.
///
/// An entry is what the build driver and the grader make in the cache
/// (`runtime-*`, `suite-*`, `judge-*`, `submission-*` folders and
/// `astcheck-*.txt` files, named by a 16-digit hash); nothing else in the
/// folder is ever counted or removed, so a cache pointed at a folder holding
/// other files leaves them alone. Using an entry stamps its modification
/// time (touch_entry), which orders entries by their last use.
///
/// Every gograde process that builds holds the cache's lock shared
/// (`.lock` in the cache, flock); pruning needs it exclusive, so it happens
/// only when no other process is using the cache and can never remove an
/// entry a grade is about to run.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gograde {

namespace fs = std::filesystem;

/// The default limit: room for a few runtime versions (about 350 MB each,
/// three flavours) and a few hundred graded submissions.
constexpr std::uintmax_t kDefaultCacheMax = std::uintmax_t{10} << 30;

struct cache_entry {
  fs::path path;
  std::string kind;  // runtime, suite, judge, submission, astcheck
  std::uintmax_t bytes = 0;
  fs::file_time_type used{};
};

/// The cache's entries, least recently used first.
std::vector<cache_entry> cache_entries(const fs::path& dir);

/// Marks an entry as used now (its modification time); errors are ignored.
void touch_entry(const fs::path& entry);

struct prune_result {
  std::uintmax_t before = 0;  // bytes in entries
  std::uintmax_t after = 0;
  int removed = 0;
};

/// Removes least recently used entries until the entries take at most
/// `target` bytes. The caller holds the lock exclusive.
prune_result prune_cache(const fs::path& dir, std::uintmax_t target);

/// "10G", "512M", "2GiB", "700k", a plain number of bytes, or "0" (no
/// limit); nullopt when malformed.
std::optional<std::uintmax_t> parse_size(const std::string& text);
/// 1.2 GB, 350 MB, 12 kB, 0 B.
std::string format_size(std::uintmax_t bytes);

/// The cache's lock: a file descriptor on `<dir>/.lock`, closed on exec.
class cache_lock {
 public:
  explicit cache_lock(const fs::path& dir);
  ~cache_lock();
  cache_lock(const cache_lock&) = delete;
  cache_lock& operator=(const cache_lock&) = delete;
  cache_lock(cache_lock&& o) noexcept;
  cache_lock& operator=(cache_lock&&) = delete;

  /// True if no other process holds it; then it is held exclusive.
  bool try_exclusive();
  /// Held shared (waits while another process prunes).
  void shared();
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// What a builder does when it opens the cache: if no other process uses it,
/// no process has measured it within `every` (`.size-checked`, stamped on
/// each measure: a command's start need not walk a large cache each time),
/// and its entries take more than `max` bytes (0: no limit), prunes them to
/// 80% of `max`, so that pruning is not needed again at once; then holds
/// the lock shared for as long as `lock` lives. The result says what was
/// pruned (removed 0: nothing).
prune_result open_cache(const fs::path& dir, std::uintmax_t max, cache_lock& lock,
                        std::chrono::seconds every = std::chrono::minutes(10));

}  // namespace gograde
