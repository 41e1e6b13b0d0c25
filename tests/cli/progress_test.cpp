#include "progress.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

using gograde::cli::build_status;

namespace {
// A FILE* whose contents the test reads back.
struct captured {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* f = ::open_memstream(&buf, &size);
  ~captured() {
    std::fclose(f);
    std::free(buf);
  }
  std::string take() {
    std::fflush(f);
    std::string s(buf, size);
    std::rewind(f);
    std::fflush(f);
    return s;
  }
};

struct fake_clock {
  build_status::clock::time_point t{};
  void advance(int secs) { t += std::chrono::seconds(secs); }
};
}  // namespace

TEST_CASE("The build line names what builds, in the order it started, with counts and seconds", "[progress]") {
  captured out;
  fake_clock c;
  build_status s(out.f, false, false, [&] { return c.t; });
  CHECK(s.text().empty());
  s.step("building the race runtime", 0, 33);
  c.advance(3);
  s.step("compiling hidden_test.cpp (normal build)", 0, 1);
  s.step("building the race runtime", 12, 33);
  CHECK(s.text() == "gograde: building the race runtime 12/33, compiling hidden_test.cpp (normal build) · 3 s");
  s.step("building the race runtime", 33, 33);
  CHECK(s.text() == "gograde: compiling hidden_test.cpp (normal build) · 3 s");
  s.step("compiling hidden_test.cpp (normal build)", 1, 1);
  CHECK(s.text().empty());
  // Seconds count from when building started again.
  c.advance(100);
  s.step("compiling a.cpp (race build)", 0, 1);
  c.advance(2);
  CHECK(s.text() == "gograde: compiling a.cpp (race build) · 2 s");
}

TEST_CASE("On a terminal the build line is redrawn in place, notes go above it, and it is cleared at the end",
          "[progress]") {
  captured out;
  fake_clock c;
  build_status s(out.f, true, false, [&] { return c.t; });
  s.step("building the normal runtime", 0, 10);
  CHECK(out.take() == "\r\033[Kgograde: building the normal runtime 0/10 · 0 s");
  c.advance(4);
  s.tick();
  CHECK(out.take() == "\r\033[Kgograde: building the normal runtime 0/10 · 4 s");
  s.line("gograde: the race runtime built in 61.0 s\n");
  CHECK(out.take() ==
        "\r\033[Kgograde: the race runtime built in 61.0 s\n\r\033[Kgograde: building the normal runtime 0/10 · 4 s");
  s.step("building the normal runtime", 10, 10);
  CHECK(out.take() == "\r\033[K");
  s.tick();
  s.line("done\n");
  CHECK(out.take() == "done\n");  // nothing shown: nothing to clear or redraw
}

TEST_CASE("Elsewhere the build line is a plain line after 10 s of building and every 10 s after, and a quick build adds "
          "nothing",
          "[progress]") {
  captured out;
  fake_clock c;
  build_status s(out.f, false, false, [&] { return c.t; });
  s.step("compiling visible_test.cpp (normal build)", 0, 1);
  c.advance(3);
  s.tick();
  s.step("compiling visible_test.cpp (normal build)", 1, 1);
  s.tick();
  CHECK(out.take().empty());
  s.step("building the explore runtime", 0, 33);
  for (int k = 0; k < 25; ++k) {
    c.advance(1);
    s.step("building the explore runtime", k, 33);
    s.tick();
  }
  CHECK(out.take() ==
        "gograde: building the explore runtime 9/33 · 10 s\ngograde: building the explore runtime 19/33 · 20 s\n");
  s.line("a note\n");
  CHECK(out.take() == "a note\n");  // no escape codes off a terminal
}
