#pragma once
// The CPUs the runs of this process share. A run takes the CPUs its threads
// can use before its program starts and gives them back when it ends, so the
// runs of one grade, and of grades side by side (batch -j, validate), never
// ask the machine for more CPUs than this process may use: a parallel run
// keeps the CPUs it needs to interleave its threads for real, and a run's
// time limit is not spent waiting behind another run of the same grade.
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace gograde {

class cpu_pool {
 public:
  explicit cpu_pool(int cpus);
  cpu_pool(const cpu_pool&) = delete;
  cpu_pool& operator=(const cpu_pool&) = delete;

  /// The process's pool: as many CPUs as it may run on (its affinity mask),
  /// or GOGRADE_CPUS when that is a number from 1 to 1024.
  static cpu_pool& shared();

  /// CPUs held until it is destroyed (or moved from).
  class lease {
   public:
    lease() = default;
    lease(lease&& o) noexcept : pool_(o.pool_), n_(o.n_) { o.pool_ = nullptr; }
    lease& operator=(lease&& o) noexcept;
    ~lease() { release(); }
    void release();
    int cpus() const { return pool_ ? n_ : 0; }

   private:
    friend class cpu_pool;
    lease(cpu_pool* p, int n) : pool_(p), n_(n) {}
    cpu_pool* pool_ = nullptr;
    int n_ = 0;
  };

  /// Waits for `n` CPUs (clamped to 1..size()). Requests are served in the
  /// order they were made: a run asking for every CPU is not passed over by
  /// later runs asking for one.
  lease take(int n);

  int size() const { return size_; }
  int free() const;
  /// Requests waiting now (for tests).
  int waiting() const;

 private:
  void give_back(int n);
  const int size_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int free_;
  std::uint64_t next_ticket_ = 0, serving_ = 0;
};

/// The CPUs this process may run on (its affinity mask; at least 1).
int usable_cpus();

}  // namespace gograde
