#include "engine/scan.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/files.hpp"

using namespace gograde;

namespace {

std::string refused(const std::string& src) {
  const auto f = scan_source("a.hpp", src);
  return f ? f->what : "";
}

}  // namespace

TEST_CASE("The scan refuses sanitizer hooks however the source spells them", "[scan]") {
  CHECK(refused("extern \"C\" const char* __tsan_default_options() { return \"report_bugs=0\"; }") != "");
  CHECK(refused("const char* __ts\\\nan_default_options();") == "__tsan_default_options");
  CHECK(refused("const char* __ts\\  \nan_default_suppressions();") == "__tsan_default_suppressions");
  CHECK(refused("void f() { AnnotateBenignRaceSized(__FILE__, __LINE__, &x, 8, \"\"); }") == "AnnotateBenignRaceSized");
  CHECK(refused("auto f = (void (*)(const char*, int, const volatile void*, long, const char*))dlsym(RTLD_DEFAULT, "
                "\"Annotate\" \"BenignRaceSized\");") == "dlsym");
  CHECK(refused("[[clang::no_sanitize(\"thread\")]] void f();") == "no_sanitize");
  CHECK(refused("__attribute__((no_sanitize_thread)) void f();") == "no_sanitize_thread");
  CHECK(refused("__attribute__((__no_sanitize__(\"thread\"))) void f();") == "__no_sanitize__");
  CHECK(refused("[[clang::disable_sanitizer_instrumentation]] void f();") == "disable_sanitizer_instrumentation");
}

TEST_CASE("The scan refuses pragmas, also split across lines and as digraphs", "[scan]") {
  CHECK(refused("#pragma clang attribute push (__attribute__((no_sanitize(\"thread\"))), apply_to=function)") != "");
  CHECK(refused("#pra\\\ngma GCC optimize(\"O0\")") == "#pragma GCC");
  CHECK(refused("_Pragma(\n\"clang attribute push\")") == "_Pragma");
  CHECK(refused("%:pragma clang diagnostic ignored \"-Wall\"") == "#pragma clang");
  CHECK(refused("  /* lead */ # pragma weak write") == "#pragma weak");
  CHECK(refused("#pragma once\nint x;") == "");
}

TEST_CASE("The scan refuses inline assembly spelled directly, through splices and through macros", "[scan]") {
  CHECK(refused("void f() { asm(\"nop\"); }") == "asm");
  CHECK(refused("void f() { __asm__ __volatile__(\"\"); }") == "__asm__");
  CHECK(refused("void f() { a\\\nsm(\"nop\"); }") == "asm");
  CHECK(refused("#define A(x, y) x##y\nvoid f() { A(as, m)(\"nop\"); }") == "##");
  CHECK(refused("#define A(x, y) x %:%: y\n") == "##");
}

TEST_CASE("The scan refuses code run before or after main, in any spelling", "[scan]") {
  CHECK(refused("__attribute__((constructor)) void f() {}") == "constructor");
  CHECK(refused("[[gnu::constructor]] void f() {}") == "constructor");
  CHECK(refused("__attribute__((__constructor__)) void f() {}") == "__constructor__");
  CHECK(refused("#define EARLY constructor\n__attribute__((EARLY)) void f() {}") == "constructor");
  CHECK(refused("__attribute__((destructor(101))) void f() {}") == "destructor");
  CHECK(refused("struct S {} s __attribute__((init_priority(101)));") == "init_priority");
}

TEST_CASE("The scan refuses includes outside the submission and includes named by macros", "[scan]") {
  CHECK(refused("#include \"/dev/zero\"") == "#include /dev/zero");
  CHECK(refused("#include \"../../reference/safe-counter/counter.hpp\"") != "");
  CHECK(refused("#include \"./../x.hpp\"") == "#include ./../x.hpp");
  CHECK(refused("#include <sys/../../etc/passwd>") != "");
  CHECK(refused("#inc\\\nlude \"/etc/shadow\"") == "#include /etc/shadow");
  CHECK(refused("#define P \"/etc/shadow\"\n#include P") == "#include P");
  CHECK(refused("#include_next <vector>") == "#include_next");
  CHECK(refused("#line 1 \"/work/reference/x.hpp\"") == "#line");
  CHECK(refused("#include <vector>\n#include \"helper.hpp\"\n#include <sys/types.h>") == "");
}

