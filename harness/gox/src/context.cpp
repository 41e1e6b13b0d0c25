#include "gox/context.hpp"

#include <vector>

#include "gox/detail/race.hpp"
#include "gox/detail/spin_lock.hpp"
#include "gox/detail/timer.hpp"

namespace gox::context {

const error Canceled = errors::New("context canceled");
const error DeadlineExceeded = errors::New("context deadline exceeded");

namespace detail {

struct ctx_node : std::enable_shared_from_this<ctx_node> {
  // constant after construction
  std::shared_ptr<ctx_node> parent;
  bool cancelable = false;
  std::optional<time::Time> deadline;
  std::string key, value;  // WithValue
  chan<empty> done;        // cancelable nodes only

  // protected by mu
  gox::detail::spin_lock mu;
  error err;
  std::vector<std::weak_ptr<ctx_node>> children;
  gox::detail::timer_handle timer;

  /// The nearest cancelable node at or above this one (nullptr: Background).
  ctx_node* cancel_ancestor() {
    for (ctx_node* n = this; n; n = n->parent.get())
      if (n->cancelable) return n;
    return nullptr;
  }

  void cancel(bool remove_from_parent, const error& why) {
    std::vector<std::weak_ptr<ctx_node>> kids;
    gox::detail::timer_handle t;
    {
      gox::detail::spin_guard g(mu);
      if (err) return;
      // Before err is visible: an Err() that sees it must find the release.
      gox::detail::race_release(this);
      err = why;
      kids.swap(children);
      t = std::move(timer);
    }
    if (t) gox::detail::stop_timer(t);
    done.close();
    for (auto& k : kids)
      if (auto c = k.lock()) c->cancel(false, why);
    if (remove_from_parent && parent) {
      if (ctx_node* p = parent->cancel_ancestor()) {
        gox::detail::spin_guard g(p->mu);
        std::erase_if(p->children, [this](const std::weak_ptr<ctx_node>& w) {
          auto s = w.lock();
          return !s || s.get() == this;
        });
      }
    }
  }
};

}  // namespace detail

using detail::ctx_node;

recv_chan<empty> Context::Done() const {
  ctx_node* n = node ? node->cancel_ancestor() : nullptr;
  return n ? recv_chan<empty>(n->done) : recv_chan<empty>();
}

error Context::Err() const {
  ctx_node* n = node ? node->cancel_ancestor() : nullptr;
  if (!n) return {};
  gox::detail::spin_guard g(n->mu);
  error e = n->err;
  g.unlock();
  if (e) gox::detail::race_acquire(n);
  return e;
}

std::optional<time::Time> Context::Deadline() const {
  for (ctx_node* n = node.get(); n; n = n->parent.get())
    if (n->deadline) return n->deadline;
  return std::nullopt;
}

std::string Context::Value(const std::string& key) const {
  for (ctx_node* n = node.get(); n; n = n->parent.get())
    if (!n->key.empty() && n->key == key) return n->value;
  return {};
}

Context Background() { return Context{std::make_shared<ctx_node>()}; }
Context TODO() { return Background(); }

namespace {

std::shared_ptr<ctx_node> new_cancelable(const Context& parent) {
  auto n = std::make_shared<ctx_node>();
  n->parent = parent.node ? parent.node.shared() : Background().node.shared();
  n->cancelable = true;
  n->done = make_chan<empty>(0);
  if (ctx_node* p = n->parent->cancel_ancestor()) {
    gox::detail::spin_guard g(p->mu);
    if (p->err) {
      error why = p->err;
      g.unlock();
      n->cancel(false, why);
    } else {
      p->children.push_back(n);
    }
  }
  return n;
}

CancelFunc canceller(const std::shared_ptr<ctx_node>& n) {
  std::weak_ptr<ctx_node> w = n;
  return [w] {
    if (auto s = w.lock()) s->cancel(true, Canceled);
  };
}

}  // namespace

WithCancelResult WithCancel(const Context& parent) {
  auto n = new_cancelable(parent);
  return {Context{n}, canceller(n)};
}

WithCancelResult WithDeadline(const Context& parent, time::Time d) {
  if (auto pd = parent.Deadline(); pd && pd->Before(d)) return WithCancel(parent);
  auto n = new_cancelable(parent);
  n->deadline = d;
  const time::Duration left = d.Sub(time::Now());
  if (left.count() <= 0) {
    n->cancel(true, DeadlineExceeded);
  } else {
    std::weak_ptr<ctx_node> w = n;
    auto t = gox::detail::add_timer(gox::detail::mono_now() + left.count(), 0, [w] {
      if (auto s = w.lock()) s->cancel(true, DeadlineExceeded);
    });
    gox::detail::spin_guard g(n->mu);
    if (n->err) gox::detail::stop_timer(t);  // canceled meanwhile by its parent
    else n->timer = std::move(t);
  }
  return {Context{n}, canceller(n)};
}

WithCancelResult WithTimeout(const Context& parent, time::Duration timeout) {
  return WithDeadline(parent, time::Now().Add(timeout));
}

Context WithValue(const Context& parent, std::string key, std::string value) {
  auto n = std::make_shared<ctx_node>();
  n->parent = parent.node ? parent.node.shared() : Background().node.shared();
  n->key = std::move(key);
  n->value = std::move(value);
  return Context{n};
}

}  // namespace gox::context
