#include "watch.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gograde::cli {

file_watcher::file_watcher(const fs::path& dir, std::vector<std::string> names) : names_(std::move(names)) {
  fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd_ < 0) throw std::runtime_error(std::string("cannot watch files (inotify): ") + std::strerror(errno));
  const std::uint32_t mask = IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM;
  if (::inotify_add_watch(fd_, dir.c_str(), mask) < 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("cannot watch " + dir.string() + ": " + std::strerror(e));
  }
}

file_watcher::~file_watcher() {
  if (fd_ >= 0) ::close(fd_);
}

bool file_watcher::read_events(int timeout_ms, std::vector<std::string>& changed) {
  pollfd p{fd_, POLLIN, 0};
  const int n = ::poll(&p, 1, timeout_ms);
  if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("watching files: ") + std::strerror(errno));
  if (n <= 0) return false;
  bool any = false;
  alignas(inotify_event) char buf[16384];
  for (;;) {
    const ssize_t len = ::read(fd_, buf, sizeof buf);
    if (len <= 0) break;
    for (ssize_t at = 0; at < len;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      if (e->len == 0) continue;
      const std::string name = e->name;
      if (!names_.empty() && std::find(names_.begin(), names_.end(), name) == names_.end()) continue;
      any = true;
      if (std::find(changed.begin(), changed.end(), name) == changed.end()) changed.push_back(name);
    }
  }
  return any;
}

std::vector<std::string> file_watcher::wait(std::chrono::milliseconds quiet) {
  std::vector<std::string> changed;
  while (!read_events(-1, changed)) {
  }
  while (read_events(static_cast<int>(quiet.count()), changed)) {
  }
  std::sort(changed.begin(), changed.end());
  return changed;
}

}  // namespace gograde::cli
