#include "stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <new>
#include <vector>

#include "gox/detail/race.hpp"
#include "gox/detail/spin_lock.hpp"

namespace gox::detail {

namespace {

constexpr std::size_t kPoolMax = 1024;   // process-wide cache of free stacks, per kind
constexpr int kLocalMax = 32;            // per-thread cache of free stacks, per kind
constexpr long kGuardedLimit = 16384;    // guarded stacks in existence (live or cached)
constexpr unsigned kColours = 16;        // cache-line offsets of stack tops (see allocate)
#if defined(GOX_RACE)
// Unmapping a stack makes TSan forget the accesses of the fiber that used it;
// a recycled stack would carry them over to an unrelated fiber.
constexpr bool kRecycle = false;
#else
constexpr bool kRecycle = true;
#endif

std::size_t page_size() noexcept {
  static const std::size_t p = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return p;
}

struct pool {
  spin_lock mu;
  std::vector<void*> free[2];  // [guarded] base addresses
  std::atomic<long> guarded{0};
};

pool& the_pool() {
  static pool* p = new pool();  // never destroyed: fibers may outlive statics
  return *p;
}

// Trivially destructible on purpose: it must stay usable while Boost.Fiber's
// thread-local scheduler releases fibers at thread exit. Whatever it holds
// when its thread ends is handed back by flush_thread_stacks().
struct local_cache {
  void* slots[2][kLocalMax];
  int n[2];
  bool closed;
};
thread_local local_cache tls_cache{};

void unmap(void* base, bool guarded) noexcept {
  ::munmap(base, stack_size());
  if (guarded) the_pool().guarded.fetch_sub(1, std::memory_order_relaxed);
}

// Into the process-wide pool, or back to the kernel when the pool is full.
void release(void* base, int kind) noexcept {
  pool& p = the_pool();
  {
    spin_guard g(p.mu);
    if (p.free[kind].size() < kPoolMax) {
      p.free[kind].push_back(base);
      return;
    }
  }
  unmap(base, kind == 1);
}

}  // namespace

std::size_t stack_size() noexcept {
#if defined(GOX_RACE)
  return std::size_t{1} << 20;
#else
  // A page more than 256 KiB: stacks mapped one after another then start at
  // different page colours, not all at the same offset of a 64 KiB cache way
  // (with the colouring in allocate, fibers alive together share fewer cache sets).
  return (std::size_t{256} << 10) + 4096;
#endif
}

boost::context::stack_context stack_allocator::allocate() {
  const std::size_t size = stack_size();
  const std::size_t page = page_size();
  pool& p = the_pool();
  bool guarded = p.guarded.load(std::memory_order_relaxed) < kGuardedLimit;
  void* base = nullptr;
  local_cache& lc = tls_cache;
  for (int kind : {int{guarded}, int{!guarded}}) {
    if (kRecycle && !lc.closed && lc.n[kind] > 0) {
      base = lc.slots[kind][--lc.n[kind]];
      guarded = kind == 1;
      break;
    }
  }
  if (!base && kRecycle) {
    spin_guard g(p.mu);
    auto& list = p.free[guarded];
    if (!list.empty()) {
      base = list.back();
      list.pop_back();
    }
  }
  if (!base) {
    base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    if (guarded) {
      if (::mprotect(base, page, PROT_NONE) == 0) p.guarded.fetch_add(1, std::memory_order_relaxed);
      else guarded = false;
    }
  }
  boost::context::stack_context sctx;
  // Cache colouring: each stack's top starts a different number of cache
  // lines below its end, so the tops of fibers alive together (their
  // contexts, their first frames) do not all fall in the same cache sets.
  thread_local unsigned colour = 0;
  sctx.sp = static_cast<char*>(base) + size - (colour++ % kColours) * 64;
  // A guarded stack's usable size excludes its guard page: that is how
  // deallocate tells the two kinds apart.
  sctx.size = size - (guarded ? page : 0);
  return sctx;
}

void stack_allocator::deallocate(boost::context::stack_context& sctx) noexcept {
  const std::size_t size = stack_size();
  const auto top = (reinterpret_cast<std::uintptr_t>(sctx.sp) + page_size() - 1) & ~(page_size() - 1);
  void* base = reinterpret_cast<char*>(top) - size;
  const int kind = sctx.size != size ? 1 : 0;
  if (!kRecycle) {
    unmap(base, kind == 1);
    return;
  }
  local_cache& lc = tls_cache;
  if (!lc.closed && lc.n[kind] < kLocalMax) {
    lc.slots[kind][lc.n[kind]++] = base;
    return;
  }
  release(base, kind);
}

void flush_thread_stacks() noexcept {
  local_cache& lc = tls_cache;
  lc.closed = true;
  for (int kind = 0; kind < 2; ++kind)
    while (lc.n[kind] > 0) release(lc.slots[kind][--lc.n[kind]], kind);
}

}  // namespace gox::detail
