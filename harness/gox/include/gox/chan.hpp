#pragma once
/// gox::chan<T>: Go channels, with Go's semantics.
///
///   auto ch = gox::make_chan<int>(3);   // make(chan int, 3); 0 = unbuffered
///   ch.send(1);                         // ch <- 1
///   int v = ch.recv();                  // v := <-ch
///   auto [w, ok] = ch.recv2();          // w, ok := <-ch
///   ch.close();                         // close(ch)
///   for (int x : ch) { ... }            // for x := range ch
///
/// Contract (as Go):
///  - Any capacity >= 0. An unbuffered send blocks until a receiver takes the
///    value; a buffered send blocks while the buffer holds `cap` values.
///  - Receive blocks until a value is available. On a closed channel it
///    first drains the buffered values, then yields T{} with ok = false.
///  - send on a closed channel, close of a closed channel and close of a nil
///    channel throw gox::panic. A sender blocked when the channel is closed
///    panics too.
///  - A default-constructed chan is nil: send and receive block forever (a
///    deadlock if nothing else can run), len and cap are 0.
///  - Blocking parks the fiber, never the thread. Safe to use from fibers on
///    any scheduler thread and from plain threads.
///  - Memory order (race build): a send happens before the matching receive
///    completes; the k-th receive happens before the (k+cap)-th send
///    completes; close happens before a receive that observes it.
///
/// chan, recv_chan and send_chan are reference types: copies share the channel
/// and compare equal. recv_chan<T> (<-chan T) and send_chan<T> (chan<- T) are
/// the directional views; a chan converts to either implicitly.
///
/// gox::select(cases...) is Go's select: see the bottom of this header.

#include <array>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "gox/detail/chan_core.hpp"
#include "gox/panic.hpp"
#include "gox/source_location.hpp"

namespace gox {

namespace detail {

template <class T>
class chan_impl final : public chan_base {
 public:
  using value_type = T;
  explicit chan_impl(std::size_t capacity)
      : chan_base(capacity), buf_(capacity ? alloc_.allocate(capacity) : nullptr) {}
  ~chan_impl() override {
    while (count > 0) {
      std::destroy_at(buf_ + recvx);
      recvx = (recvx + 1) % cap;
      --count;
    }
    if (buf_) alloc_.deallocate(buf_, cap);
  }

  void buffer_push(void* src) override {
    std::construct_at(buf_ + sendx(), std::move(*static_cast<T*>(src)));
    ++count;
  }
  void buffer_pop(void* dst) override {
    T* p = buf_ + recvx;
    if (dst) *static_cast<std::optional<T>*>(dst) = std::move(*p);
    std::destroy_at(p);
    recvx = (recvx + 1) % cap;
    --count;
  }
  void hand_over(void* dst, void* src) override {
    if (dst) *static_cast<std::optional<T>*>(dst) = std::move(*static_cast<T*>(src));
  }
  void* slot_addr(std::size_t i) noexcept override { return buf_ + i; }

 private:
  std::allocator<T> alloc_;
  T* buf_;
};

template <class T>
using chan_ptr = std::shared_ptr<chan_impl<T>>;

}  // namespace detail

template <class T>
class recv_chan;
template <class T>
class send_chan;

/// Result of recv2: the value and whether it was sent (false: closed).
template <class T>
struct recv_result {
  T value;
  bool ok;
};

template <class T>
class chan {
  static_assert(std::is_move_constructible_v<T>, "channel elements must be movable");
  static_assert(std::is_default_constructible_v<T>,
                "channel elements need a zero value (receive on a closed channel yields T{})");

 public:
  chan() = default;  // nil
  chan(std::nullptr_t) {}

