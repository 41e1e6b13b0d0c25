// Hidden tests for the pipeline stages, judge half (the same cases run in
// the Go twin, reference/pipeline/go).
#include <catch2/catch.hpp>

#include <vector>

#include "gograde/judge.hpp"

namespace {

using gograde::judge::observed;
using ints = std::vector<int>;

ints squares(int from, int to) {
  ints v;
  for (int i = from; i <= to; ++i) v.push_back(i * i);
  return v;
}

}  // namespace

TEST_CASE("Generate then Square: every value, in order, then closed", "[stages]") {
  CHECK(observed("Generate(1..8)").get<ints>() == ints{1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(observed("Square(Generate(1..8))").get<ints>() == squares(1, 8));
  CHECK(observed("Square(Square(Generate(-3..3)))").get<ints>() == ints{81, 16, 1, 0, 1, 16, 81});
  CHECK(observed("Square(Generate())").get<ints>().empty());
}

TEST_CASE("Fan-out to three Squares, fan-in with Merge", "[merge]") {
  INFO("Generate(1..30) read by three Squares, merged: each square exactly once");
  CHECK(observed("merged, sorted").get<ints>() == squares(1, 30));
  CHECK(observed("Merge of no input").get<ints>().empty());
  CHECK(observed("Merge of two Generates, sorted").get<ints>() == ints{1, 2, 3, 10, 20});
}

TEST_CASE("Cancelled midway, every stage stops and closes", "[cancel]") {
  INFO("3 values taken of Merge(Square, Square) over Generate(1..10000), then cancel, then the rest drained");
  // Values already on their way (in a stage's hands, or in buffers between
  // stages) may still come; a pipeline that went on would send thousands.
  INFO("then a pipeline over Generate(1..10000) cancelled after 1 s without a value read, then drained");
  CHECK(observed("values after the cancel").get<long>() < 200);
  CHECK(observed("values of a pipeline cancelled before reading").get<long>() < 200);
}

TEST_CASE("Fan-out and fan-in on explored schedules", "[concurrent]") {
  CHECK(observed("merged, sorted").get<ints>() == squares(1, 6));
}
