#include "engine/cpus.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

namespace gograde {

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

cpu_pool::cpu_pool(int cpus) : size_(std::max(1, cpus)), free_(size_) {}

cpu_pool& cpu_pool::shared() {
  static cpu_pool pool([] {
    if (const char* e = std::getenv("GOGRADE_CPUS")) {
      try {
        std::size_t used = 0;
        const int n = std::stoi(e, &used);
        if (used == std::string(e).size() && n >= 1 && n <= 1024) return n;
      } catch (const std::exception&) {
      }
    }
    return usable_cpus();
  }());
  return pool;
}

cpu_pool::lease& cpu_pool::lease::operator=(lease&& o) noexcept {
  if (this != &o) {
    release();
    pool_ = o.pool_;
    n_ = o.n_;
    o.pool_ = nullptr;
  }
  return *this;
}

void cpu_pool::lease::release() {
  if (pool_) pool_->give_back(n_);
  pool_ = nullptr;
}

cpu_pool::lease cpu_pool::take(int n) {
  n = std::clamp(n, 1, size_);
  std::unique_lock lock(mu_);
  const std::uint64_t ticket = next_ticket_++;
  cv_.wait(lock, [&] { return serving_ == ticket && free_ >= n; });
  free_ -= n;
  ++serving_;
  lock.unlock();
  cv_.notify_all();  // the next in line may fit too
  return lease(this, n);
}

void cpu_pool::give_back(int n) {
  {
    const std::lock_guard lock(mu_);
    free_ += n;
  }
  cv_.notify_all();
}

int cpu_pool::free() const {
  const std::lock_guard lock(mu_);
  return free_;
}

int cpu_pool::waiting() const {
  const std::lock_guard lock(mu_);
  return static_cast<int>(next_ticket_ - serving_);
}

}  // namespace gograde
