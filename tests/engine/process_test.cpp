#include "engine/process.hpp"

#include <unistd.h>

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
