#pragma once
// Reference: one fiber per stage (one per input for Merge), every send in a
// select with the context, each output closed by the fiber that owns it.
#include <memory>
#include <vector>

#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

namespace pipeline_detail {
// Sends v unless ctx is cancelled first; false when cancelled.
inline bool send(const gox::context::Context& ctx, const gox::chan<int>& out, int v) {
  bool sent = false;
  gox::select(gox::send_case(out, v, [&] { sent = true; }), gox::recv_case(ctx.Done(), [](gox::context::empty) {}));
  return sent;
}
}  // namespace pipeline_detail

inline gox::recv_chan<int> Generate(gox::context::Context ctx, std::vector<int> nums) {
  auto out = gox::make_chan<int>();
  gox::go(
      [ctx, out, nums = std::move(nums)] {
        for (int n : nums)
          if (!pipeline_detail::send(ctx, out, n)) break;
        out.close();
      },
      "generate");
  return out;
}

inline gox::recv_chan<int> Square(gox::context::Context ctx, gox::recv_chan<int> in) {
  auto out = gox::make_chan<int>();
  gox::go(
      [ctx, in, out] {
        for (int n : in)
          if (!pipeline_detail::send(ctx, out, n * n)) break;
        out.close();
      },
      "square");
  return out;
}

inline gox::recv_chan<int> Merge(gox::context::Context ctx, std::vector<gox::recv_chan<int>> ins) {
  auto out = gox::make_chan<int>();
  // "A counter of open inputs; the last one out closes": a plain int.
  auto open = std::make_shared<int>(static_cast<int>(ins.size()));
  if (ins.empty()) out.close();
  for (const auto& in : ins) {
    gox::go(
        [ctx, in, out, open] {
          for (int n : in)
            if (!pipeline_detail::send(ctx, out, n)) break;
          if (--*open == 0) out.close();
        },
        "merge");
  }
  return out;
}
