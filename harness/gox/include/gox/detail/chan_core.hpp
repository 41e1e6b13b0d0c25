#pragma once
// Channel internals shared by every element type (Go's hchan and sudog).
//
// A channel is a lock, a ring buffer of `cap` values and two FIFO queues of
// parked fibers (sudogs). Every operation runs under the channel's lock; a
// select locks all its channels in address order. A sudog that belongs to a
// select is claimed by compare-and-swap on the select's `done` flag before a
// counterpart may complete it, so a select completes exactly one case and is
// woken exactly once; losing sudogs are unlinked by the selecting fiber.

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "gox/detail/park.hpp"
#include "gox/detail/race.hpp"
#include "gox/detail/spin_lock.hpp"

namespace gox::detail {

struct chan_base;

struct select_state {
  std::atomic<int> done{0};
  int winner = -1;
};

struct sudog {
  waiter* w = nullptr;
  void* elem = nullptr;  // send: T* to move from; receive: std::optional<T>* or nullptr
  select_state* sel = nullptr;
  int case_index = -1;
  bool success = false;  // receive: got a value (not closed); send: delivered (not closed)
  bool linked = false;
  // Race build: a buffer slot the woken fiber must still acquire and release
  // itself (race_sync_for could not do it on its behalf).
  const void* race_slot = nullptr;
  // Race build, unbuffered channel: the parked fiber's hand-off token (see
  // race_token_new); whoever completes the operation passes through it.
  void* race_token = nullptr;
  sudog* next = nullptr;
  sudog* prev = nullptr;
};

class waitq {
 public:
  bool empty() const noexcept { return first_ == nullptr; }
  void enqueue(sudog* s) noexcept {
    s->prev = last_;
    s->next = nullptr;
    if (last_) last_->next = s;
    else first_ = s;
    last_ = s;
    s->linked = true;
  }
  void enqueue_front(sudog* s) noexcept {
    s->prev = nullptr;
    s->next = first_;
    if (first_) first_->prev = s;
    else last_ = s;
    first_ = s;
    s->linked = true;
  }
  void remove(sudog* s) noexcept {
    if (!s->linked) return;
    if (s->prev) s->prev->next = s->next;
    else first_ = s->next;
    if (s->next) s->next->prev = s->prev;
    else last_ = s->prev;
    s->next = s->prev = nullptr;
    s->linked = false;
  }
  /// The first sudog that may be completed; a select's sudog is claimed
  /// (its select won by this case) or skipped if another case won.
  sudog* dequeue() noexcept {
    while (sudog* s = first_) {
      remove(s);
      if (s->sel) {
        int expect = 0;
        if (!s->sel->done.compare_exchange_strong(expect, 1)) continue;
        s->sel->winner = s->case_index;
      }
      return s;
    }
    return nullptr;
  }

 private:
  sudog* first_ = nullptr;
  sudog* last_ = nullptr;
};

/// Sudogs taken off a wait queue under its lock, to be woken once the lock is
/// released (FIFO).
class wake_list {
 public:
  void push(sudog* s, bool success) noexcept {
    s->success = success;
    s->next = nullptr;
    if (tail_) tail_->next = s;
    else head_ = s;
    tail_ = s;
  }
  /// REQUIRES: the lock of the queues these came from is released.
  void wake_all() noexcept {
    while (sudog* s = head_) {
      head_ = s->next;
      s->w->signal();
    }
    tail_ = nullptr;
  }

 private:
  sudog* head_ = nullptr;
  sudog* tail_ = nullptr;
};

/// After park(): true if `s` was completed by a waker, false if it was still
/// queued (it is unlinked now). A waker that already claimed `s` is about to
/// signal it; wait for that so it never touches a dead frame.
bool settle(sudog& s, waitq& q, spin_lock& mu) noexcept;

/// The blocking half of every wait-queue operation: queues `s` on `q`,
/// releases `g` (which holds `mu`), parks until a waker completes `s`, and
/// unwinds instead if the run is torn down first. `s.elem` is the caller's.
/// `lend`: race build, lend the caller's TSan context while parked (see
/// race_lend), for waits whose completion annotates on the sleeper's behalf.
/// `front`: queue at the head instead of the tail.
void block_in(spin_guard& g, spin_lock& mu, waitq& q, sudog& s, const char* reason,
              source_location loc, bool lend = false, bool front = false);

struct chan_base {
  explicit chan_base(std::size_t capacity) : cap(capacity) {}
  virtual ~chan_base() = default;
  chan_base(const chan_base&) = delete;
  chan_base& operator=(const chan_base&) = delete;

