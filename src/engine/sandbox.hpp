#pragma once
/// The sandbox every compile and run of a submission goes through.
///
/// bubblewrap (Debian's `bwrap`): new user, PID, IPC, UTS, cgroup and network
/// namespaces (the network one is empty: no interface but a down loopback),
/// the system's /usr read-only, a private /tmp and /dev, /proc of the new PID
/// namespace, and only the paths a step needs, each mounted at its own path
/// (read-only unless said otherwise). Reference solutions, hidden graders
/// other than the suite being built, and other candidates' files are simply
/// not there. The process dies with the grader.
///
/// Memory and the number of processes and threads are limited by a cgroup
/// (v1 or v2, under the grader's own) where the machine lets us create one;
/// never by RLIMIT_AS, which ThreadSanitizer cannot live with.

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

/// Whether bwrap can make a sandbox here (tried once per process).
const sandbox_status& probe_sandbox();

struct sandbox_mount {
  fs::path path;
  bool writable = false;
};

/// `argv` run inside a sandbox that shows `mounts` (and the system), starts
/// in `cwd`, with exactly `env` as its environment (plus PATH, HOME=cwd).
std::vector<std::string> sandboxed(const std::vector<std::string>& argv, const std::vector<sandbox_mount>& mounts,
                                   const fs::path& cwd, const std::vector<std::pair<std::string, std::string>>& env);

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
