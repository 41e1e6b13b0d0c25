#pragma once
// Happens-before annotations for the race build (clang -fsanitize=thread).
//
// gox primitives call these exactly where Go's runtime calls racerelease /
// raceacquire; in a normal build they compile to nothing. GOX_NO_TSAN marks
// runtime internals whose own synchronisation TSan must not see (it would
// invent happens-before edges between unrelated fibers).

// GOX_RACE: the race build. Defined for every target linking gox in that
// build (gox itself is compiled uninstrumented), or detected from the flags;
// never in the exploration build (GOX_EXPLORE), whose programs are compiled
// with TSan's instrumentation but run without TSan (gox/src/explore.cpp).
#if !defined(GOX_RACE) && !defined(GOX_EXPLORE) && defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GOX_RACE 1
#endif
#endif
#if !defined(GOX_RACE) && !defined(GOX_EXPLORE) && defined(__SANITIZE_THREAD__)
#define GOX_RACE 1
#endif

#include <cstdint>
#include <cstddef>
#include <memory>
#include <utility>

#if defined(GOX_RACE)
#include <sanitizer/tsan_interface.h>
#if defined(__clang__)
#define GOX_NO_TSAN __attribute__((disable_sanitizer_instrumentation, noinline))
#else
#define GOX_NO_TSAN __attribute__((no_sanitize_thread, noinline))
#endif
#else
#define GOX_NO_TSAN
#endif

#if defined(GOX_RACE)
extern "C" {
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
}
#endif

namespace gox::detail {

/// Race build: while alive, the current fiber's memory accesses (and those
/// of libc calls TSan intercepts, such as memmove) are not recorded.
struct race_ignore {
#if defined(GOX_RACE)
  race_ignore() noexcept { __tsan_ignore_thread_begin(); }
  ~race_ignore() { __tsan_ignore_thread_end(); }
#else
  race_ignore() noexcept {}  // user-provided: a guard, not an unused variable
  ~race_ignore() {}
#endif
  race_ignore(const race_ignore&) = delete;
  race_ignore& operator=(const race_ignore&) = delete;
};

/// Race build: within a spin-locked region (whose guard hides accesses),
/// lets one deliberate access through.
struct race_unignored {
#if defined(GOX_RACE)
  race_unignored() noexcept { __tsan_ignore_thread_end(); }
  ~race_unignored() { __tsan_ignore_thread_begin(); }
#else
  race_unignored() noexcept {}
  ~race_unignored() {}
#endif
  race_unignored(const race_unignored&) = delete;
  race_unignored& operator=(const race_unignored&) = delete;
};

#if defined(GOX_RACE)
inline void race_acquire(const void* addr) noexcept { __tsan_acquire(const_cast<void*>(addr)); }
inline void race_release(const void* addr) noexcept { __tsan_release(const_cast<void*>(addr)); }
/// A memory access the program makes through a gox call: Go's
/// racereadpc/racewritepc, for the pairs Go's detector reports (send vs
/// close, WaitGroup Add vs Wait). `caller_pc` is the gox call's return
/// address; the report's stack then reads: the gox function (as Go shows
/// runtime.chansend), then the program's line that called it.
void race_read(const void* addr, void* caller_pc) noexcept;
void race_write(const void* addr, void* caller_pc) noexcept;
/// A word for race_read/race_write that is never freed (nor reused).
std::uint64_t* race_word_alloc() noexcept;
/// One unbuffered hand-off, as Go orders it (racesync): only the matched
/// pair. The fiber about to park makes a token holding its clock; the fiber
/// that completes the operation passes through it (race_pass); the parked
/// fiber, woken, acquires it and frees it. A fresh address each time, freed
/// after: no clock is left behind for a later hand-off between other fibers
/// to pick up (TSan's release merges, Go's overwrites). Null when the
/// caller is not in a run's race build.
void* race_token_new() noexcept;
void race_token_done(void* token) noexcept;
#else
inline void* race_token_new() noexcept { return nullptr; }
inline void race_token_done(void*) noexcept {}
inline std::uint64_t* race_word_alloc() noexcept { return nullptr; }
inline void race_acquire(const void*) noexcept {}
inline void race_release(const void*) noexcept {}
inline void race_read(const void*, void*) noexcept {}
inline void race_write(const void*, void*) noexcept {}
#endif

#if defined(GOX_RACE)
/// The count of a handle shared between fibers (a channel): in Go the garbage
/// collector keeps an object alive and passing it orders nothing, but
/// std::shared_ptr's count is an atomic read-modify-write ThreadSanitizer
/// takes for synchronisation (a fiber copying a channel would be ordered after
/// every fiber that dropped a copy). Copies and releases that are not the last
/// are made invisible; each release publishes its holder's past to `life`,
/// which the last owner acquires before destroying the object.
void race_handle_copy(std::shared_ptr<void>& to, const std::shared_ptr<void>& from) noexcept;
void race_handle_release(std::shared_ptr<void>& p, const void* life) noexcept;
#endif

/// A shared handle to a gox object (a channel, a context): a std::shared_ptr
/// whose count orders nothing in the race build (see race_handle_copy), as
/// passing a Go value that the garbage collector keeps alive orders nothing.
template <class T>
class shared_handle {
 public:
  shared_handle() = default;
  shared_handle(std::nullptr_t) noexcept {}
  shared_handle(std::shared_ptr<T> p) noexcept : p_(p.get()) { owner_ = std::move(p); }  // NOLINT: implicit
#if defined(GOX_RACE)
  shared_handle(const shared_handle& o) noexcept : p_(o.p_) { race_handle_copy(owner_, o.owner_); }
  shared_handle(shared_handle&& o) noexcept : owner_(std::move(o.owner_)), p_(o.p_) { o.p_ = nullptr; }
  shared_handle& operator=(const shared_handle& o) noexcept {
    if (this != &o) {
      shared_handle t(o);
      swap(t);
    }
    return *this;
  }
  shared_handle& operator=(shared_handle&& o) noexcept {
    shared_handle t(std::move(o));
    swap(t);
    return *this;
  }
  // The holders publish to an address inside the object that nothing else
  // synchronises on (one byte past its start).
  ~shared_handle() {
    if (p_) race_handle_release(owner_, reinterpret_cast<const char*>(p_) + 1);
  }
  void swap(shared_handle& o) noexcept {
    owner_.swap(o.owner_);
    std::swap(p_, o.p_);
  }
#endif
  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  friend bool operator==(const shared_handle& a, const shared_handle& b) noexcept { return a.p_ == b.p_; }
  /// A std::shared_ptr to the object (for gox's own code: its count is seen
  /// by ThreadSanitizer when made in instrumented code).
  std::shared_ptr<T> shared() const noexcept { return std::static_pointer_cast<T>(owner_); }

 private:
  std::shared_ptr<void> owner_;  // keeps the object alive
  T* p_ = nullptr;
};

/// Passing through a synchronisation point that orders both ways: acquire
/// what earlier passers released, then release to later ones.
inline void race_pass(const void* addr) noexcept {
  race_acquire(addr);
  race_release(addr);
}

}  // namespace gox::detail