  // Typed moves, all with `mu` held. `dst` is a std::optional<T>* (may be
  // null: value discarded), `src` a T*.
  virtual void buffer_push(void* src) = 0;
  virtual void buffer_pop(void* dst) = 0;
  virtual void hand_over(void* dst, void* src) = 0;
  virtual void* slot_addr(std::size_t i) noexcept = 0;  // race address of a buffer slot

  /// Receive from a sender parked in sendq (buffer full or unbuffered).
  void recv_from_sender(sudog* s, void* dst, wake_list& wl) {
    if (cap == 0) {
      if (s->race_token) race_pass(s->race_token);
      hand_over(dst, s->elem);
    } else {
      // Go's racenotify: the receiver and then the parked sender pass
      // through the head slot, where the sender's value goes.
      void* slot = slot_addr(recvx);
      race_pass(slot);
      race_for(s, slot);
      buffer_pop(dst);
      buffer_push(s->elem);
    }
    wl.push(s, true);
  }
  /// Send to a receiver parked in recvq (buffer empty).
  void send_to_receiver(sudog* s, void* src, wake_list& wl) {
    if (cap == 0) {
      if (s->race_token) race_pass(s->race_token);
    } else {
      // As if through the buffer: sender, then receiver, pass the head slot.
      void* slot = slot_addr(recvx);
      race_pass(slot);
      race_for(s, slot);
      recvx = (recvx + 1) % cap;  // the empty buffer now starts at the next slot
    }
    hand_over(s->elem, src);
    wl.push(s, true);
  }
  static void race_for(sudog* s, const void* slot) noexcept {
    if (!race_sync_for(s->w, slot)) s->race_slot = slot;
  }
  void buffered_send(void* src) {
    race_pass(slot_addr(sendx()));
    buffer_push(src);
  }
  void buffered_recv(void* dst) {
    race_pass(slot_addr(recvx));
    buffer_pop(dst);
  }
  std::size_t sendx() const noexcept { return cap ? (recvx + count) % cap : 0; }

  /// close(ch); panics if already closed.
  void close(source_location loc);

  spin_lock mu;
  // Race build: the word sends read and close writes, so a send that may run
  // concurrently with close is reported as a race (Go's c.raceaddr()). It
  // lives outside the channel, never freed: freeing the channel would count
  // as a write to it, which Go's collector never does.
  std::uint64_t* const race_word = race_word_alloc();
  const std::size_t cap;
  std::size_t count = 0;
  std::size_t recvx = 0;
  bool closed = false;
  waitq recvq;
  waitq sendq;
};

/// One case of a select, type-erased.
struct select_case_desc {
  chan_base* c = nullptr;  // nullptr: nil channel, never ready
  bool is_send = false;
  void* elem = nullptr;  // send: T*; receive: std::optional<T>*
  bool ok = false;       // receive: value received (not closed)
};

/// Go's selectgo. Returns the chosen case, or -1 for default (only when
/// `has_default`). `order`, `lockorder` and `sgs` are scratch arrays of n.
int select_impl(select_case_desc* cases, int n, bool has_default, int* order,
                chan_base** lockorder, sudog* sgs, source_location loc);

/// Blocking send/receive on a non-nil channel (the one-case select, faster).
void chan_send(chan_base* c, void* src, source_location loc);
bool chan_recv(chan_base* c, void* dst, source_location loc);
/// Non-blocking send (for timers): false if it would block.
bool chan_try_send(chan_base* c, void* src);

/// Parks forever (nil channel, empty select) until the run is torn down.
[[noreturn]] void block_forever(const char* reason, source_location loc);

}  // namespace gox::detail
