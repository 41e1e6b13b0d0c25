#pragma once
// Reference for the follow-ups: cancellation during a sleep, a delay cap
// without overflow, and full jitter.
#include <cstdint>
#include <functional>
#include <limits>

#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/error.hpp"
#include "gox/rand.hpp"
#include "gox/time.hpp"

struct Backoff {
  gox::time::Duration base = gox::time::Second;
  gox::time::Duration max = gox::time::Duration::zero();  // 0: no cap
  bool jitter = false;
};

// min(max, base * 2^i), saturating instead of overflowing.
inline gox::time::Duration backoff_delay(const Backoff& b, int i) {
  using D = gox::time::Duration;
  D d = b.base;
  for (int k = 0; k < i; ++k) {
    if (d.count() > std::numeric_limits<D::rep>::max() / 2) {
      d = D::max();
      break;
    }
    d *= 2;
    if (b.max > D::zero() && d >= b.max) break;
  }
  if (b.max > D::zero() && d > b.max) d = b.max;
  return d;
}

inline gox::error RetryContext(gox::context::Context ctx,
                               const std::function<gox::error(gox::context::Context)>& operation, int attempts,
                               Backoff b = {}) {
  if (attempts <= 0) return gox::errorf("retry: attempts must be positive, got {}", attempts);
  gox::error err;
  for (int i = 0; i < attempts; ++i) {
    if (i > 0) {
      gox::time::Duration d = backoff_delay(b, i - 1);
      if (b.jitter && d.count() > 0) {
        const auto n = d == gox::time::Duration::max() ? d.count() : d.count() + 1;
        d = gox::time::Duration(gox::rand::Int63n(n));
      }
      gox::time::Sleep(d);
    }
    if (auto cerr = ctx.Err()) return gox::errorf("retry stopped after {} attempts: {}", i, gox::wrap(cerr));
    err = operation(ctx);
    if (!err) return nullptr;
  }
  return gox::errorf("failed after {} attempts: {}", attempts, gox::wrap(err));
}