  /// ch <- v. Blocks as described above.
  void send(T v, source_location loc = source_location::current()) const {
    if (!h_) detail::block_forever("chan send (nil chan)", loc);
    detail::chan_send(h_.get(), &v, loc);
  }
  /// <-ch: the value, or T{} once closed and drained.
  T recv(source_location loc = source_location::current()) const { return recv2(loc).value; }
  /// v, ok := <-ch
  recv_result<T> recv2(source_location loc = source_location::current()) const {
    if (!h_) detail::block_forever("chan receive (nil chan)", loc);
    std::optional<T> slot;
    const bool ok = detail::chan_recv(h_.get(), &slot, loc);
    return {ok ? std::move(*slot) : T{}, ok};
  }
  /// Non-blocking forms (select with default).
  bool try_send(T v) const { return h_ && detail::chan_try_send(h_.get(), &v); }
  /// close(ch)
  void close(source_location loc = source_location::current()) const {
    if (!h_) detail::throw_panic("close of nil channel", loc);
    h_->close(loc);
  }
  std::size_t len() const {
    if (!h_) return 0;
    detail::spin_guard g(h_->mu);
    return h_->count;
  }
  std::size_t cap() const { return h_ ? h_->cap : 0; }

  explicit operator bool() const noexcept { return static_cast<bool>(h_); }
  friend bool operator==(const chan& a, const chan& b) noexcept { return a.h_ == b.h_; }
  friend bool operator==(const chan& a, std::nullptr_t) noexcept { return !a.h_; }

  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(const chan* c) : c_(c) { advance(); }
    const T& operator*() const { return *cur_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    friend bool operator==(const iterator& a, std::default_sentinel_t) { return !a.cur_; }

   private:
    void advance() {
      auto r = c_->recv2();
      if (r.ok) cur_.emplace(std::move(r.value));
      else cur_.reset();
    }
    const chan* c_ = nullptr;
    std::optional<T> cur_;
  };
  /// for v := range ch: receives until the channel is closed and drained.
  iterator begin() const { return iterator(this); }
  std::default_sentinel_t end() const { return {}; }

  detail::chan_impl<T>* impl() const noexcept { return h_.get(); }

 private:
  template <class U>
  friend chan<U> make_chan(std::size_t);
  explicit chan(detail::chan_ptr<T> p) : h_(std::move(p)) {}
  // Race build: handing a channel to a fiber orders nothing, as in Go.
  detail::shared_handle<detail::chan_impl<T>> h_;
};

/// make(chan T, capacity)
template <class T>
chan<T> make_chan(std::size_t capacity = 0) {
  return chan<T>(std::make_shared<detail::chan_impl<T>>(capacity));
}

/// <-chan T: receive-only view.
template <class T>
class recv_chan {
 public:
  recv_chan() = default;
  recv_chan(std::nullptr_t) {}
  recv_chan(chan<T> c) : c_(std::move(c)) {}
  T recv(source_location loc = source_location::current()) const { return c_.recv(loc); }
  recv_result<T> recv2(source_location loc = source_location::current()) const {
    return c_.recv2(loc);
  }
  std::size_t len() const { return c_.len(); }
  std::size_t cap() const { return c_.cap(); }
  explicit operator bool() const noexcept { return static_cast<bool>(c_); }
  friend bool operator==(const recv_chan& a, const recv_chan& b) noexcept { return a.c_ == b.c_; }
  auto begin() const { return c_.begin(); }
  auto end() const { return c_.end(); }
  detail::chan_impl<T>* impl() const noexcept { return c_.impl(); }

 private:
  chan<T> c_;
};

/// chan<- T: send-only view.
template <class T>
class send_chan {
 public:
  send_chan() = default;
  send_chan(std::nullptr_t) {}
  send_chan(chan<T> c) : c_(std::move(c)) {}
  void send(T v, source_location loc = source_location::current()) const {
    c_.send(std::move(v), loc);
  }
  bool try_send(T v) const { return c_.try_send(std::move(v)); }
  void close(source_location loc = source_location::current()) const { c_.close(loc); }
  std::size_t len() const { return c_.len(); }
  std::size_t cap() const { return c_.cap(); }
  explicit operator bool() const noexcept { return static_cast<bool>(c_); }
  friend bool operator==(const send_chan& a, const send_chan& b) noexcept { return a.c_ == b.c_; }
  detail::chan_impl<T>* impl() const noexcept { return c_.impl(); }

