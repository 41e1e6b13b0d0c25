#include "engine/sandbox.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "engine/files.hpp"
#include "engine/process.hpp"

namespace gograde {

namespace {

bool grader_is_root() { return ::geteuid() == 0; }

std::vector<std::string> base_args() {
  std::vector<std::string> a = {"bwrap"};
  if (grader_is_root()) {
    // No user namespace: one made by root maps root to root and keeps every
    // capability in it. The jail becomes an unprivileged uid of the host
    // instead, with only the two capabilities it needs for that.
    a.insert(a.end(), {"--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try",
                       "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"});
  } else {
    a.insert(a.end(), {"--unshare-all", "--unshare-user"});  // network included: none at all
  }
  a.insert(a.end(), {"--die-with-parent",
                     "--new-session",  // no TIOCSTI into the grader's terminal
                     "--ro-bind", "/usr", "/usr",
                     "--symlink", "usr/bin", "/bin",
                     "--symlink", "usr/sbin", "/sbin",
                     "--symlink", "usr/lib", "/lib",
                     "--symlink", "usr/lib64", "/lib64",
                     "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                     "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
                     "--proc", "/proc",
                     "--dev", "/dev",
                     "--perms", "1777", "--tmpfs", "/tmp",  // as on any system: everyone's, sticky
                     "--clearenv"});
  return a;
}

// lchown of `p` and everything under it (never following a link).
void chown_tree(const fs::path& p, uid_t uid, gid_t gid) {
  (void)::lchown(p.c_str(), uid, gid);
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(p, ec))) return;
  for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::none, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    (void)::lchown(it->path().c_str(), uid, gid);
}

std::string read_small(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The grader's own cgroup for a controller (v1: "4:memory:/path", v2: "0::/path").
fs::path own_cgroup(const std::string& controller, bool& v2) {
  std::ifstream in("/proc/self/cgroup");
  fs::path unified;
  for (std::string line; std::getline(in, line);) {
    const auto a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    const std::string ctrls = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    std::stringstream cs(ctrls);
    for (std::string c; std::getline(cs, c, ',');)
      if (c == controller && fs::exists(fs::path("/sys/fs/cgroup") / controller / path.substr(1))) {
        v2 = false;
        return fs::path("/sys/fs/cgroup") / controller / path.substr(1);
      }
    if (ctrls.empty()) unified = fs::path("/sys/fs/cgroup") / path.substr(1);
  }
  if (!unified.empty() && fs::exists(unified / "cgroup.controllers") &&
      read_small(unified / "cgroup.controllers").find(controller) != std::string::npos) {
    v2 = true;
    return unified;
  }
  return {};
}

bool write_value(const fs::path& p, const std::string& v) {
  std::ofstream out(p);
  out << v;
  out.flush();
  return static_cast<bool>(out);
}

std::uint64_t counter(const fs::path& file, const std::string& key) {
  std::istringstream in(read_small(file));
  for (std::string k; in >> k;) {
    std::uint64_t v = 0;
    in >> v;
    if (k == key) return v;
  }
  return 0;
}

// Empties and removes the cgroups that killed graders left under `parent`
// ("gograde-TAG-N" whose process has ended, see process_tag).
void remove_cgroup(const fs::path& d) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::istringstream procs(read_small(d / "cgroup.procs"));
    bool any = false;
    for (pid_t p; procs >> p;) {
      any = true;
      ::kill(p, SIGKILL);
    }
    std::error_code ec;
    if (!any && fs::remove(d, ec)) break;
    if (!fs::exists(d)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void sweep_cgroups(const fs::path& parent) {
  // Once per process and parent: cgroups are made for every run, and what a
  // killed grader left does not come back while this one runs.
  static std::mutex mu;
  static std::set<fs::path> swept;
  {
    std::lock_guard lock(mu);
    if (!swept.insert(parent).second) return;
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("gograde-", 0) != 0) continue;
    const std::string tag = n.substr(8, n.rfind('-') - 8);  // "gograde-TAG-N"
    if (tag.find('.') != std::string::npos && tag != process_tag() && !process_alive(tag)) remove_cgroup(e.path());
  }
}

}  // namespace

