#include "engine/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "engine/process.hpp"

namespace gograde {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string read_untrusted_file(const fs::path& p, std::size_t cap) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    char buf[65536];
    for (ssize_t n; out.size() < cap && (n = ::read(fd, buf, sizeof buf)) > 0;)
      out.append(buf, std::min(static_cast<std::size_t>(n), cap - out.size()));
  }
  ::close(fd);
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

namespace {

// When the process started (clock ticks since boot, as text); "" when there
// is no such process or it has ended (a zombie, which nobody may have reaped
// yet, has ended).
std::string start_time(long pid) {
  proc_stat st;
  if (!read_proc_stat("/proc/" + std::to_string(pid) + "/stat", st) || st.state == 'Z' || st.state == 'X') return {};
  return std::to_string(st.start);
}

// This machine, as digits: a hash of its machine id and host name (two
// containers of one image share a machine id, never a host name).
const std::string& host_id() {
  static const std::string id = [] {
    std::string seed = read_file("/etc/machine-id");
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    seed += host;
    std::uint32_t h = 2166136261u;  // FNV-1a
    for (unsigned char c : seed) h = (h ^ c) * 16777619u;
    return std::to_string(h);
  }();
  return id;
}

}  // namespace

const std::string& process_tag() {
  static const std::string tag = std::to_string(::getpid()) + "." + start_time(::getpid());
  return tag;
}

bool process_alive(const std::string& tag) {
  const auto dot = tag.find('.');
  if (dot == std::string::npos) return false;
  const long pid = std::atol(tag.substr(0, dot).c_str());
  const std::string start = start_time(pid);
  return pid > 0 && !start.empty() && start == tag.substr(dot + 1);
}

// The machine rides after the tag, as its own "-hNNN" part: a directory
// shared by several machines (a batch's reports on a cluster) never has one
// judge another's process dead by a PID of its own; and a reader that knows
// only PID.START (an older gograde) still reads the tag right.
fs::path temp_sibling(const fs::path& p) {
  return p.string() + ".tmp-" + process_tag() + "-h" + host_id() + "-" +
         std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
}

void write_file_atomically(const fs::path& p, const std::string& text) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  const fs::path tmp = temp_sibling(p);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, p);
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

fs::path make_staging_dir(const fs::path& final_dir, std::string& error) {
  const fs::path tmp = temp_sibling(final_dir);
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) {
    error = "cannot create " + tmp.string() + ": " + ec.message();
    return {};
  }
  return tmp;
}

namespace {

// The process tag in a leftover's name ("" when the name is not one of ours).
std::string leftover_tag(const std::string& name) {
  std::size_t at = 0;
  if (name.rfind("gograde-run-", 0) == 0) at = 12;
  else if (name.rfind("gograde-exec-", 0) == 0) at = 13;
  else if (name.rfind("gograde-judge-", 0) == 0) at = 14;
  else if (const auto k = name.rfind(".tmp-"); k != std::string::npos) at = k + 5;
  else return {};
  std::size_t end = at;
  while (end < name.size() && ((name[end] >= '0' && name[end] <= '9') || name[end] == '.')) ++end;
  if (end == at || end >= name.size() || name[end] != '-') return {};
  return name.substr(at, end - at);
}

// Whether a leftover's name says another machine made it ("TAG-hNNN-").
bool of_another_machine(const std::string& name, const std::string& tag) {
  const auto at = name.find(tag + "-h");
  if (at == std::string::npos) return false;
  const std::size_t from = at + tag.size() + 2;
  std::size_t end = from;
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  return end > from && end < name.size() && name[end] == '-' && name.substr(from, end - from) != host_id();
}

}  // namespace

int sweep_stale(const fs::path& dir, int depth) {
  int removed = 0;
  std::error_code ec;
  std::vector<fs::path> below;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    const std::string tag = leftover_tag(name);
    if (!tag.empty() && tag != process_tag() && !process_alive(tag) && !of_another_machine(name, tag)) {
      std::error_code rec;
      if (fs::remove_all(e.path(), rec) > 0) ++removed;
    } else if (depth > 0 && e.is_directory(ec) && !e.is_symlink(ec)) {
      below.push_back(e.path());
    }
  }
  for (const auto& d : below) removed += sweep_stale(d, depth - 1);
  return removed;
}

void publish_dir(const fs::path& staging, const fs::path& final_dir) {
  std::error_code ec;
  fs::rename(staging, final_dir, ec);
  if (ec) fs::remove_all(staging, ec);
}

}  // namespace gograde
