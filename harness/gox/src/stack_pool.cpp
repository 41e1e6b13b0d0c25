#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <new>
#include <vector>

#include "gox/detail/race.hpp"
#include "gox/detail/spin_lock.hpp"

namespace gox::detail {

namespace {

constexpr std::size_t kPoolMax = 1024;
constexpr long kGuardedLimit = 16384;

std::size_t page_size() noexcept {
  static const std::size_t p = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return p;
}

struct pool {
  spin_lock mu;
  std::vector<void*> guarded;    // base addresses
  std::vector<void*> unguarded;  // base addresses
  std::atomic<long> guarded_live{0};
};

pool& the_pool() {
  static pool* p = new pool();  // never destroyed: fibers may outlive statics
  return *p;
}

}  // namespace

std::size_t stack_size() noexcept {
#if defined(GOX_RACE)
  return std::size_t{1} << 20;
#else
  return std::size_t{256} << 10;
#endif
}

boost::context::stack_context stack_allocator::allocate() {
  const std::size_t size = stack_size();
  const std::size_t page = page_size();
  pool& p = the_pool();
  void* base = nullptr;
  bool guarded = p.guarded_live.load(std::memory_order_relaxed) < kGuardedLimit;
  {
    spin_guard g(p.mu);
    auto& list = guarded ? p.guarded : p.unguarded;
    if (!list.empty()) {
      base = list.back();
      list.pop_back();
    }
  }
  if (!base) {
    base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    if (guarded && ::mprotect(base, page, PROT_NONE) != 0) guarded = false;
  }
  if (guarded) p.guarded_live.fetch_add(1, std::memory_order_relaxed);
  boost::context::stack_context sctx;
  // A guarded stack's usable size excludes its guard page: that is how
  // deallocate tells the two kinds apart.
  sctx.size = guarded ? size - page : size;
  sctx.sp = static_cast<char*>(base) + size;
  return sctx;
}

void stack_allocator::deallocate(boost::context::stack_context& sctx) noexcept {
  const std::size_t size = stack_size();
  const bool guarded = sctx.size != size;
  void* base = static_cast<char*>(sctx.sp) - size;
  pool& p = the_pool();
  if (guarded) p.guarded_live.fetch_sub(1, std::memory_order_relaxed);
  {
    spin_guard g(p.mu);
    auto& list = guarded ? p.guarded : p.unguarded;
    if (list.size() < kPoolMax) {
      list.push_back(base);
      return;
    }
  }
  ::munmap(base, size);
}

}  // namespace gox::detail
