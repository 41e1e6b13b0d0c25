// Race-build halves of the runtime's internal synchronisation: compiled
// without instrumentation so TSan never derives happens-before from them.
#include "gox/detail/race.hpp"

#if defined(GOX_RACE)

#include <cstddef>
#include <cstdlib>
#include <thread>

#include "gox/detail/park.hpp"
#include "gox/detail/spin_lock.hpp"

extern "C" {
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void __tsan_func_entry(void* call_pc);
void __tsan_func_exit(void);
void __tsan_read8_pc(void* addr, void* pc);
void __tsan_write8_pc(void* addr, void* pc);
}

namespace gox::detail {

// Out of line: __builtin_return_address(0) is then a pc inside the gox
// function that made the access, shown as the stack's top frame.
GOX_NO_TSAN void race_read(const void* addr, void* caller_pc) noexcept {
  __tsan_func_entry(caller_pc);
  __tsan_read8_pc(const_cast<void*>(addr), __builtin_return_address(0));
  __tsan_func_exit();
}

GOX_NO_TSAN std::uint64_t* race_word_alloc() noexcept {
  constexpr std::size_t kChunk = 8192;
  static spin_lock mu;
  static std::uint64_t* chunk = nullptr;
  static std::size_t used = kChunk;
  spin_guard g(mu);  // (hides the allocation from TSan: no thread "wrote" the words)
  if (used == kChunk) {
    chunk = new std::uint64_t[kChunk]();  // kept for the process's life
    used = 0;
  }
  return chunk + used++;
}

GOX_NO_TSAN void* race_token_new() noexcept {
  // malloc and free, as TSan intercepts them, own the token's sync state: it
  // is created here, with this fiber's clock, and destroyed by the free.
  void* t = std::malloc(1);
  if (t) __tsan_release(t);
  return t;
}

GOX_NO_TSAN void race_token_done(void* token) noexcept {
  if (!token) return;
  __tsan_acquire(token);
  std::free(token);
}

GOX_NO_TSAN void race_handle_copy(std::shared_ptr<void>& to, const std::shared_ptr<void>& from) noexcept {
  AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  to = from;
  AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
}

GOX_NO_TSAN void race_handle_release(std::shared_ptr<void>& p, const void* life) noexcept {
  if (!p) return;
  if (p.use_count() == 1) {
    __tsan_acquire(const_cast<void*>(life));  // every other holder's past, before the destruction
    p.reset();
    return;
  }
  __tsan_release(const_cast<void*>(life));
  AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  p.reset();
  AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
}

GOX_NO_TSAN void race_write(const void* addr, void* caller_pc) noexcept {
  __tsan_func_entry(caller_pc);
  __tsan_write8_pc(const_cast<void*>(addr), __builtin_return_address(0));
  __tsan_func_exit();
}

GOX_NO_TSAN void spin_lock::lock() noexcept {
  spin_acquire(locked_);
  __tsan_ignore_thread_begin();
}

GOX_NO_TSAN bool spin_lock::try_lock() noexcept {
  if (locked_.load(std::memory_order_relaxed) || locked_.exchange(true, std::memory_order_acquire))
    return false;
  __tsan_ignore_thread_begin();
  return true;
}

GOX_NO_TSAN void spin_lock::unlock() noexcept {
  __tsan_ignore_thread_end();
  locked_.store(false, std::memory_order_release);
}

GOX_NO_TSAN void waiter::signal() noexcept {
  const boost::fibers::waker wk = w;
  signaled.store(true, std::memory_order_release);
  // Waking a plain thread goes through Boost's default scheduler, whose
  // std::mutex and condition variable TSan intercepts: they would order the
  // waker before the sleeper (an edge gox annotates itself, or not at all)
  // and report the sleeper's scheduler, destroyed when its thread ends, as
  // racing with the waker's broadcast.
  AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  __tsan_ignore_thread_begin();
  wk.wake();
  __tsan_ignore_thread_end();
  AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
}

GOX_NO_TSAN bool waiter::is_signaled() const noexcept {
  return signaled.load(std::memory_order_acquire);
}

}  // namespace gox::detail

#endif
