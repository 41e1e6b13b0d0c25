#pragma once
// Fiber stacks: mmap'd, committed lazily by the kernel, recycled through a
// pool so spawning a fiber rarely makes a system call.
//
// Each stack gets a guard page (stack overflow is a SIGSEGV, not silent
// corruption) while fewer than kGuardedLimit guarded stacks are live; past
// that, stacks come without one, because every guard page costs a kernel
// memory mapping and the kernel allows ~65k per process.

#include <boost/context/stack_context.hpp>
#include <cstddef>

namespace gox::detail {

/// Stack size: 260 KiB of address space (1 MiB in the race build, whose
/// instrumented frames are larger). Only touched pages use memory.
std::size_t stack_size() noexcept;

struct stack_allocator {
  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& sctx) noexcept;
};

/// Returns the calling thread's cached stacks to the process-wide pool; later
/// frees on this thread go there directly. Call before a scheduler thread ends.
void flush_thread_stacks() noexcept;

}  // namespace gox::detail