fs::path beside_gograde(const std::string& name) {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec).parent_path() / name;
  return fs::is_regular_file(p, ec) ? p : fs::path();
}

const fs::path& jail_path() {
  static const fs::path path = beside_gograde("gograde-jail");
  return path;
}

const sandbox_status& probe_sandbox() {
  static const sandbox_status status = [] {
    sandbox_status s;
    if (jail_path().empty()) {
      s.why = "gograde-jail, the sandbox's last step, is not beside the gograde executable (build or install it "
              "with gograde). Submissions are untrusted code: grading refuses to run them without it; to grade "
              "anyway, unsandboxed, pass --no-sandbox.";
      return s;
    }
    process_spec spec;
    sandboxed(spec, {"/usr/bin/true"}, {}, "/tmp", {});
    spec.timeout = std::chrono::seconds(20);
    const process_result r = run_process(spec);
    if (r.exited_ok()) {
      s.ok = true;
      return s;
    }
    s.why = fmt::format(
        "bubblewrap cannot create a sandbox here ({}). Submissions are untrusted code: grading refuses to run them "
        "without one. Install bubblewrap (scripts/setup) and allow user namespaces "
        "(sysctl kernel.unprivileged_userns_clone=1), or run as root; to grade anyway, unsandboxed, pass --no-sandbox.",
        r.start_failed ? r.output : fmt::format("exit {}: {}", r.exit_code, r.output.substr(0, 300)));
    return s;
  }();
  return status;
}

void sandboxed(process_spec& spec, const std::vector<std::string>& argv, const std::vector<sandbox_mount>& mounts,
               const fs::path& cwd, const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> a = base_args();
  const std::string jail = jail_path().string();
  // The directories leading to each mount are made traversable (bubblewrap
  // makes them 0700, which the unprivileged identity could not enter), unless
  // another mount already provides them.
  std::vector<fs::path> paths = {jail_path()};
  for (const auto& m : mounts) paths.push_back(m.inside());
  std::set<fs::path> parents;
  for (const auto& p : paths)
    for (fs::path d = p.parent_path(); d.has_relative_path(); d = d.parent_path()) {
      const bool provided = std::any_of(paths.begin(), paths.end(), [&](const fs::path& q) {
        const auto rel = d.lexically_relative(q);
        return !rel.empty() && *rel.begin() != "..";
      });
      if (!provided && d != "/tmp") parents.insert(d);
    }
  for (const auto& d : parents) a.insert(a.end(), {"--perms", "0755", "--dir", d.string()});
  a.insert(a.end(), {"--ro-bind", jail, jail});
  for (const auto& m : mounts) {
    const std::string p = m.inside().string();
    if (m.tmpfs_bytes > 0) {
      a.insert(a.end(), {"--perms", "1777", "--size", std::to_string(m.tmpfs_bytes), "--tmpfs", p});
      continue;
    }
    a.insert(a.end(), {m.writable ? "--bind" : "--ro-bind", m.path.string(), p});
    if (m.writable && grader_is_root()) chown_tree(m.path, kSandboxId, kSandboxId);
  }
  a.insert(a.end(), {"--remount-ro", "/"});  // the sandbox's own root: nothing to write there either
  a.insert(a.end(), {"--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", cwd.string()});
  for (const auto& [k, v] : env) a.insert(a.end(), {"--setenv", k, v});
  // The jail changes directory once it is the sandbox's identity (a writable
  // mount belongs to that identity, which root without capabilities may not enter).
  a.insert(a.end(), {"--", jail, "--chdir", cwd.string()});
  if (grader_is_root())
    a.insert(a.end(), {"--uid", std::to_string(kSandboxId), "--gid", std::to_string(kSandboxId)});
  a.push_back("--");
  a.insert(a.end(), argv.begin(), argv.end());
  spec.argv = std::move(a);
  spec.inherit_env = false;  // bubblewrap (the sandbox's pid 1) holds none of the grader's environment
  spec.env.clear();
}

