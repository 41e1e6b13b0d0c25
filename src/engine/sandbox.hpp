#pragma once
/// The sandbox every compile, link and run of a submission (and of an
/// exercise set's suites) goes through. It assumes hostile code and a grader
/// that may be root. Layers, outside in, and what each stops:
///
///  - The grader's environment: bubblewrap itself is started with an empty
///    environment, and the program gets exactly the variables the step needs
///    (`--clearenv`, then PATH, HOME and the step's own). Nothing of the
///    grader's (tokens, credentials) is in any process of the sandbox, not
///    even in /proc/1/environ.
///  - Namespaces (bubblewrap, Debian's `bwrap`): PID, IPC, UTS, cgroup and
///    network (empty: no interface but a down loopback). Stops: signalling or
///    seeing the grader's processes, reaching any address, SysV IPC and
///    abstract sockets shared with the host.
///  - Mounts: the system's /usr read-only, a private /tmp and /dev, /proc of
///    the new PID namespace, the root read-only, and only the paths a step
///    needs, each at its own path (read-only unless said otherwise).
///    Reference solutions, hidden graders other than the suite being built,
///    other candidates' files, $HOME and /etc are simply not there.
///  - Identity (gograde-jail): not root. When the grader is root, bubblewrap
///    runs without a user namespace and the jail becomes uid/gid 65534
///    (nobody/nogroup) of the host, with no supplementary group; otherwise a
///    user namespace maps the sandbox to the grader's own unprivileged uid.
///    Then no_new_privs and every capability dropped. Stops: remounting the
///    read-only binds writable, writing root-owned files, set-uid programs.
///  - seccomp (gograde-jail, libseccomp): mount and its relatives, unshare,
///    setns and namespace flags of clone, ptrace and process_vm_*, keyctl,
///    bpf, perf_event_open, userfaultfd, io_uring, module and kexec calls,
///    personality changes, TIOCSTI, ... fail with EPERM; another
///    architecture's system call table kills the process. Stops: getting
///    capabilities back through a new user namespace, reading other
///    processes, kernel attack surface a grader does not need.
///  - Limits: memory and the number of processes and threads by a cgroup (v1
///    or v2, under the grader's own) where the machine lets us create one
///    (never RLIMIT_AS, which ThreadSanitizer cannot live with); CPU time,
///    file size and open files by rlimits; wall time, output and progress by
///    the process runner. The sandbox dies with the grader.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gograde {

namespace fs = std::filesystem;

struct sandbox_status {
  bool ok = false;
  std::string why;  ///< when not ok: what failed, and what to do
};

/// Whether bwrap and gograde-jail can make a sandbox here (tried once per
/// process).
const sandbox_status& probe_sandbox();

struct sandbox_mount {
  fs::path path;
  bool writable = false;
  /// Non-zero: not the host's folder but a fresh tmpfs of at most this many
  /// bytes at `path`, writable, gone with the sandbox (what is written there
  /// never reaches the host's disk; its pages count against the memory limit).
  std::uint64_t tmpfs_bytes = 0;
  /// Where the sandbox sees the folder (empty: at `path`, as the host does).
  fs::path at = {};
  const fs::path& inside() const { return at.empty() ? path : at; }
};

struct process_spec;

/// The uid and gid a sandboxed program runs as when the grader is root.
constexpr unsigned kSandboxId = 65534;

/// Makes `spec` run `argv` inside a sandbox that shows `mounts` (and the
/// system), starts in `cwd`, with exactly `env` as its environment (plus
/// PATH, HOME=cwd): sets spec.argv and spec's environment (bubblewrap gets
/// none of ours). When the grader is root, the writable mounts are handed to
/// the sandbox's uid; give them back with reclaim() once the step is over.
void sandboxed(process_spec& spec, const std::vector<std::string>& argv, const std::vector<sandbox_mount>& mounts,
               const fs::path& cwd, const std::vector<std::pair<std::string, std::string>>& env);

/// After a sandboxed step: everything under the writable mounts belongs to
/// the grader again (no-op unless the grader is root).
void reclaim(const std::vector<sandbox_mount>& mounts);

/// When the grader is root the sandbox runs as kSandboxId, which reads what
/// it is shown as "others": the first entry under `roots` it could not read
/// (a folder without o+rx, a file without o+r), or empty. Always empty when
/// the grader is not root (the sandbox is then the grader's own uid).
fs::path unreadable_by_sandbox(const std::vector<fs::path>& roots);

/// Where gograde-jail is: beside the running executable (empty if absent).
const fs::path& jail_path();

/// A program installed beside the running gograde (gograde-jail,
/// gograde-astcheck), or empty when it is not there.
fs::path beside_gograde(const std::string& name);

/// A memory + pids cgroup for one process tree; removed (its processes
/// killed) on destruction.
class cgroup_limit {
 public:
  /// nullptr when cgroups cannot be created here (`why` says why).
  static std::unique_ptr<cgroup_limit> create(std::uint64_t memory_bytes, std::uint64_t pids, std::string& why);
  ~cgroup_limit();
  cgroup_limit(const cgroup_limit&) = delete;
  cgroup_limit& operator=(const cgroup_limit&) = delete;

  /// The cgroup.procs files a child writes its pid into.
  const std::vector<std::string>& procs_files() const { return procs_; }
  /// The memory limit was hit (an OOM kill or a refused allocation).
  bool memory_exceeded() const;
  /// A fork or thread creation was refused at the pids limit.
  bool pids_exceeded() const;
  /// Where memory is limited: "cgroup v1", "cgroup v2".
  const std::string& kind() const { return kind_; }

 private:
  cgroup_limit() = default;
  std::vector<fs::path> dirs_;
  std::vector<std::string> procs_;
  fs::path memory_dir_, pids_dir_;
  std::string kind_;
};

}  // namespace gograde
