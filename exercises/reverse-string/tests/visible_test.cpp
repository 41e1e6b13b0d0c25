// Visible tests: what `gograde test reverse-string` runs.
#include <catch2/catch.hpp>

#include "gograde/check.hpp"
#include "reverse.hpp"

TEST_CASE("ASCII reverses", "[basic]") {
  gograde::check::run([] {
    CHECK(Reverse("") == "");
    CHECK(Reverse("abc") == "cba");
  });
}

TEST_CASE("Multi-byte characters stay whole", "[basic]") {
  gograde::check::run([] {
    CHECK(Reverse("Hello, 世界") == "界世 ,olleH");
    CHECK(Reverse("a😀b") == "b😀a");
  });
}

TEST_CASE("An invalid byte becomes U+FFFD, as []rune(s) does in Go", "[go]") {
  gograde::check::run([] { CHECK(Reverse("a\xff" "b") == "b\uFFFDa"); });
}

#if __has_include("graphemes.hpp")
#include "graphemes.hpp"
TEST_CASE("Follow-up: a combining accent stays on its letter", "[graphemes]") {
  gograde::check::run([] { CHECK(ReverseGraphemes("e\u0301a") == "ae\u0301"); });
}
#endif
