// Visible tests: what `gograde test cloud-go/pipeline` runs.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gograde/check.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "pipeline.hpp"

TEST_CASE("Generate then Square", "[stages]") {
  gograde::check::run(
      [] {
        const auto ctx = gox::context::Background();
        std::vector<int> got;
        for (int v : Square(ctx, Generate(ctx, {1, 2, 3}))) got.push_back(v);
        CHECK(got == std::vector<int>{1, 4, 9});
      },
      gograde::check::virtual_time);
}

TEST_CASE("Two Squares merged", "[merge]") {
  gograde::check::run(
      [] {
        const auto ctx = gox::context::Background();
        const auto in = Generate(ctx, {1, 2, 3, 4});
        std::vector<int> got;
        for (int v : Merge(ctx, {Square(ctx, in), Square(ctx, in)})) got.push_back(v);
        std::sort(got.begin(), got.end());
        CHECK(got == std::vector<int>{1, 4, 9, 16});
      },
      gograde::check::virtual_time);
}

TEST_CASE("Cancelling stops the stages (a leaked fiber fails the test)", "[cancel]") {
  gograde::check::run(
      [] {
        auto [ctx, cancel] = gox::context::WithCancel(gox::context::Background());
        const auto out = Square(ctx, Generate(ctx, {1, 2, 3, 4, 5, 6, 7, 8}));
        CHECK(out.recv() == 1);
        cancel();
        for (int v : out) (void)v;  // ends once Square closes its output
      },
      gograde::check::virtual_time);
}
