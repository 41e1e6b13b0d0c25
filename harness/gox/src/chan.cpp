#include <algorithm>
#include <thread>

#include "gox/detail/chan_core.hpp"
#include "gox/panic.hpp"

namespace gox::detail {

bool settle(sudog& s, waitq& q, spin_lock& mu) noexcept {
  if (s.w->is_signaled()) return true;
  {
    spin_guard g(mu);
    if (s.linked) {
      q.remove(&s);
      return false;
    }
  }
  while (!s.w->is_signaled()) std::this_thread::yield();
  return true;
}

void block_in(spin_guard& g, spin_lock& mu, waitq& q, sudog& s, const char* reason,
              source_location loc, bool lend, bool front) {
  waiter w;
  prepare(w, reason, loc);
  if (lend) race_lend(1);
  s.w = &w;
  if (front) q.enqueue_front(&s);
  else q.enqueue(&s);
  g.unlock();
  const bool alive = park(w);
  const bool completed = settle(s, q, mu);
  race_reclaim();
  if (s.race_slot) {
    race_pass(s.race_slot);
  }
  if (!alive || !completed) unwind();
}

void chan_base::close(source_location loc) {
  race_write(race_word, __builtin_return_address(0));
  wake_list wl;
  {
    spin_guard g(mu);
    if (closed) {
      g.unlock();
      throw_panic("close of closed channel", loc);
    }
    closed = true;
    race_release(this);
    while (sudog* s = recvq.dequeue()) wl.push(s, false);
    while (sudog* s = sendq.dequeue()) wl.push(s, false);
  }
  wl.wake_all();
}

void block_forever(const char* reason, source_location loc) {
  waiter w;
  prepare(w, reason, loc);
  for (;;) park_or_unwind(w);
}

namespace {

// A blocking send or receive on `c` (g holds c->mu). Unbuffered: a token
// orders exactly the matched pair (Go's racesync). Buffered: whoever
// completes the operation annotates the slot on our behalf. Woken by close
// (!s.success): the close happens before.
void park_on(spin_guard& g, chan_base* c, waitq& q, sudog& s, const char* reason,
             source_location loc) {
  const bool unbuffered = c->cap == 0;
  if (unbuffered) s.race_token = race_token_new();
  struct token_done {  // also when the park ends in a teardown
    void* t;
    ~token_done() { race_token_done(t); }
  } done{s.race_token};
  block_in(g, c->mu, q, s, reason, loc, !unbuffered);
  if (!s.success) race_acquire(c);
}

}  // namespace

bool chan_try_send(chan_base* c, void* src) {
  spin_guard g(c->mu);
  if (c->closed) return false;
  if (sudog* s = c->recvq.dequeue()) {
    wake_list wl;
    c->send_to_receiver(s, src, wl);
    g.unlock();
    wl.wake_all();
    return true;
  }
  if (c->count < c->cap) {
    c->buffered_send(src);
    return true;
  }
  return false;
}

void chan_send(chan_base* c, void* src, source_location loc) {
  race_read(c->race_word, __builtin_return_address(0));
  spin_guard g(c->mu);
  if (c->closed) {
    g.unlock();
    throw_panic("send on closed channel", loc);
  }
  if (sudog* s = c->recvq.dequeue()) {
    wake_list wl;
    c->send_to_receiver(s, src, wl);
    g.unlock();
    wl.wake_all();
    return;
  }
  if (c->count < c->cap) {
    c->buffered_send(src);
    return;
  }
  sudog me;
  me.elem = src;
  park_on(g, c, c->sendq, me, "chan send", loc);
  if (!me.success) throw_panic("send on closed channel", loc);
}

bool chan_recv(chan_base* c, void* dst, source_location loc) {
  spin_guard g(c->mu);
  if (sudog* s = c->sendq.dequeue()) {
    wake_list wl;
    c->recv_from_sender(s, dst, wl);
    g.unlock();
    wl.wake_all();
    return true;
  }
  if (c->count > 0) {
    c->buffered_recv(dst);
    return true;
  }
  if (c->closed) {
    race_acquire(c);
    return false;
  }
  sudog me;
  me.elem = dst;
  park_on(g, c, c->recvq, me, "chan receive", loc);
  return me.success;
}

namespace {

void lock_all(chan_base** lockorder, int n) {
  for (int i = 0; i < n; ++i)
    if (i == 0 || lockorder[i] != lockorder[i - 1]) lockorder[i]->mu.lock();
}
void unlock_all(chan_base** lockorder, int n) {
  for (int i = n - 1; i >= 0; --i)
    if (i == 0 || lockorder[i] != lockorder[i - 1]) lockorder[i]->mu.unlock();
}

}  // namespace

int select_impl(select_case_desc* cases, int n, bool has_default, int* order,
                chan_base** lockorder, sudog* sgs, source_location loc) {
  void* const pc = __builtin_return_address(0);
  // Poll order: a uniformly random permutation of the non-nil cases.
  int live = 0;
  for (int i = 0; i < n; ++i) {
    if (!cases[i].c) continue;
    const int j = static_cast<int>(fastrandn(static_cast<std::uint64_t>(live) + 1));
    order[live] = order[j];
    order[j] = i;
    ++live;
  }
  if (live == 0) {
    if (has_default) return -1;
    block_forever("select (no cases)", loc);
  }
  for (int i = 0; i < live; ++i) lockorder[i] = cases[order[i]].c;
  std::sort(lockorder, lockorder + live);
  lock_all(lockorder, live);

  // Pass 1: a case that can proceed now.
  wake_list wl;
  for (int k = 0; k < live; ++k) {
    const int i = order[k];
    select_case_desc& sc = cases[i];
    chan_base* c = sc.c;
    if (sc.is_send) {
      if (c->closed) {
        unlock_all(lockorder, live);
        race_read(c->race_word, pc);
        throw_panic("send on closed channel", loc);
      }
      if (sudog* s = c->recvq.dequeue()) {
        c->send_to_receiver(s, sc.elem, wl);
      } else if (c->count < c->cap) {
        c->buffered_send(sc.elem);
      } else {
        continue;
      }
    } else {
      if (sudog* s = c->sendq.dequeue()) {
        c->recv_from_sender(s, sc.elem, wl);
        sc.ok = true;
      } else if (c->count > 0) {
        c->buffered_recv(sc.elem);
        sc.ok = true;
      } else if (c->closed) {
        race_acquire(c);
        sc.ok = false;
      } else {
        continue;
      }
    }
    unlock_all(lockorder, live);
    wl.wake_all();
    if (sc.is_send) race_read(c->race_word, pc);  // not under the locks: TSan ignores that
    return i;
  }
  if (has_default) {
    unlock_all(lockorder, live);
    return -1;
  }

  // Pass 2: park on every channel at once.
  int held = 0;  // distinct channels locked
  bool any_unbuffered = false;
  for (int k = 0; k < live; ++k) {
    if (k == 0 || lockorder[k] != lockorder[k - 1]) ++held;
    any_unbuffered = any_unbuffered || cases[order[k]].c->cap == 0;
  }
  // One hand-off token for the unbuffered cases: only the case taken passes
  // through it; a case not taken orders nothing.
  void* const token = any_unbuffered ? race_token_new() : nullptr;
  struct token_done {
    void* t;
    ~token_done() { race_token_done(t); }
  } done{token};
  waiter w;
  prepare(w, "select", loc);
  race_lend(held);
  select_state st;
  for (int k = 0; k < live; ++k) {
    const int i = order[k];
    sudog& s = sgs[k];
    s = sudog{};
    s.w = &w;
    s.elem = cases[i].elem;
    s.sel = &st;
    s.case_index = i;
    if (cases[i].c->cap == 0) s.race_token = token;
    if (cases[i].is_send) cases[i].c->sendq.enqueue(&s);
    else cases[i].c->recvq.enqueue(&s);
  }
  unlock_all(lockorder, live);
  const bool alive = park(w);

  // Pass 3: unlink the losing sudogs.
  lock_all(lockorder, live);
  int winner = -1;
  bool success = false;
  const void* race_slot = nullptr;
  for (int k = 0; k < live; ++k) {
    sudog& s = sgs[k];
    const int i = order[k];
    if (st.winner == i && !s.linked) {
      winner = i;
      success = s.success;
      race_slot = s.race_slot;
      continue;
    }
    if (cases[i].is_send) cases[i].c->sendq.remove(&s);
    else cases[i].c->recvq.remove(&s);
  }
  unlock_all(lockorder, live);
  // A case claimed by a waker that has not signaled yet: wait for it.
  if (st.done.load() != 0 && winner >= 0)
    while (!w.is_signaled()) std::this_thread::yield();
  race_reclaim();
  if (!alive || winner < 0) unwind();
  if (race_slot) {
    race_pass(race_slot);
  }
  if (!success) race_acquire(cases[winner].c);
  race_token_done(done.t);  // before the case's body runs: the pair is ordered
  done.t = nullptr;
  if (cases[winner].is_send) {
    race_read(cases[winner].c->race_word, pc);
    if (!success) throw_panic("send on closed channel", loc);
  } else {
    cases[winner].ok = success;
  }
  return winner;
}

}  // namespace gox::detail
