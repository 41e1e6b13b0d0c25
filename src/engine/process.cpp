#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace gograde {

// "pid (comm) S ppid ...": the command name may hold spaces and parentheses,
// so the fields are read from after the last ')'.
bool read_proc_stat(const std::string& path, proc_stat& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[1024];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  const char* p = std::strrchr(buf, ')');
  if (!p || p[1] != ' ') return false;
  unsigned long long utime = 0, stime = 0, start = 0;
  // Fields 3 (state), 4 (ppid), 14-15 (utime, stime), 22 (starttime).
  if (std::sscanf(p + 2, "%c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
                  &out.state, &out.ppid, &utime, &stime, &start) != 5)
    return false;
  out.ticks = utime + stime;
  out.start = start;
  return true;
}

namespace {

// One sample of a process tree: CPU used so far and whether any thread of it
// is runnable (or in uninterruptible sleep, which is I/O in progress).
struct tree_sample {
  std::uint64_t cpu_ticks = 0;
  bool runnable = false;
  bool any = false;
};

// How long a process tree was kept from running, sample by sample: an
// interval in which it had a runnable thread yet got less than half a CPU
// counts what it did not get (the interval less its CPU time). A tree that
// keeps itself waiting (more runnable threads than CPUs) still gets the
// CPUs, so only a machine busy with other work makes it wait.
class cpu_wait_tracker {
 public:
  // From the start: the tree began with no CPU time.
  explicit cpu_wait_tracker(std::chrono::steady_clock::time_point start) : last_(start) {}
  std::chrono::milliseconds update(const tree_sample& s, std::chrono::steady_clock::time_point now) {
    static const long hz = std::max(1L, ::sysconf(_SC_CLK_TCK));
    const auto cpu = std::chrono::milliseconds(static_cast<long long>(s.cpu_ticks) * 1000 / hz);
    // A child that ended took its ticks with it: that interval counts as run.
    if (cpu >= cpu_) {
      const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_);
      const auto used = cpu - cpu_;
      if (s.runnable && used * 2 < interval) waited_ += interval - used;
    }
    last_ = now;
    cpu_ = cpu;
    return waited_;
  }

 private:
  std::chrono::steady_clock::time_point last_;
  std::chrono::milliseconds cpu_{0}, waited_{0};
};

tree_sample sample_tree(pid_t root) {
  struct proc {
    long pid;
    proc_stat st;
  };
  std::vector<proc> all;
  if (DIR* d = ::opendir("/proc")) {
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
      proc p{std::atol(e->d_name), {}};
      if (read_proc_stat(std::string("/proc/") + e->d_name + "/stat", p.st)) all.push_back(p);
    }
    ::closedir(d);
  }
  std::vector<long> tree = {root};
  for (std::size_t k = 0; k < tree.size(); ++k)
    for (const auto& p : all)
      if (p.st.ppid == tree[k]) tree.push_back(p.pid);
  tree_sample s;
  for (const auto& p : all) {
    if (std::find(tree.begin(), tree.end(), p.pid) == tree.end()) continue;
    s.any = true;
    s.cpu_ticks += p.st.ticks;
    if (p.st.state == 'R' || p.st.state == 'D') s.runnable = true;
    if (s.runnable) continue;
    // The process's state is its main thread's: look at the others too.
    const std::string tasks = "/proc/" + std::to_string(p.pid) + "/task";
    if (DIR* d = ::opendir(tasks.c_str())) {
      while (const dirent* e = ::readdir(d)) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        proc_stat t;
        if (read_proc_stat(tasks + "/" + e->d_name + "/stat", t) && (t.state == 'R' || t.state == 'D')) {
          s.runnable = true;
          break;
        }
      }
      ::closedir(d);
    }
  }
  return s;
}

// Bytes allocated under `dir` (links not followed), counting at most
// `max_entries` entries: enough to see a flood of files, cheap for a few.
std::uint64_t disk_usage(const std::string& dir, std::size_t max_entries = 100000) {
  std::uint64_t bytes = 0;
  std::size_t seen = 0;
  std::vector<std::string> todo = {dir};
  while (!todo.empty() && seen < max_entries) {
    const std::string d = std::move(todo.back());
    todo.pop_back();
    DIR* h = ::opendir(d.c_str());
    if (!h) continue;
    while (const dirent* e = ::readdir(h)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      if (++seen >= max_entries) break;
      const std::string p = d + "/" + e->d_name;
      struct stat st {};
      if (::lstat(p.c_str(), &st) != 0) continue;
      bytes += static_cast<std::uint64_t>(st.st_blocks) * 512;
      if (S_ISDIR(st.st_mode)) todo.push_back(p);
    }
    ::closedir(h);
  }
  // Past the count, what is not looked at is counted as a block each.
  return bytes + (seen >= max_entries ? static_cast<std::uint64_t>(seen) * 4096 : 0);
}

}  // namespace