TEST_CASE("The scan refuses redefined suite names, C linkage, allocation and the grader's namespaces", "[scan]") {
  CHECK(refused("#undef CHECK") == "#undef CHECK");
  CHECK(refused("#un\\\ndef REQUIRE") == "#undef REQUIRE");
  CHECK(refused("#define TEST_CASE(...) void f()") == "#define TEST_CASE");
  CHECK(refused("#define write my_write") == "#define write");
  CHECK(refused("extern \"C\" long write(int, const void*, unsigned long) { return 0; }") == "extern \"C\"");
  CHECK(refused("extern \"C\" {\nint close(int) { return 0; }\n}") == "extern \"C\"");
  CHECK(refused("void* operator new(unsigned long n) { return nullptr; }") == "operator new");
  CHECK(refused("namespace gograde { int x; }") == "namespace gograde");
  CHECK(refused("namespace Catch::Detail { }") == "namespace Catch");
  CHECK(refused("const char* e = getenv(\"TSAN_OPTIONS\");") == "");  // a string is data
  CHECK(refused("int GOGRADE_RESULTS_FD = 3;") == "GOGRADE_RESULTS_FD");
}

TEST_CASE("The scan leaves ordinary code alone: literals, comments, raw strings, numbers", "[scan]") {
  CHECK(refused("// asm __tsan_x constructor\nint x = 1'000'000; /* _Pragma */") == "");
  CHECK(refused("auto s = R\"x(asm(\"nop\") __tsan_x #pragma clang)x\";") == "");
  CHECK(refused("auto s = u8\"asm\"; char c = '\\''; auto t = L\"constructor\";") == "");
  CHECK(refused("int f() { return __builtin_expect(x, 1) + __atomic_load_n(&y, __ATOMIC_SEQ_CST); }") == "");
  CHECK(refused("#if defined(__cplusplus)\nconst char* w = __FILE__;\n#endif") == "");
  CHECK(refused("std::atomic<long> v{0x1p-3 > 0.5e+3};") == "");
  CHECK(refused("#\n") == "");
}

TEST_CASE("Every reference, mutant, example and starter file passes the scan", "[scan]") {
  std::vector<fs::path> roots;
  for (const char* r : {"reference", "graders", "examples", "exercises"})
    roots.push_back(fs::path(GOGRADE_SOURCE_DIR) / r);
  int scanned = 0;
  for (const auto& root : roots)
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file() || e.path().extension() != ".hpp") continue;
      if (e.path().string().find("/suites/") != std::string::npos) continue;  // ours, not a submission's
      INFO(e.path().string());
      const auto f = scan_source(e.path().filename().string(), read_file(e.path()));
      CHECK(!f);
      if (f) FAIL_CHECK(f->what + " at line " + std::to_string(f->line) + ": " + f->why);
      ++scanned;
    }
  CHECK(scanned > 40);
}

TEST_CASE("The scan is total and linear on adversarial and random input", "[scan][fuzz]") {
  // Giant lines: a null directive padded with spaces, one identifier, nested
  // comments and quotes that never close, many raw-string openers.
  std::vector<std::string> inputs = {"#" + std::string(200000, ' ') + "\nint x;",
                                     std::string(300000, 'a'),
                                     std::string(100000, '/') + std::string(100000, '*'),
                                     std::string(150000, '"'),
                                     std::string(150000, '\''),
                                     std::string(100000, '\\') + "\n",
                                     [] {
                                       std::string s;
                                       for (int i = 0; i < 30000; ++i) s += "R\"";
                                       return s + "(";
                                     }(),
                                     [] {
                                       std::string s;
                                       for (int i = 0; i < 20000; ++i) s += "#include <\n%:%:\\\n";
                                       return s;
                                     }()};
  for (const auto& in : inputs) {
    const auto t0 = std::chrono::steady_clock::now();
    (void)scan_source("big.hpp", in);
    // Generous: a quadratic pass over these takes minutes, a linear one milliseconds.
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  }
  // Seeded random bytes and random token soup: every input ends, without a crash.
  std::mt19937_64 rng(20261204);
  const char* atoms[] = {"#", "##", "%:", "\\\n", "\"", "'", "R\"", "(", ")", "/*", "*/", "//", "\n", " ", "asm",
                         "_Pragma", "include", "define", "<", ">", "u8", "L", "0x1p+3", "'a'", "extern", "__x"};
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const int len = static_cast<int>(rng() % 400);
    if (round % 2 == 0)
      for (int k = 0; k < len; ++k) s.push_back(static_cast<char>(rng() & 0xff));
    else
      for (int k = 0; k < len; ++k) s += atoms[rng() % std::size(atoms)];
    (void)scan_source("fuzz.hpp", s);
  }
  SUCCEED("3000 random inputs scanned");
}
