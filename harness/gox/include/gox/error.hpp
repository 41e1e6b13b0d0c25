#pragma once
/// gox::error: Go's error values.
///
/// An error is a cheap, immutable reference value; a default-constructed error
/// is nil (`if (err)` means err != nil). Two errors are == when they are the
/// same value (as Go compares pointer-based errors), so sentinels work:
///
///   const gox::error ErrNotFound = gox::errors::New("not found");
///   gox::error e = gox::errorf("lookup {}: {}", key, gox::wrap(ErrNotFound));
///   e.Error() == "lookup k: not found";  gox::errors::Is(e, ErrNotFound) == true
///
/// errorf formats with {fmt} syntax; an argument passed as gox::wrap(err) is
/// printed as err.Error() and becomes the wrapped error (Go's %w).

#include <fmt/format.h>

#include <memory>
#include <string>
#include <utility>

namespace gox {

class error;

namespace detail {
struct error_impl {
  std::string msg;
  std::shared_ptr<const error_impl> wrapped;
};
}  // namespace detail

class error {
 public:
  error() = default;
  error(std::nullptr_t) {}

  explicit operator bool() const noexcept { return p_ != nullptr; }
  /// The message; "<nil>" for nil (as fmt.Sprint(nil error)).
  std::string Error() const { return p_ ? p_->msg : "<nil>"; }
  /// errors.Unwrap: the wrapped error, or nil.
  error Unwrap() const { return p_ ? error(p_->wrapped) : error(); }

  friend bool operator==(const error& a, const error& b) noexcept { return a.p_ == b.p_; }
  friend bool operator==(const error& a, std::nullptr_t) noexcept { return !a.p_; }

  static error make(std::string msg, error wrapped = {}) {
    return error(std::make_shared<const detail::error_impl>(
        detail::error_impl{std::move(msg), std::move(wrapped.p_)}));
  }

 private:
  explicit error(std::shared_ptr<const detail::error_impl> p) : p_(std::move(p)) {}
  std::shared_ptr<const detail::error_impl> p_;
};

/// Marks an errorf argument as the wrapped error (Go's %w).
struct wrap {
  error err;
  explicit wrap(error e) : err(std::move(e)) {}
};

namespace errors {
/// errors.New: a new distinct error value.
inline error New(std::string msg) { return error::make(std::move(msg)); }
/// errors.Is: err or any error it wraps == target.
inline bool Is(error err, const error& target) {
  for (; err; err = err.Unwrap())
    if (err == target) return true;
  return target == nullptr && err == nullptr;
}
}  // namespace errors

namespace detail {
inline void find_wrapped(error&) {}
template <class A, class... R>
void find_wrapped(error& out, const A& a, const R&... rest) {
  if constexpr (std::is_same_v<std::remove_cvref_t<A>, wrap>) {
    if (!out) out = a.err;
  }
  find_wrapped(out, rest...);
}
}  // namespace detail

/// fmt.Errorf with {fmt} placeholders.
template <class... Args>
error errorf(fmt::format_string<Args...> f, Args&&... args) {
  error wrapped;
  detail::find_wrapped(wrapped, args...);
  return error::make(fmt::format(f, std::forward<Args>(args)...), std::move(wrapped));
}

}  // namespace gox

template <>
struct fmt::formatter<gox::error> : fmt::formatter<std::string> {
  auto format(const gox::error& e, format_context& ctx) const {
    return fmt::formatter<std::string>::format(e.Error(), ctx);
  }
};
template <>
struct fmt::formatter<gox::wrap> : fmt::formatter<std::string> {
  auto format(const gox::wrap& w, format_context& ctx) const {
    return fmt::formatter<std::string>::format(w.err.Error(), ctx);
  }
};
