#pragma once
/// gox::context: Go's context package (cancellation and deadlines).
///
///   auto [ctx, cancel] = gox::context::WithTimeout(gox::context::Background(), 5 * time::Second);
///   gox::select(gox::recv_case(ctx.Done(), [&](auto) { return; }), ...);
///   if (ctx.Err()) ...   // Canceled or DeadlineExceeded
///   cancel();
///
/// Contract (as Go): Done() is closed when the context is canceled, its
/// deadline passes, or its parent is done; Background's Done() is nil (never
/// ready). Err() is nil until then, afterwards Canceled or DeadlineExceeded
/// (errors::Is works). Cancelling a context cancels all its descendants and
/// releases its timer; cancel functions may be called many times and from any
/// fiber. No fiber is started to watch a parent: propagation is direct, so a
/// context never leaks a fiber. Contexts are cheap handles; copies share state.
///
/// Memory order (race build): a cancel happens before Done() is observed closed.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "gox/chan.hpp"
#include "gox/detail/race.hpp"
#include "gox/error.hpp"
#include "gox/time.hpp"

namespace gox::context {

struct empty {};

namespace detail {
struct ctx_node;
}

/// context.Canceled / context.DeadlineExceeded
extern const error Canceled;
extern const error DeadlineExceeded;

class Context {
 public:
  /// nil for Background(): never done.
  recv_chan<empty> Done() const;
  error Err() const;
  /// The deadline, if any (the earliest of its own and its ancestors').
  std::optional<time::Time> Deadline() const;
  /// context.Value: the value stored under key by WithValue, or "".
  std::string Value(const std::string& key) const;

  // Race build: passing a context to a fiber orders nothing, as in Go.
  gox::detail::shared_handle<detail::ctx_node> node;
};

using CancelFunc = std::function<void()>;

struct WithCancelResult {
  Context ctx;
  CancelFunc cancel;
};

Context Background();
Context TODO();
WithCancelResult WithCancel(const Context& parent);
WithCancelResult WithDeadline(const Context& parent, time::Time d);
WithCancelResult WithTimeout(const Context& parent, time::Duration timeout);
Context WithValue(const Context& parent, std::string key, std::string value);

}  // namespace gox::context
