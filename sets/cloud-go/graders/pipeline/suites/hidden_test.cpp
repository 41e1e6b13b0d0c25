// Hidden tests for the pipeline stages, drive half, in virtual time (every
// fiber on the deterministic scheduler; the exploration build interleaves
// them at every memory access).
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <vector>

#include "gograde/check.hpp"
#include "gox/context.hpp"
#include "gox/runtime.hpp"
#include "gox/time.hpp"
#include "pipeline.hpp"

namespace {

using gograde::check::observe;

std::vector<int> range(int from, int to) {
  std::vector<int> v(static_cast<std::size_t>(to - from + 1));
  std::iota(v.begin(), v.end(), from);
  return v;
}

std::vector<int> drain(const gox::recv_chan<int>& ch) {
  std::vector<int> got;
  for (int v : ch) got.push_back(v);
  return got;
}

void virt(const std::function<void()>& fn) { gograde::check::run(fn, gograde::check::virtual_time); }

}  // namespace

TEST_CASE("Generate then Square: every value, in order, then closed", "[stages]") {
  virt([] {
    const auto ctx = gox::context::Background();
    observe("Generate(1..8)", drain(Generate(ctx, range(1, 8))));
    observe("Square(Generate(1..8))", drain(Square(ctx, Generate(ctx, range(1, 8)))));
    observe("Square(Square(Generate(-3..3)))", drain(Square(ctx, Square(ctx, Generate(ctx, range(-3, 3))))));
    observe("Square(Generate())", drain(Square(ctx, Generate(ctx, {}))));
  });
}

TEST_CASE("Fan-out to three Squares, fan-in with Merge", "[merge]") {
  virt([] {
    const auto ctx = gox::context::Background();
    const auto in = Generate(ctx, range(1, 30));
    auto got = drain(Merge(ctx, {Square(ctx, in), Square(ctx, in), Square(ctx, in)}));
    std::sort(got.begin(), got.end());
    observe("merged, sorted", got);
    observe("Merge of no input", drain(Merge(ctx, {})));
    auto two = drain(Merge(ctx, {Generate(ctx, {1, 2, 3}), Generate(ctx, {10, 20})}));
    std::sort(two.begin(), two.end());
    observe("Merge of two Generates, sorted", two);
  });
}

// The consumer takes 3 values of a long pipeline and cancels; the stages must
// all stop and close their outputs (a stage left blocked is a leaked fiber,
// and a range over an output never closed a deadlock).
TEST_CASE("Cancelled midway, every stage stops and closes", "[cancel]") {
  virt([] {
    auto [ctx, cancel] = gox::context::WithCancel(gox::context::Background());
    const auto in = Generate(ctx, range(1, 10000));
    const auto out = Merge(ctx, {Square(ctx, in), Square(ctx, in)});
    int taken = 0;
    for (int v : out) {
      (void)v;
      if (++taken == 3) break;
    }
    cancel();
    const auto rest = drain(out);  // must end: Merge closes its output
    observe("values after the cancel", static_cast<long>(rest.size()));
    // A pipeline whose consumer never reads: cancelled before anything moves.
    auto [ctx2, cancel2] = gox::context::WithCancel(gox::context::Background());
    const auto idle = Square(ctx2, Square(ctx2, Generate(ctx2, range(1, 10000))));
    gox::time::Sleep(gox::time::Second);
    cancel2();
    observe("values of a pipeline cancelled before reading", static_cast<long>(drain(idle).size()));
  });
}

TEST_CASE("Fan-out and fan-in on explored schedules", "[concurrent]") {
  virt([] {
    const auto ctx = gox::context::Background();
    const auto in = Generate(ctx, range(1, 6));
    auto got = drain(Merge(ctx, {Square(ctx, in), Square(ctx, in)}));
    std::sort(got.begin(), got.end());
    observe("merged, sorted", got);
  });
}
