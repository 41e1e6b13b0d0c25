#include "gox/error.hpp"

#include <catch2/catch.hpp>

TEST_CASE("A default error is nil", "[gox][error]") {
  gox::error e;
  REQUIRE_FALSE(e);
  REQUIRE(e == nullptr);
  REQUIRE(e.Error() == "<nil>");
}

TEST_CASE("errors.New values are distinct even with the same text", "[gox][error]") {
  auto a = gox::errors::New("boom");
  auto b = gox::errors::New("boom");
  REQUIRE(a);
  REQUIRE(a.Error() == "boom");
  REQUIRE_FALSE(a == b);
  REQUIRE(a == a);
}

TEST_CASE("errorf wraps the error passed with wrap(), and errors.Is sees through it",
          "[gox][error]") {
  const auto sentinel = gox::errors::New("timeout");
  auto e1 = gox::errorf("attempt {}: {}", 3, gox::wrap(sentinel));
  auto e2 = gox::errorf("failed after {} attempts: {}", 5, gox::wrap(e1));
  REQUIRE(e2.Error() == "failed after 5 attempts: attempt 3: timeout");
  REQUIRE(gox::errors::Is(e2, sentinel));
  REQUIRE(e2.Unwrap() == e1);
  auto plain = gox::errorf("no wrap: {}", sentinel);
  REQUIRE(plain.Error() == "no wrap: timeout");
  REQUIRE_FALSE(gox::errors::Is(plain, sentinel));
  REQUIRE_FALSE(gox::errors::Is(gox::error{}, sentinel));
}