 private:
  chan<T> c_;
};

// ------------------------------------------------------------------ select
//
///   gox::select(
///       gox::recv_case(jobs, [&](int j, bool ok) { ... }),   // case j, ok := <-jobs
///       gox::recv_case(done, [&](auto) { ... }),             // case <-done
///       gox::send_case(out, v, [&] { ... }),                 // case out <- v
///       gox::default_case([&] { ... }));                     // default
///
/// Contract (as Go): if one or more cases can proceed, one of them is chosen
/// uniformly at random; otherwise default runs if present; otherwise the fiber
/// blocks until a case can proceed. Exactly one case completes: a losing case
/// never consumes a value. Nil channels never proceed; a select with only nil
/// channels and no default blocks forever. Sending to a closed channel panics.
/// The chosen case's handler runs after every channel lock is released.
/// Returns the index of the chosen case (default included).

namespace detail {

template <class T, class F>
struct recv_case_t {
  chan_impl<T>* c;
  F f;
  std::optional<T> slot;
  source_location loc;
  select_case_desc desc() { return {c, false, &slot, false}; }
  void run(const select_case_desc& d) {
    T v = d.ok ? std::move(*slot) : T{};
    if constexpr (std::is_invocable_v<F&, T, bool>) f(std::move(v), d.ok);
    else if constexpr (std::is_invocable_v<F&, T>) f(std::move(v));
    else f();
  }
};

template <class T, class F>
struct send_case_t {
  chan_impl<T>* c;
  T v;
  F f;
  source_location loc;
  select_case_desc desc() { return {c, true, &v, false}; }
  void run(const select_case_desc&) { f(); }
};

template <class F>
struct default_case_t {
  F f;
  source_location loc;
};

template <class C>
struct is_default_case : std::false_type {};
template <class F>
struct is_default_case<default_case_t<F>> : std::true_type {};

}  // namespace detail

template <class Ch, class F>
auto recv_case(const Ch& ch, F f, source_location loc = source_location::current()) {
  using T = std::remove_cvref_t<decltype(ch.recv())>;
  return detail::recv_case_t<T, F>{ch.impl(), std::move(f), std::nullopt, loc};
}

template <class Ch, class V, class F>
auto send_case(const Ch& ch, V&& v, F f, source_location loc = source_location::current()) {
  using E = typename std::remove_pointer_t<decltype(ch.impl())>::value_type;
  return detail::send_case_t<E, F>{ch.impl(), E(std::forward<V>(v)), std::move(f), loc};
}

template <class F>
auto default_case(F f, source_location loc = source_location::current()) {
  return detail::default_case_t<F>{std::move(f), loc};
}

template <class... Cases>
int select(Cases&&... cases) {
  constexpr bool has_default = (detail::is_default_case<std::remove_cvref_t<Cases>>::value || ...);
  constexpr int n_default = (int{detail::is_default_case<std::remove_cvref_t<Cases>>::value} + ... + 0);
  static_assert(n_default <= 1, "select: at most one default case");
  constexpr int n = static_cast<int>(sizeof...(Cases)) - n_default;
  std::array<detail::select_case_desc, n == 0 ? 1 : n> descs{};
  std::array<int, n == 0 ? 1 : n> order{};
  std::array<detail::chan_base*, n == 0 ? 1 : n> lockorder{};
  std::array<detail::sudog, n == 0 ? 1 : n> sgs{};
  source_location loc{};
  int k = 0;
  auto collect = [&](auto& c) {
    using C = std::remove_cvref_t<decltype(c)>;
    if (!loc.known()) loc = c.loc;
    if constexpr (!detail::is_default_case<C>::value) descs[k++] = c.desc();
  };
  (collect(cases), ...);
  const int chosen = detail::select_impl(descs.data(), n, has_default, order.data(),
                                         lockorder.data(), sgs.data(), loc);
  int idx = 0;  // among channel cases
  int pos = 0;  // among all arguments
  int result = -1;
  auto dispatch = [&](auto& c) {
    using C = std::remove_cvref_t<decltype(c)>;
    if constexpr (detail::is_default_case<C>::value) {
      if (chosen == -1) {
        result = pos;
        c.f();
      }
    } else {
      if (chosen == idx) {
        result = pos;
        c.run(descs[idx]);
      }
      ++idx;
    }
    ++pos;
  };
  (dispatch(cases), ...);
  return result;
}

}  // namespace gox
