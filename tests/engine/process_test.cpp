#include "engine/process.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>

namespace fs = std::filesystem;

using namespace gograde;

namespace {

process_result run(const std::string& script, std::chrono::milliseconds timeout, std::chrono::milliseconds stall) {
  process_spec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.timeout = timeout;
  spec.stall_limit = stall;
  return run_process(spec);
}

}  // namespace

TEST_CASE("A process that closes its output and lives on is still held to the wall limit", "[process]") {
  const process_result r = run("exec >&- 2>&-; while :; do :; done", std::chrono::milliseconds(800), {});
  CHECK(r.timed_out);
  CHECK(r.wall < std::chrono::seconds(10));
}

TEST_CASE("A process that closes its output and exits is reaped with its status", "[process]") {
  const process_result r = run("exec >&- 2>&-; exit 7", std::chrono::seconds(30), {});
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 7);
}

TEST_CASE("A sleeping or stopped process is ended as stalled, a busy one is not", "[process]") {
  const process_result sleeping = run("sleep 60", std::chrono::seconds(60), std::chrono::milliseconds(1000));
  CHECK(sleeping.stalled);
  CHECK(sleeping.wall < std::chrono::seconds(20));
  const process_result stopped = run("kill -STOP $$", std::chrono::seconds(60), std::chrono::milliseconds(1000));
  CHECK(stopped.stalled);
  // A busy loop uses CPU (and is runnable when it does not): never stalled,
  // however loaded the machine is; it meets the wall limit instead.
  const process_result busy = run("while :; do :; done", std::chrono::milliseconds(2500), std::chrono::milliseconds(1000));
  CHECK_FALSE(busy.stalled);
  CHECK(busy.timed_out);
}

TEST_CASE("A child that sleeps in a grandchild is watched as a tree", "[process]") {
  // The shell waits (asleep) while its child spins: the tree makes progress.
  const process_result r = run("sh -c 'while :; do :; done'; true", std::chrono::milliseconds(2500),
                               std::chrono::milliseconds(1000));
  CHECK_FALSE(r.stalled);
  CHECK(r.timed_out);
}

TEST_CASE("A process filling a folder with many small files is stopped at the disk quota", "[process]") {
  const fs::path dir = fs::temp_directory_path() / ("gograde-quota-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  process_spec spec;
  spec.argv = {"/bin/sh", "-c", "i=0; while :; do i=$((i+1)); head -c 65536 /dev/zero > \"$0/f$i\"; done", dir.string()};
  spec.timeout = std::chrono::seconds(60);
  spec.quota_dirs = {dir.string()};
  spec.disk_quota = 8u << 20;
  const process_result r = run_process(spec);
  CHECK(r.disk_exceeded);
  CHECK(r.wall < std::chrono::seconds(30));
  fs::remove_all(dir);
}

namespace {

// A busy loop on CPU 0 at normal priority, for as long as it lives: a program
// pinned to the same CPU at a high nice value gets a small, steady share of it.
struct cpu0_spinner {
  pid_t pid = ::fork();
  cpu0_spinner() {
    if (pid == 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(0, &set);
      ::sched_setaffinity(0, sizeof set, &set);
      std::atomic<unsigned long> spins{0};
      for (;;) spins.fetch_add(1, std::memory_order_relaxed);
    }
  }
  ~cpu0_spinner() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

process_result run_starved(const std::string& script, int nice, std::chrono::milliseconds timeout,
                           std::chrono::milliseconds extension) {
  process_spec spec;
  spec.argv = {"taskset", "-c", "0", "nice", "-n", std::to_string(nice), "sh", "-c", script};
  spec.timeout = timeout;
  spec.stall_limit = std::chrono::seconds(30);
  spec.busy_extension = extension;
  return run_process(spec);
}

}  // namespace

TEST_CASE("On a busy CPU the limit is running time: a starved program finishes, a looping one times out",
          "[process]") {
  cpu0_spinner spinner;
  REQUIRE(spinner.pid > 0);
  // ~15 ms of work given about 1.5% of a CPU: a second of waiting, far past
  // its 0.3 s limit, and it still finishes (however much busier the CPU is).
  const process_result starved = run_starved("i=0; while [ $i -lt 10000 ]; do i=$((i+1)); done; exit 3", 19,
                                             std::chrono::milliseconds(300), std::chrono::seconds(120));
  CHECK_FALSE(starved.timed_out);
  CHECK(starved.exit_code == 3);
  CHECK(starved.waited_for_cpu > std::chrono::milliseconds(300));
  CHECK(starved.wall > std::chrono::milliseconds(300));
  // A loop that never ends runs out of its running time, busy CPU or not.
  const process_result loop =
      run_starved("while :; do :; done", 5, std::chrono::milliseconds(500), std::chrono::seconds(120));
  CHECK(loop.timed_out);
  CHECK_FALSE(loop.busy);
  CHECK(loop.waited_for_cpu > std::chrono::milliseconds(200));
  // A program that keeps itself waiting (more spinning threads than CPUs)
  // still gets the CPUs: no extension, it times out as any loop does.
  const process_result crowd = run_starved("for k in 1 2 3 4 5 6 7 8; do (while :; do :; done) & done; wait", 0,
                                           std::chrono::milliseconds(1000), std::chrono::seconds(120));
  CHECK(crowd.timed_out);
  CHECK_FALSE(crowd.busy);
  // Kept from running longer than the extension allows: busy, not a verdict.
  const process_result capped =
      run_starved("while :; do :; done", 19, std::chrono::milliseconds(500), std::chrono::milliseconds(500));
  CHECK(capped.timed_out);
  CHECK(capped.busy);
}
