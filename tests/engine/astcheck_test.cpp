#include "engine/astcheck.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using namespace gograde;

namespace {

// A cache, a staged submission and a stand-in for the checker's binary (the
// process is faked: what is tested is what check_ast makes of it).
struct scratch {
  fs::path root = fs::temp_directory_path() / ("gograde-astcheck-test-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  toolchain tc;
  exercise ex;
  fs::path staged = root / "submission-0123456789abcdef", tool = root / "gograde-astcheck";
  scratch() {
    fs::create_directories(staged);
    fs::create_directories(root / "cache");
    std::ofstream(staged / "counter.hpp") << "class Counter {};\n";
    std::ofstream(tool) << "stand-in";
    tc.source_root = GOGRADE_SOURCE_DIR;
    tc.cache_dir = root / "cache";
    tc.sandbox = false;
    ex.slug = "safe-counter";
  }
  ~scratch() { fs::remove_all(root); }
  ast_check check(const process_runner& run) {
    return check_ast(tc, ex, staged, {"counter.hpp"}, std::chrono::seconds(30), tool, run);
  }
};

process_result exited(int code, std::string out) {
  process_result r;
  r.exit_code = code;
  r.output = std::move(out);
  return r;
}

}  // namespace

TEST_CASE("The code check's findings reject, with file, line and what was used", "[astcheck]") {
  scratch s;
  int runs = 0;
  process_spec seen;
  const auto found = [&](const process_spec& spec) {
    ++runs;
    seen = spec;
    return exited(1, "gograde-astcheck: a note on stderr\n"
                     "{\"file\":\"counter.hpp\",\"line\":3,\"what\":\"write (/usr/include/unistd.h)\",\"why\":\"not a "
                     "function an answer may call\"}\n");
  };
  ast_check a = s.check(found);
  REQUIRE(a.r == ast_check::result::forbidden);
  REQUIRE(a.found.size() == 1);
  CHECK(a.found[0].file == "counter.hpp");
  CHECK(a.found[0].line == 3);
  CHECK(a.found[0].what.find("write") == 0);
  // The checker is told the submission's files and gox's headers.
  const std::string argv = [&] {
    std::string t;
    for (const auto& x : seen.argv) t += x + " ";
    return t;
  }();
  CHECK(argv.find("--file counter.hpp") != std::string::npos);
  CHECK(argv.find("--gox " + (s.tc.source_root / "harness/gox/include").string()) != std::string::npos);
  CHECK(argv.find("--allow-system") == std::string::npos);
  // The same submission is not checked twice.
  a = s.check(found);
  CHECK(a.r == ast_check::result::forbidden);
  CHECK(runs == 1);
  // Another allowlist is another check.
  s.ex.allow_functions = {"write"};
  (void)s.check([&](const process_spec& spec) {
    ++runs;
    seen = spec;
    return exited(0, "");
  });
  CHECK(runs == 2);
  CHECK(std::find(seen.argv.begin(), seen.argv.end(), "--allow-functions") != seen.argv.end());
}

TEST_CASE("What clang cannot parse is a compile error, a timeout says so, a failed checker is ours", "[astcheck]") {
  scratch s;
  ast_check a = s.check([](const process_spec&) {
    return exited(2, "{\"file\":\"counter.hpp\",\"line\":9,\"what\":\"error\",\"why\":\"expected ';'\"}\n");
  });
  CHECK(a.r == ast_check::result::not_parsed);
  CHECK(a.text.find("counter.hpp:9: error: expected ';'") != std::string::npos);

  scratch t;
  a = t.check([](const process_spec&) {
    process_result r;
    r.timed_out = true;
    return r;
  });
  CHECK(a.r == ast_check::result::timed_out);

  for (int how : {0, 1, 2}) {
    scratch u;
    a = u.check([how](const process_spec&) {
      process_result r;
      if (how == 0) r.term_signal = 11;           // the checker crashed
      else if (how == 1) r = exited(1, "");       // "findings" but none printed
      else r = exited(7, "unexpected status");    // a status it never gives
      return r;
    });
    INFO("case " << how);
    CHECK(a.r == ast_check::result::failed);
    // A failure is never cached: the next grade checks again.
    int runs = 0;
    a = u.check([&](const process_spec&) {
      ++runs;
      return exited(0, "");
    });
    CHECK(runs == 1);
    CHECK(a.r == ast_check::result::clean);
  }
}

TEST_CASE("Without its checker installed, the check fails as ours, never passes", "[astcheck]") {
  scratch s;
  s.tool.clear();
  const ast_check a = s.check([](const process_spec&) { return exited(0, ""); });
  CHECK(a.r == ast_check::result::failed);
}
