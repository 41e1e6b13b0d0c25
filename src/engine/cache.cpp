#include "engine/cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace gograde {

namespace {

// The names the build driver and the grader give their entries; anything
// else is not ours.
const std::regex& entry_name() {
  static const std::regex re("(runtime|suite|judge|submission)(-[a-z]+)?-[0-9a-f]{16}|(suite|judge)-[a-z]+-[0-9a-f]{16}\\.reads|astcheck-[0-9a-f]{16}\\.txt");
  return re;
}

std::uintmax_t bytes_of(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_directory(p, ec)) {
    const std::uintmax_t n = fs::file_size(p, ec);
    return ec ? 0 : n;
  }
  std::uintmax_t total = 0;
  for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec) && !it->is_symlink(fec)) {
      const std::uintmax_t n = it->file_size(fec);
      if (!fec) total += n;
    }
  }
  return total;
}

}  // namespace

std::vector<cache_entry> cache_entries(const fs::path& dir) {
  std::vector<cache_entry> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    std::error_code sec;
    if (!std::regex_match(name, entry_name()) || e.is_symlink(sec)) continue;
    cache_entry c;
    c.path = e.path();
    c.kind = name.substr(0, name.find('-'));
    c.bytes = bytes_of(e.path());
    c.used = fs::last_write_time(e.path(), sec);
    if (sec) continue;  // gone meanwhile
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const cache_entry& a, const cache_entry& b) {
    return a.used != b.used ? a.used < b.used : a.path < b.path;
  });
  return out;
}

void touch_entry(const fs::path& entry) {
  std::error_code ec;
  fs::last_write_time(entry, fs::file_time_type::clock::now(), ec);
}

prune_result prune_cache(const fs::path& dir, std::uintmax_t target) {
  prune_result r;
  const std::vector<cache_entry> entries = cache_entries(dir);
  for (const auto& e : entries) r.before += e.bytes;
  r.after = r.before;
  for (const auto& e : entries) {
    if (r.after <= target) break;
    // Renamed first, so that a removal cut short leaves a leftover the
    // stale sweep removes, never a half entry under its real name.
    const fs::path doomed = dir / fmt::format(".evicting-{}-{}", ::getpid(), e.path.filename().string());
    std::error_code ec;
    fs::rename(e.path, doomed, ec);
    if (ec) continue;
    fs::remove_all(doomed, ec);
    r.after -= e.bytes;
    ++r.removed;
  }
  // Leftovers of a pruning cut short (the lock is ours: nobody prunes now).
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().rfind(".evicting-", 0) == 0) {
      std::error_code rec;
      fs::remove_all(e.path(), rec);
    }
  return r;
}

std::optional<std::uintmax_t> parse_size(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 15) return std::nullopt;
  const std::uintmax_t n = std::stoull(text.substr(0, i));
  std::string unit = text.substr(i);
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && (unit.substr(1) == "b" || unit.substr(1) == "ib")) unit.resize(1);
  int shift = 0;
  if (unit.empty() || unit == "b") shift = 0;
  else if (unit == "k") shift = 10;
  else if (unit == "m") shift = 20;
  else if (unit == "g") shift = 30;
  else if (unit == "t") shift = 40;
  else return std::nullopt;
  if (shift > 0 && n > (UINTMAX_MAX >> shift)) return std::nullopt;
  return n << shift;
}

std::string format_size(std::uintmax_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < (1u << 20)) return fmt::format("{:.1f} KiB", b / 1024);
  if (bytes < (1u << 30)) return fmt::format("{:.1f} MiB", b / (1 << 20));
  return fmt::format("{:.1f} GiB", b / (1 << 30));
}

cache_lock::cache_lock(const fs::path& dir) {
  fd_ = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
}

cache_lock::~cache_lock() {
  if (fd_ >= 0) ::close(fd_);
}

cache_lock::cache_lock(cache_lock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }

bool cache_lock::try_exclusive() { return fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0; }

void cache_lock::shared() {
  if (fd_ < 0) return;
  while (::flock(fd_, LOCK_SH) != 0 && errno == EINTR) {
  }
}

prune_result open_cache(const fs::path& dir, std::uintmax_t max, cache_lock& lock, std::chrono::seconds every) {
  prune_result r;
  const fs::path stamp = dir / ".size-checked";
  std::error_code ec;
  const auto checked = fs::last_write_time(stamp, ec);
  const bool due = ec || fs::file_time_type::clock::now() - checked >= every;
  if (max > 0 && due && lock.try_exclusive()) {
    if (ec) {
      const int fd = ::open(stamp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd >= 0) ::close(fd);
    }
    touch_entry(stamp);
    std::uintmax_t total = 0;
    for (const auto& e : cache_entries(dir)) total += e.bytes;
    r.before = r.after = total;
    if (total > max) r = prune_cache(dir, max / 10 * 8);
  }
  lock.shared();
  return r;
}

}  // namespace gograde
