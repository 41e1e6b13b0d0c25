#include "gox/sync.hpp"

#include "gox/panic.hpp"

namespace gox {

namespace {

void wait_on(detail::spin_guard& g, detail::spin_lock& mu, detail::waitq& q, const char* reason,
             source_location loc) {
  detail::sudog s;
  detail::block_in(g, mu, q, s, reason, loc);
}

}  // namespace

// ---------------------------------------------------------------- Mutex

void Mutex::Lock(source_location loc) {
  int lost = 0;  // times woken and beaten to the lock
  for (;;) {
    detail::spin_guard g(mu_);
    if (lost > 0) woken_ = false;
    if (!locked_ && (!starving_ || q_.empty())) {
      locked_ = true;
      g.unlock();
      break;
    }
    if (lost >= kStarveAfter) starving_ = true;
    detail::sudog s;
    // A waiter that already waited goes back to the front.
    detail::block_in(g, mu_, q_, s, "Mutex.Lock", loc, false, lost > 0);
    if (s.success) break;  // handed over by Unlock (starving): ours, still locked
    ++lost;
  }
  detail::race_acquire(this);
}

bool Mutex::TryLock() {
  detail::spin_guard g(mu_);
  if (locked_ || (starving_ && !q_.empty())) return false;
  locked_ = true;
  g.unlock();
  detail::race_acquire(this);
  return true;
}

void Mutex::Unlock(source_location loc) {
  detail::race_release(this);
  detail::wake_list wl;
  {
    detail::spin_guard g(mu_);
    if (!locked_) {
      g.unlock();
      detail::throw_panic("sync: unlock of unlocked mutex", loc);
    }
    if (starving_) {
      starving_ = false;  // one hand-over serves the waiter that starved
      if (detail::sudog* s = q_.dequeue()) wl.push(s, true);  // stays locked
      else locked_ = false;
    } else {
      locked_ = false;
      if (!woken_) {
        if (detail::sudog* s = q_.dequeue()) {
          woken_ = true;
          wl.push(s, false);  // retry
        }
      }
    }
  }
  wl.wake_all();
}

// ---------------------------------------------------------------- RWMutex

void RWMutex::Lock(source_location loc) {
  detail::spin_guard g(mu_);
  if (!writer_ && readers_ == 0 && writeq_.empty()) {
    writer_ = true;
    g.unlock();
  } else {
    wait_on(g, mu_, writeq_, "RWMutex.Lock", loc);
  }
  detail::race_acquire(&reader_sem_);
  detail::race_acquire(&writer_sem_);
}

void RWMutex::Unlock(source_location loc) {
  detail::race_release(&reader_sem_);
  detail::wake_list wl;
  {
    detail::spin_guard g(mu_);
    if (!writer_) {
      g.unlock();
      detail::throw_panic("sync: Unlock of unlocked RWMutex", loc);
    }
    writer_ = false;
    if (!readq_.empty()) {
      while (detail::sudog* s = readq_.dequeue()) {
        ++readers_;
        wl.push(s, true);
      }
    } else if (detail::sudog* s = writeq_.dequeue()) {
      writer_ = true;
      wl.push(s, true);
    }
  }
  wl.wake_all();
}

void RWMutex::RLock(source_location loc) {
  detail::spin_guard g(mu_);
  if (!writer_ && writeq_.empty()) {
    ++readers_;
    g.unlock();
  } else {
    wait_on(g, mu_, readq_, "RWMutex.RLock", loc);
  }
  detail::race_acquire(&reader_sem_);
}

void RWMutex::RUnlock(source_location loc) {
  detail::race_release(&writer_sem_);
  detail::wake_list wl;
  {
    detail::spin_guard g(mu_);
    if (readers_ <= 0) {
      g.unlock();
      detail::throw_panic("sync: RUnlock of unlocked RWMutex", loc);
    }
    if (--readers_ == 0) {
      if (detail::sudog* s = writeq_.dequeue()) {
        writer_ = true;
        wl.push(s, true);
      }
    }
  }
  wl.wake_all();
}

// ---------------------------------------------------------------- WaitGroup

void WaitGroup::Add(long delta, source_location loc) {
  void* const pc = __builtin_return_address(0);
  if (delta < 0) detail::race_release(this);
  bool from_zero = false;
  detail::wake_list wl;
  {
    detail::spin_guard g(mu_);
    counter_ += delta;
    if (counter_ < 0) {
      counter_ -= delta;
      g.unlock();
      detail::throw_panic("sync: negative WaitGroup counter", loc);
    }
    from_zero = delta > 0 && counter_ == delta;
    if (counter_ == 0)
      while (detail::sudog* s = q_.dequeue()) wl.push(s, true);
  }
  if (from_zero) detail::race_read(&race_sema_, pc);  // not under mu_: TSan ignores that
  wl.wake_all();  // the waiter may free this WaitGroup: touch nothing of it now
}

void WaitGroup::Wait(source_location loc) {
  void* const pc = __builtin_return_address(0);
  detail::spin_guard g(mu_);
  if (counter_ == 0) {
    g.unlock();
  } else {
    if (q_.empty()) {
      detail::race_unignored u;  // mu_ is held, whose guard hides accesses
      detail::race_write(&race_sema_, pc);
    }
    wait_on(g, mu_, q_, "WaitGroup.Wait", loc);
  }
  detail::race_acquire(this);
}

}  // namespace gox
