#include "engine/astcheck.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
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

// The real checker, with and without the precompiled header of the headers
// every answer includes: the same verdict and the same findings, class by
// class of what it looks for (run outside the sandbox: what is compared is
// the parse, not the jail).
namespace {

struct real_check {
  scratch s;
  int submissions = 0;
  real_check() { s.tool = GOGRADE_ASTCHECK; }
  // A new submission (a folder of its own: checks are cached by its name).
  void submit(const std::string& text) {
    s.staged = s.root / fmt::format("submission-{:016x}", ++submissions);
    fs::create_directories(s.staged);
    std::ofstream(s.staged / "counter.hpp", std::ios::trunc) << text;
  }
  // use_pch false: the checker is run without it (its switch taken out).
  ast_check run(bool use_pch, bool* used = nullptr) {
    s.tc.cache_dir = s.root / (use_pch ? "cache-pch" : "cache-plain");
    fs::create_directories(s.tc.cache_dir);
    return s.check([&](const process_spec& spec) {
      process_spec p = spec;
      const auto at = std::find(p.argv.begin(), p.argv.end(), "--pch");
      if (at != p.argv.end()) {
        if (used) *used = true;
        if (!use_pch) p.argv.erase(at, at + 2);
      }
      return run_process(p);
    });
  }
};

std::string findings(const ast_check& a) {
  std::string t;
  for (const auto& f : a.found) t += fmt::format("{}:{} {}\n", f.file, f.line, f.what);
  return t;
}

}  // namespace

TEST_CASE("The code check finds the same with its precompiled header as without", "[astcheck]") {
  const std::string counter = "#pragma once\n#include <mutex>\n#include <atomic>\n#include \"gox/sync.hpp\"\n";
  struct sample {
    const char* name;
    std::string text;
    ast_check::result want;
  };
  const std::vector<sample> samples = {
      {"clean", counter + "class Counter { gox::Mutex mu_; long v_ = 0; std::atomic<int> n_{0};\n public:\n"
                          "  void Inc() { std::lock_guard g(mu_); ++v_; ++n_; }\n};\n",
       ast_check::result::clean},
      {"file stream", counter + "#include <fstream>\nclass Counter {\n public:\n  void Inc() { std::ofstream o(\"/tmp/x\"); }\n};\n",
       ast_check::result::forbidden},
      {"a socket", counter + "#include <sys/socket.h>\nclass Counter {\n public:\n  void Inc() { ::socket(2, 1, 0); }\n};\n",
       ast_check::result::forbidden},
      {"write behind a macro", counter + "#include <unistd.h>\n#define OUT(s) ::write(1, s, 1)\n"
                                         "class Counter {\n public:\n  void Inc() { OUT(\"x\"); }\n};\n",
       ast_check::result::forbidden},
      {"C linkage", counter + "extern \"C\" int exit_now(int);\nclass Counter {};\n", ast_check::result::forbidden},
      {"C linkage pasted by a macro", counter + "#define EXT(x) ext##ern x\nEXT(\"C\") { int other(int); }\nclass Counter {};\n",
       ast_check::result::forbidden},
      {"gox's namespace", counter + "namespace gox { int stolen = 1; }\nclass Counter {};\n", ast_check::result::forbidden},
      {"gox::detail", counter + "class Counter {\n public:\n  void Inc() { gox::detail::race_acquire(this); }\n};\n",
       ast_check::result::forbidden},
      {"inline asm", counter + "class Counter {\n public:\n  void Inc() { asm volatile(\"nop\"); }\n};\n",
       ast_check::result::forbidden},
      {"does not parse", counter + "class Counter { int x }\n", ast_check::result::not_parsed},
  };
  real_check rc;
  for (const auto& smp : samples) {
    INFO("sample: " << smp.name);
    rc.submit(smp.text);
    bool used = false;
    const ast_check with = rc.run(true, &used);
    const ast_check without = rc.run(false);
    CHECK(used);  // the precompiled header was made and given to the checker
    CHECK(with.r == smp.want);
    CHECK(without.r == smp.want);
    CHECK(findings(with) == findings(without));
    if (smp.want == ast_check::result::not_parsed) CHECK(with.text == without.text);
  }
}

TEST_CASE("C++ functions of an answer are not taken for C linkage", "[astcheck]") {
  real_check rc;
  rc.submit("#pragma once\n#include \"gox/sync.hpp\"\nstatic void helper() {}\nnamespace { void anon() {} }\n"
            "inline int free_fn(int a) { return a; }\ntemplate <class T> T tf(T t) { return t; }\n"
            "namespace mine { void f(); }\nclass Counter { void m() { helper(); anon(); tf(free_fn(1)); } };\n"
            "int main() { return 0; }\n");  // main: the link's to refuse (a compile error), not C linkage
  const ast_check a = rc.run(true);
  CHECK(a.r == ast_check::result::clean);
  CHECK(findings(a).empty());
}

TEST_CASE("With its precompiled header the code check parses the headers as the suites' compile does", "[astcheck]") {
  // A macro defined before the headers are included reaches into them when
  // they are parsed after it; the suites' compile loads its precompiled
  // header first, and so does the check: the headers are as gox wrote them,
  // and what the answer then reaches into is still found.
  real_check rc;
  rc.submit("#define private public\n#pragma once\n#include <mutex>\n#include \"gox/sync.hpp\"\n"
            "class Counter {\n public:\n  void Inc() { gox::detail::race_acquire(this); }\n};\n");
  const ast_check a = rc.run(true);
  CHECK(a.r == ast_check::result::forbidden);
  CHECK(findings(a).find("counter.hpp:7 gox::detail") != std::string::npos);
}

TEST_CASE("A broken precompiled header of the code check is never the answer's fault", "[astcheck]") {
  real_check rc;
  rc.submit("#pragma once\n#include \"gox/sync.hpp\"\nclass Counter { gox::Mutex mu_; };\n");
  rc.s.tc.cache_dir = rc.s.root / "cache-pch";
  fs::create_directories(rc.s.tc.cache_dir);
  const fs::path pch = astcheck_pch(rc.s.tc, rc.s.tool);
  REQUIRE(!pch.empty());
  // Found again, not made again.
  const auto made = fs::last_write_time(pch);
  CHECK(astcheck_pch(rc.s.tc, rc.s.tool) == pch);
  CHECK(fs::last_write_time(pch) == made);
  std::ofstream(pch, std::ios::trunc) << "not a precompiled header";
  int checks = 0;
  const ast_check a = rc.s.check([&](const process_spec& spec) {
    ++checks;
    return run_process(spec);
  });
  CHECK(a.r == ast_check::result::clean);
  CHECK(checks == 2);  // with the header (it did not load), then without
}
