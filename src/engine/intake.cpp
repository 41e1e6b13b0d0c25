#include "engine/intake.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gograde {

namespace {

struct fd_closer {
  int fd;
  ~fd_closer() {
    if (fd >= 0) ::close(fd);
  }
};

std::string kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
  if (S_ISLNK(m)) return "a symbolic link";
  return "not a regular file";
}

enum class outcome { read, absent, refused };

// One file of the directory `dfd`: its bytes, or why it is refused.
outcome read_one(int dfd, const std::string& name, const run_limits& lim, std::string& bytes, std::string& why) {
  struct stat before {};
  if (::fstatat(dfd, name.c_str(), &before, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return outcome::absent;
    why = fmt::format("{}: cannot be examined ({})", name, std::strerror(errno));
    return outcome::refused;
  }
  if (S_ISLNK(before.st_mode)) {
    char target[512] = {};
    const ssize_t n = ::readlinkat(dfd, name.c_str(), target, sizeof target - 1);
    why = fmt::format("{}: a symbolic link{}: only regular files are read from a submission", name,
                      n > 0 ? fmt::format(" (to {})", std::string(target, static_cast<std::size_t>(n))) : "");
    return outcome::refused;
  }
  if (!S_ISREG(before.st_mode)) {
    why = fmt::format("{}: {}, not a regular file", name, kind_of(before.st_mode));
    return outcome::refused;
  }
  if (before.st_nlink > 1) {
    why = fmt::format("{}: a hard link ({} names for one file): only files of its own are read from a submission",
                      name, before.st_nlink);
    return outcome::refused;
  }
  const fd_closer f{::openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
  struct stat after {};
  if (f.fd < 0 || ::fstat(f.fd, &after) != 0 || after.st_dev != before.st_dev || after.st_ino != before.st_ino ||
      !S_ISREG(after.st_mode)) {
    why = fmt::format("{}: changed while it was being read", name);
    return outcome::refused;
  }
  const std::uint64_t cap = lim.file_kb * 1024;
  if (static_cast<std::uint64_t>(after.st_size) > cap) {
    why = fmt::format("{}: {} KiB, more than the limit of {} KiB for one file", name, (after.st_size + 1023) / 1024,
                      lim.file_kb);
    return outcome::refused;
  }
  bytes.clear();
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      why = fmt::format("{}: cannot be read ({})", name, std::strerror(errno));
      return outcome::refused;
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
    if (bytes.size() > cap) {
      why = fmt::format("{}: more than the limit of {} KiB for one file", name, lim.file_kb);
      return outcome::refused;
    }
  }
  return outcome::read;
}

}  // namespace

bool submission_files::has(const std::string& name) const {
  return std::any_of(files.begin(), files.end(), [&](const submitted_file& f) { return f.name == name; });
}

submission_files read_submission(const exercise& ex, const fs::path& submission) {
  std::error_code ec;
  const auto st = fs::status(submission, ec);  // the path itself is the caller's: followed
  fs::path dir = submission;
  std::vector<std::string> wanted = ex.candidate_files, optional = ex.optional_files;
  if (fs::is_regular_file(st)) {
    const std::string name = submission.filename().string();
    if (std::find(wanted.begin(), wanted.end(), name) == wanted.end())
      throw config_error(fmt::format("{}: not a file of {} (expected {})", submission.string(), ex.slug,
                                     fmt::join(ex.candidate_files, ", ")));
    dir = submission.has_parent_path() ? submission.parent_path() : fs::path(".");
    wanted = {name};
    optional.clear();
  } else if (!fs::is_directory(st)) {
    throw config_error(fmt::format("{}: no such file or directory", submission.string()));
  }
  const fd_closer d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) throw config_error(fmt::format("{}: cannot be opened: {}", dir.string(), std::strerror(errno)));

  submission_files out;
  std::uint64_t total = 0;
  bool any = false;
  auto take = [&](const std::string& name, bool required) {
    std::string bytes, why;
    switch (read_one(d.fd, name, ex.limits, bytes, why)) {
      case outcome::absent:
        if (required) out.missing += (out.missing.empty() ? "" : ", ") + name;
        return;
      case outcome::refused:
        any = true;
        out.refused.push_back(why);
        return;
      case outcome::read:
        any = true;
        total += bytes.size();
        out.files.push_back({name, std::move(bytes)});
    }
  };
  for (const auto& f : wanted) take(f, true);
  for (const auto& f : optional) take(f, false);
  if (!any)
    throw config_error(fmt::format("no {} in {}: not a submission of {}", fmt::join(ex.candidate_files, ", "),
                                   dir.string(), ex.slug));
  if (total > ex.limits.submission_kb * 1024)
    out.refused.push_back(fmt::format("the submission's files hold {} KiB together, more than the limit of {} KiB",
                                      (total + 1023) / 1024, ex.limits.submission_kb));
  // For a single file, the exercise's other candidate files are missing.
  if (fs::is_regular_file(st))
    for (const auto& f : ex.candidate_files)
      if (f != wanted.front()) out.missing += (out.missing.empty() ? "" : ", ") + f;
  return out;
}

}  // namespace gograde
