#pragma once
// Running a child process: merged stdout+stderr captured up to a cap, a wall
// clock limit after which the whole process group is killed. No shell; a
// program named without a slash is looked up in PATH.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace gograde {

struct process_spec {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;  // added to (or replacing in) ours
  /// false: the child's environment is exactly `env`, nothing of ours.
  bool inherit_env = true;
  std::string cwd;                                       // empty: ours
  std::chrono::milliseconds timeout{60000};
  std::size_t output_cap = 4u << 20;  // bytes kept; the rest is counted, not kept
  /// RLIMIT_CPU of the child (0: none). At the limit the kernel sends
  /// SIGXCPU, then SIGKILL a second later.
  std::chrono::seconds cpu_limit{0};
  /// Output beyond this many bytes (0: no limit) kills the process group:
  /// `output_exceeded`.
  std::size_t output_limit = 0;
  /// RLIMIT_FSIZE, RLIMIT_NOFILE and RLIMIT_NPROC of the child (0: unchanged).
  std::uint64_t file_size_limit = 0;
  std::uint64_t open_files_limit = 0;
  std::uint64_t processes_limit = 0;
  /// RLIMIT_AS (0: none): the memory fallback where no cgroup can be made,
  /// for programs without ThreadSanitizer only.
  std::uint64_t address_space_limit = 0;
  /// Files the child writes its pid into before exec (cgroup.procs of the
  /// cgroups that limit it).
  std::vector<std::string> cgroup_procs;
  /// Descriptors of ours the child gets as 3, 4, ... (in this order).
  std::vector<int> pass_fds;
  /// Non-zero: the process and its descendants are ended (`stalled`) once
  /// they have made no progress for this long: no thread runnable and less
  /// than a clock tick of CPU used per sample (every thread asleep, stopped
  /// or blocked). Load does not trigger it: a starved thread is runnable.
  std::chrono::milliseconds stall_limit{0};
  /// Non-zero (with stall_limit, which samples the tree): `timeout` counts
  /// the time the process could run. The deadline moves back by the time the
  /// tree was kept from running (sampled intervals in which it had a runnable
  /// thread yet got less than half a CPU: a machine busy with other work), by
  /// at most this much: on a busy machine a program gets its whole limit of
  /// running time, and a program that loops forever still runs out of it
  /// (with as many threads as it likes: those get the CPUs). At this cap the
  /// run ends `busy`.
  std::chrono::milliseconds busy_extension{0};
  /// The child is killed when the thread that started it dies (a killed
  /// grader leaves no grading process behind).
  bool die_with_parent = false;
  /// Folders of the host the child may write (with their subfolders): once
  /// what they hold passes `disk_quota` bytes (checked every quarter second),
  /// the process is killed (`disk_exceeded`). RLIMIT_FSIZE bounds one file;
  /// this bounds how many.
  std::vector<std::string> quota_dirs;
  std::uint64_t disk_quota = 0;
};

struct process_result {
  int exit_code = -1;     // when exited normally
  int term_signal = 0;    // when killed by a signal
  bool timed_out = false;
  bool start_failed = false;  // could not be started (message in output)
  bool cpu_exceeded = false;  // killed after its CPU time limit
  bool output_exceeded = false;  // killed for writing more than output_limit
  bool stalled = false;          // killed after stall_limit without progress
  bool disk_exceeded = false;    // killed for filling quota_dirs past disk_quota
  /// timed_out with its deadline moved back by all of busy_extension: the
  /// machine kept it from running, so it did not have its time (see busy_extension).
  bool busy = false;
  std::chrono::milliseconds waited_for_cpu{0};  // how long it was kept from running (see busy_extension)
  std::string output;
  std::size_t output_bytes = 0;  // total written, kept or not
  std::chrono::milliseconds wall{0};
  std::chrono::milliseconds cpu{0};  // user + system, of the child and its waited-for children
  bool exited_ok() const noexcept { return !timed_out && term_signal == 0 && exit_code == 0; }
};

process_result run_process(const process_spec& spec);

/// What runs a process: run_process, or a fake in tests (a step's handling of
/// what the process did, tested without running it).
using process_runner = std::function<process_result(const process_spec&)>;

/// A process's (or a thread's) line of /proc: `path` is /proc/PID/stat or
/// /proc/PID/task/TID/stat.
struct proc_stat {
  char state = '?';          ///< R, S, D, T, Z, ...
  long ppid = 0;
  std::uint64_t ticks = 0;   ///< user + system CPU, in clock ticks
  std::uint64_t start = 0;   ///< start time, in clock ticks since boot
};
/// false when the file cannot be read or parsed (the process is gone).
bool read_proc_stat(const std::string& path, proc_stat& out);

}  // namespace gograde
