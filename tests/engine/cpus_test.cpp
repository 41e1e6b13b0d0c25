#include "engine/cpus.hpp"

#include <catch2/catch.hpp>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace gograde;

namespace {
// Waits (without a time limit: one or the other is certain to come) until
// `pool` has `n` requests waiting or `served` is set.
void until_waiting(const cpu_pool& pool, int n, const std::atomic<bool>& served) {
  while (pool.waiting() != n && !served) std::this_thread::yield();
}
}  // namespace

TEST_CASE("The CPU pool lends at most its size, clamps requests and takes CPUs back", "[cpus]") {
  cpu_pool pool(3);
  CHECK(pool.size() == 3);
  {
    cpu_pool::lease a = pool.take(2);
    CHECK(a.cpus() == 2);
    CHECK(pool.free() == 1);
    cpu_pool::lease b = pool.take(0);  // at least one
    CHECK(b.cpus() == 1);
    CHECK(pool.free() == 0);
    b.release();
    CHECK(pool.free() == 1);
    cpu_pool::lease moved = std::move(a);
    CHECK(a.cpus() == 0);
    CHECK(pool.free() == 1);
  }
  CHECK(pool.free() == 3);
  cpu_pool::lease all = pool.take(99);  // more than there are: all of them
  CHECK(all.cpus() == 3);
  CHECK(pool.free() == 0);
  CHECK(cpu_pool(0).size() == 1);
}

TEST_CASE("The CPU pool serves requests in order: a run wanting every CPU is not passed over", "[cpus]") {
  cpu_pool pool(2);
  std::mutex mu;
  std::vector<std::string> order;
  std::atomic<bool> served{false};
  cpu_pool::lease first = pool.take(1);
  std::thread wide([&] {
    cpu_pool::lease l = pool.take(2);
    const std::lock_guard lock(mu);
    order.push_back("wide");
  });
  until_waiting(pool, 1, served);
  // One CPU is free, but the wide request came first: this one waits behind it.
  std::thread narrow([&] {
    cpu_pool::lease l = pool.take(1);
    served = true;
    const std::lock_guard lock(mu);
    order.push_back("narrow");
  });
  until_waiting(pool, 2, served);
  CHECK_FALSE(served);
  first.release();
  wide.join();
  narrow.join();
  CHECK(order == std::vector<std::string>{"wide", "narrow"});
  CHECK(pool.free() == 2);
}

TEST_CASE("The CPU pool never lends more than it has to many threads at once", "[cpus]") {
  cpu_pool pool(3);
  std::atomic<int> held{0}, most{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&, t] {
      for (int k = 0; k < 200; ++k) {
        const cpu_pool::lease l = pool.take(1 + (t + k) % 3);
        const int now = held += l.cpus();
        for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
        }
        held -= l.cpus();
      }
    });
  for (auto& t : ts) t.join();
  CHECK(most.load() <= 3);
  CHECK(most.load() >= 1);
  CHECK(pool.free() == 3);
  CHECK(pool.waiting() == 0);
}

TEST_CASE("The process's pool is as wide as the CPUs it may run on", "[cpus]") {
  CHECK(usable_cpus() >= 1);
  CHECK(cpu_pool::shared().size() >= 1);
}
