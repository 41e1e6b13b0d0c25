#include "engine/sandbox.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/files.hpp"
#include "engine/process.hpp"

namespace gograde {

namespace {

std::vector<std::string> base_args() {
  return {"bwrap",
          "--unshare-all",  // user (if possible), pid, ipc, uts, cgroup, net: no network at all
          "--die-with-parent",
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
          "--tmpfs", "/tmp",
          "--clearenv"};
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

}  // namespace

const sandbox_status& probe_sandbox() {
  static const sandbox_status status = [] {
    sandbox_status s;
    process_spec spec;
    spec.argv = sandboxed({"/usr/bin/true"}, {}, "/tmp", {});
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

std::vector<std::string> sandboxed(const std::vector<std::string>& argv, const std::vector<sandbox_mount>& mounts,
                                   const fs::path& cwd, const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> a = base_args();
  for (const auto& m : mounts) {
    const std::string p = m.path.string();
    a.insert(a.end(), {m.writable ? "--bind" : "--ro-bind", p, p});
  }
  a.insert(a.end(), {"--remount-ro", "/"});  // the sandbox's own root: nothing to write there either
  a.insert(a.end(), {"--chdir", cwd.string(), "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", cwd.string()});
  for (const auto& [k, v] : env) a.insert(a.end(), {"--setenv", k, v});
  a.push_back("--");
  a.insert(a.end(), argv.begin(), argv.end());
  return a;
}

std::unique_ptr<cgroup_limit> cgroup_limit::create(std::uint64_t memory_bytes, std::uint64_t pids, std::string& why) {
  static std::atomic<unsigned> seq{0};
  std::unique_ptr<cgroup_limit> c(new cgroup_limit());
  const std::string name = fmt::format("gograde-{}-{}", ::getpid(), seq++);
  bool v2 = false;
  const fs::path mem = own_cgroup("memory", v2);
  if (mem.empty()) {
    why = "no memory cgroup controller is available to this process";
    return nullptr;
  }
  std::error_code ec;
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
  for (const auto& d : dirs_) {
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
}

}  // namespace gograde
