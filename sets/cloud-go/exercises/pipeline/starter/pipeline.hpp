#pragma once
// Pipeline stages: see README.md.
#include <vector>

#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

inline gox::recv_chan<int> Generate(gox::context::Context ctx, std::vector<int> nums) {
  (void)ctx;
  auto out = gox::make_chan<int>(nums.size());  // TODO: a fiber, cancellation
  for (int n : nums) out.send(n);
  out.close();
  return out;
}

inline gox::recv_chan<int> Square(gox::context::Context ctx, gox::recv_chan<int> in) {
  (void)ctx;
  (void)in;
  auto out = gox::make_chan<int>();  // TODO
  out.close();
  return out;
}

inline gox::recv_chan<int> Merge(gox::context::Context ctx, std::vector<gox::recv_chan<int>> ins) {
  (void)ctx;
  (void)ins;
  auto out = gox::make_chan<int>();  // TODO
  out.close();
  return out;
}
