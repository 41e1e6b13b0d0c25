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
// "The consumer drains what it started": the context is never looked at.
inline bool send(const gox::context::Context&, const gox::chan<int>& out, int v) {
  out.send(v);
  return true;
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
  auto wg = std::make_shared<gox::WaitGroup>();
  for (const auto& in : ins) {
    wg->Add(1);
    gox::go(
        [ctx, in, out, wg] {
          for (int n : in)
            if (!pipeline_detail::send(ctx, out, n)) break;
          wg->Done();
        },
        "merge");
  }
  gox::go(
      [out, wg] {
        wg->Wait();
        out.close();
      },
      "merge-closer");
  return out;
}
