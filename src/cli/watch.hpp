#pragma once
// Waiting for a submission to change (gograde test --watch): inotify on the
// directory that holds it, so that editors which save by writing a new file
// and renaming it over the old one are seen too.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace gograde::cli {

namespace fs = std::filesystem;

class file_watcher {
 public:
  /// Watches `dir` for files named in `names` (any file when empty) being
  /// written, created, renamed into place or removed. Throws
  /// std::runtime_error when inotify is unavailable.
  file_watcher(const fs::path& dir, std::vector<std::string> names);
  ~file_watcher();
  file_watcher(const file_watcher&) = delete;
  file_watcher& operator=(const file_watcher&) = delete;

  /// Blocks until a watched file changed, then until `quiet` passed without
  /// another change (a save is often several writes); returns the names that
  /// changed, sorted.
  std::vector<std::string> wait(std::chrono::milliseconds quiet = std::chrono::milliseconds(300));

 private:
  // Reads the events pending within `timeout` (-1: wait); adds the watched
  // names among them to `changed`. False when none came in time.
  bool read_events(int timeout_ms, std::vector<std::string>& changed);

  int fd_ = -1;
  std::vector<std::string> names_;
};

}  // namespace gograde::cli