fs::path unreadable_by_sandbox(const std::vector<fs::path>& roots) {
  if (!grader_is_root()) return {};
  auto readable = [](const fs::path& p, bool dir) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return true;  // gone, or a link: not ours to judge
    return dir ? (st.st_mode & S_IROTH) && (st.st_mode & S_IXOTH) : (st.st_mode & S_IROTH) != 0;
  };
  for (const auto& root : roots) {
    std::error_code ec;
    if (!fs::exists(root, ec)) continue;
    if (!readable(root, true)) return root;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (!readable(it->path(), it->is_directory(ec))) return it->path();
  }
  return {};
}

void reclaim(const std::vector<sandbox_mount>& mounts) {
  if (!grader_is_root()) return;
  for (const auto& m : mounts)
    if (m.writable && m.tmpfs_bytes == 0) chown_tree(m.path, ::geteuid(), ::getegid());
}

std::unique_ptr<cgroup_limit> cgroup_limit::create(std::uint64_t memory_bytes, std::uint64_t pids, std::string& why) {
  static std::atomic<unsigned> seq{0};
  std::unique_ptr<cgroup_limit> c(new cgroup_limit());
  const std::string name = fmt::format("gograde-{}-{}", process_tag(), seq++);
  bool v2 = false;
  const fs::path mem = own_cgroup("memory", v2);
  if (mem.empty()) {
    why = "no memory cgroup controller is available to this process";
    return nullptr;
  }
  std::error_code ec;
  sweep_cgroups(mem);
  c->memory_dir_ = mem / name;
  if (!fs::create_directory(c->memory_dir_, ec)) {
    why = fmt::format("cannot create a cgroup under {}: {}", mem.string(), ec ? ec.message() : "exists");
    return nullptr;
  }
  c->dirs_.push_back(c->memory_dir_);
  c->kind_ = v2 ? "cgroup v2" : "cgroup v1";
  const bool mem_ok = v2 ? write_value(c->memory_dir_ / "memory.max", std::to_string(memory_bytes)) &&
                               write_value(c->memory_dir_ / "memory.swap.max", "0")
                         : write_value(c->memory_dir_ / "memory.limit_in_bytes", std::to_string(memory_bytes));
  if (!mem_ok) {
    why = "cannot set the cgroup's memory limit";
    return nullptr;  // the destructor removes what was made
  }
  if (!v2) (void)write_value(c->memory_dir_ / "memory.memsw.limit_in_bytes", std::to_string(memory_bytes));
  c->procs_.push_back((c->memory_dir_ / "cgroup.procs").string());
  if (v2) {
    if (write_value(c->memory_dir_ / "pids.max", std::to_string(pids))) c->pids_dir_ = c->memory_dir_;
  } else {
    bool pv2 = false;
    const fs::path p = own_cgroup("pids", pv2);
    if (!p.empty() && !pv2) sweep_cgroups(p);
    if (!p.empty() && !pv2 && fs::create_directory(p / name, ec)) {
      c->dirs_.push_back(p / name);
      if (write_value(p / name / "pids.max", std::to_string(pids))) {
        c->pids_dir_ = p / name;
        c->procs_.push_back((p / name / "cgroup.procs").string());
      }
    }
  }
  return c;
}

bool cgroup_limit::memory_exceeded() const {
  if (kind_ == "cgroup v2") return counter(memory_dir_ / "memory.events", "oom_kill") > 0 ||
                                   counter(memory_dir_ / "memory.events", "max") > 0;
  return counter(memory_dir_ / "memory.oom_control", "oom_kill") > 0 ||
         std::atoll(read_small(memory_dir_ / "memory.failcnt").c_str()) > 0;
}

bool cgroup_limit::pids_exceeded() const {
  return !pids_dir_.empty() && counter(pids_dir_ / "pids.events", "max") > 0;
}

cgroup_limit::~cgroup_limit() {
  // Whatever is still in the cgroup is killed, then the cgroup removed
  // (retried: the kernel frees a cgroup once its last task is reaped).
  for (const auto& d : dirs_) remove_cgroup(d);
}

}  // namespace gograde
