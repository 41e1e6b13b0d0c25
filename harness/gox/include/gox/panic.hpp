#pragma once
/// gox::panic: the one exception type for broken contracts, as Go panics.
///
/// Thrown for: send on a closed channel, close of a closed or nil channel,
/// negative WaitGroup counter, unlock of an unlocked Mutex. A panic that escapes
/// a fiber ends the whole run (as in Go) with outcome `panic`.

#include <stdexcept>
#include <string>

#include "gox/source_location.hpp"

namespace gox {

class panic : public std::runtime_error {
 public:
  explicit panic(const std::string& what, source_location where = {})
      : std::runtime_error(what), where_(where) {}
  /// The call that panicked (close, send, Unlock, Done...), when known.
  source_location where() const noexcept { return where_; }

 private:
  source_location where_;
};

namespace detail {
/// Every gox panic is raised here (one place to break on in a debugger).
[[noreturn]] void throw_panic(const char* what, source_location where = {});

/// Thrown into fibers that the runtime ends (after a deadlock, a leak or a
/// panic elsewhere). Deliberately not derived from std::exception, so that
/// `catch (const std::exception&)` in user code does not swallow it.
struct fiber_unwind {};
}  // namespace detail

}  // namespace gox