process_result run_process(const process_spec& spec) {
  using clock = std::chrono::steady_clock;
  process_result res;
  if (spec.argv.empty()) {
    res.start_failed = true;
    res.output = "no program to run";
    return res;
  }
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls.
  std::vector<std::string> envs;
  for (char** e = spec.inherit_env ? environ : nullptr; e && *e; ++e) {
    std::string kv = *e;
    bool replaced = false;
    for (const auto& [k, v] : spec.env)
      if (kv.compare(0, k.size() + 1, k + "=") == 0) replaced = true;
    if (!replaced) envs.push_back(std::move(kv));
  }
  for (const auto& [k, v] : spec.env) envs.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = spec.argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    res.start_failed = true;
    res.output = std::string("pipe: ") + std::strerror(errno);
    return res;
  }
  if (pipe2(err, O_CLOEXEC) != 0) {  // reports exec failure to the parent
    close(out[0]);
    close(out[1]);
    res.start_failed = true;
    res.output = std::string("pipe: ") + std::strerror(errno);
    return res;
  }
  std::vector<const char*> cgroup_files;
  for (const auto& f : spec.cgroup_procs) cgroup_files.push_back(f.c_str());
  const auto t0 = clock::now();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    res.start_failed = true;
    res.output = std::string("fork: ") + std::strerror(errno);
    return res;
  }
  if (pid == 0) {
    setpgid(0, 0);
    if (spec.die_with_parent) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);  // the parent died before the line above
    }
    for (const char* f : cgroup_files) {
      const int fd = open(f, O_WRONLY | O_CLOEXEC);
      if (fd < 0) continue;
      char num[24];
      int n = 0;
      for (pid_t self = getpid(); self > 0; self /= 10) num[n++] = static_cast<char>('0' + self % 10);
      char rev[24];
      for (int k = 0; k < n; ++k) rev[k] = num[n - 1 - k];
      (void)!write(fd, rev, static_cast<std::size_t>(n));
      close(fd);
    }
    // The output and error pipes first move out of the way: a process with
    // few descriptors open got them as 3 and 4, where passed ones go.
    const int out_w = fcntl(out[1], F_DUPFD_CLOEXEC, 100);
    const int err_w = fcntl(err[1], F_DUPFD_CLOEXEC, 100);
    // Passed descriptors become 3, 4, ...: first moved above the range, so
    // no dup2 overwrites one not yet moved.
    int moved[16];
    const std::size_t npass = std::min<std::size_t>(spec.pass_fds.size(), 16);
    for (std::size_t k = 0; k < npass; ++k) moved[k] = fcntl(spec.pass_fds[k], F_DUPFD_CLOEXEC, 64);
    for (std::size_t k = 0; k < npass; ++k) dup2(moved[k], static_cast<int>(3 + k));
    for (std::size_t k = 0; k < npass; ++k)
      if (moved[k] > static_cast<int>(3 + npass)) close(moved[k]);
    // Limits last: a low RLIMIT_NOFILE must not stop the moves above.
    auto limit = [](int what, std::uint64_t v) {
      if (v == 0) return;
      const rlimit rl{static_cast<rlim_t>(v), static_cast<rlim_t>(v)};
      setrlimit(what, &rl);
    };
    limit(RLIMIT_FSIZE, spec.file_size_limit);
    limit(RLIMIT_NOFILE, spec.open_files_limit);
    limit(RLIMIT_NPROC, spec.processes_limit);
    limit(RLIMIT_AS, spec.address_space_limit);
    if (spec.cpu_limit.count() > 0) {
      const rlim_t soft = static_cast<rlim_t>(spec.cpu_limit.count());
      const rlimit rl{soft, soft + 1};
      setrlimit(RLIMIT_CPU, &rl);
    }
    dup2(out_w, 1);
    dup2(out_w, 2);
    const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull >= 0) dup2(devnull, 0);
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(err_w, &e, sizeof e);
      _exit(127);
    }
    execvpe(argv[0], argv.data(), envp.data());  // a bare name is looked up in PATH
    int e = errno;
    (void)!write(err_w, &e, sizeof e);
    _exit(127);
  }
  setpgid(pid, pid);
  close(out[1]);
  close(err[1]);

  auto deadline = t0 + spec.timeout;
  std::chrono::milliseconds waited{0};  // how long the tree was kept from running, as last sampled
  cpu_wait_tracker waits(t0);
  auto note_wait = [&](const tree_sample& s) {
    waited = waits.update(s, clock::now());
    deadline = t0 + spec.timeout + std::min(waited, spec.busy_extension);
  };
  char buf[65536];
  bool open_out = true;
  // Progress: sampled every quarter second when a stall limit is set.
  const bool watch = spec.stall_limit.count() > 0 || (spec.disk_quota > 0 && !spec.quota_dirs.empty());
  const auto sample_every = std::chrono::milliseconds(250);
  auto last_progress = clock::now(), next_sample = clock::now() + sample_every;
  std::uint64_t last_ticks = 0;
  // Until the process has exited, whether or not its output is still open
  // (a program may close its stdout and stderr and live on): the limits hold
  // either way, and nothing here blocks past them.
  int status = 0;
  rusage ru{};
  bool exited = false;
  for (;;) {
    const auto now = clock::now();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (left.count() <= 0 && spec.busy_extension.count() > 0 && spec.stall_limit.count() > 0) {
      // Past the deadline as last sampled: sample again first (this thread
      // may have waited for a CPU too, and the run waited meanwhile).
      note_wait(sample_tree(pid));
      if (now < deadline) continue;
    }
    if (left.count() <= 0) {
      res.timed_out = true;
      res.busy = spec.busy_extension.count() > 0 && waited >= spec.busy_extension;
      break;
    }
    if (watch && now >= next_sample) {
      next_sample = now + sample_every;
      if (spec.stall_limit.count() > 0) {
        const tree_sample s = sample_tree(pid);
        if (!s.any || s.runnable || s.cpu_ticks > last_ticks + 1) last_progress = now;
        last_ticks = s.cpu_ticks;
        note_wait(s);
        if (now - last_progress >= spec.stall_limit) {
          res.stalled = true;
          break;
        }
      }
      if (spec.disk_quota > 0) {
        std::uint64_t used = 0;
        for (const auto& d : spec.quota_dirs) used += disk_usage(d);
        if (used > spec.disk_quota) {
          res.disk_exceeded = true;
          break;
        }
      }
    }
    long long wait_ms = std::min<long long>(left.count(), watch ? 250 : 1000);
    if (watch)
      wait_ms = std::min<long long>(
          wait_ms, std::max<long long>(1, std::chrono::duration_cast<std::chrono::milliseconds>(next_sample - now).count()));
    if (!open_out) {
      const pid_t w = wait4(pid, &status, WNOHANG, &ru);
      if (w == pid || (w < 0 && errno != EINTR)) {
        exited = w == pid;
        break;
      }
      ::usleep(static_cast<useconds_t>(std::min<long long>(wait_ms, 5) * 1000));
      continue;
    }
    pollfd p{out[0], POLLIN, 0};
    const int n = poll(&p, 1, static_cast<int>(wait_ms));
    if (n < 0 && errno != EINTR) open_out = false;
    if (n <= 0) continue;
    const ssize_t got = read(out[0], buf, sizeof buf);
    if (got <= 0) {
      if (got < 0 && errno == EINTR) continue;
      open_out = false;
      continue;
    }
    res.output_bytes += static_cast<std::size_t>(got);
    const std::size_t room = spec.output_cap > res.output.size() ? spec.output_cap - res.output.size() : 0;
    res.output.append(buf, std::min(room, static_cast<std::size_t>(got)));
    if (spec.output_limit > 0 && res.output_bytes > spec.output_limit) {
      res.output_exceeded = true;
      break;
    }
  }
  if (res.timed_out || res.output_exceeded || res.stalled || res.disk_exceeded) kill(-pid, SIGKILL);
  // The direct child may have exited while its group lives on: reap the child,
  // then make sure nothing of its group survives.
  if (!exited)
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
  res.cpu = std::chrono::milliseconds(ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000 +
                                      ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000);
  kill(-pid, SIGKILL);
  close(out[0]);
  res.wall = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0);
  res.waited_for_cpu = waited;
  int exec_errno = 0;
  if (read(err[0], &exec_errno, sizeof exec_errno) == static_cast<ssize_t>(sizeof exec_errno)) {
    res.start_failed = true;
    res.output = "cannot run " + spec.argv[0] + ": " + std::strerror(exec_errno);
  }
  close(err[0]);
  if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) res.term_signal = WTERMSIG(status);
  // At the limit: SIGXCPU, or SIGKILL from the kernel at the hard limit
  // (when SIGXCPU is caught or ignored).
  if (spec.cpu_limit.count() > 0 && !res.timed_out && !res.stalled && !res.disk_exceeded)
    res.cpu_exceeded = res.term_signal == SIGXCPU ||
                       (res.term_signal == SIGKILL && res.cpu >= std::chrono::milliseconds(spec.cpu_limit));
  return res;
}

}  // namespace gograde
