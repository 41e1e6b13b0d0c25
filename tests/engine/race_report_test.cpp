#include "engine/race_report.hpp"

#include <catch2/catch.hpp>

namespace race = gograde::race;

// A report as the race build prints it (abridged: fewer std frames).
static const char* kReport = R"(val=3
==================
WARNING: ThreadSanitizer: data race (pid=29585)
  Read of size 8 at 0x55bf0588b830 by thread T3:
    #0 corpus_main() /src/prog/context_err.cpp:16:19 (prog+0xd7f55) (BuildId: da23668f09ce0679307a24f6e690238a78946770)
    #1 std::function<void ()>::operator()() const /usr/bin/../include/c++/12/bits/std_function.h:591:9 (prog+0xdddd2)
    #2 gox::detail::runtime_state::main_main(gox::detail::fiber_record*, std::function<void ()> const&) /src/harness/gox/src/runtime.cpp:233:5 (prog+0xdddd2)

  Previous write of size 8 at 0x55bf0588b830 by thread T4 (mutexes: write M0):
    #0 corpus_main()::$_0::operator()() const /src/prog/context_err.cpp:13:27 (prog+0xd8293) (BuildId: da23668f09ce0679307a24f6e690238a78946770)
    #1 helper(int) /src/prog/context_err.cpp (prog+0xd8290)
    #2 gox::detail::runtime_state::fiber_main(gox::detail::fiber_record*) /src/harness/gox/src/runtime.cpp:218:7 (prog+0xdd3f0)

  Location is global 'reason_code' of size 8 at 0x55bf0588b830 (prog+0x1521830)

  Thread T3 'main' (tid=0, running) created by thread T1 at:
    #0 gox::detail::runtime_state::new_record(std::string, gox::source_location, bool) /src/harness/gox/src/runtime.cpp:181:21 (prog+0xdc975)

  Thread T4 'worker @context_err.cpp:10' (tid=0, finished) created by thread T3 at:
    #0 gox::detail::runtime_state::new_record(std::string, gox::source_location, bool) /src/harness/gox/src/runtime.cpp:181:21 (prog+0xdc975)

SUMMARY: ThreadSanitizer: data race /src/prog/context_err.cpp:16:19 in corpus_main()
==================
==================
WARNING: ThreadSanitizer: data race (pid=29585)
  Write of size 8 at 0x7b0c00000010 by thread T6:
    #0 gox::detail::chan_base::close() /src/harness/gox/src/chan.cpp:41:3 (prog+0xeb924)
    #1 corpus_main() /src/prog/close.cpp:20:11 (prog+0xda972)

  Previous read of size 8 at 0x7b0c00000010 by thread T7:
    #0 gox::detail::chan_send(gox::detail::chan_base*, void*, gox::source_location) /src/harness/gox/src/chan.cpp:81:3 (prog+0xeb000)
    #1 corpus_main()::$_1::operator()() const /src/prog/close.cpp:14:15 (prog+0xda000)

SUMMARY: ThreadSanitizer: data race /src/harness/gox/src/chan.cpp:41:3 in gox::detail::chan_base::close()
==================
ThreadSanitizer: reported 2 warnings
)";

TEST_CASE("A TSan report becomes two accesses with fibers and program frames", "[engine][race]") {
  auto reports = race::parse(kReport);
  REQUIRE(reports.size() == 2);
  const auto& r = reports[0];
  CHECK(r.kind == "data race");
  CHECK(r.location == "global 'reason_code' of size 8 at 0x55bf0588b830 (prog+0x1521830)");
  CHECK(r.summary == "data race /src/prog/context_err.cpp:16:19 in corpus_main()");
  REQUIRE(r.accesses.size() == 2);

  const auto& now = r.accesses[0];
  CHECK_FALSE(now.write);
  CHECK_FALSE(now.previous);
  CHECK(now.size == 8);
  CHECK(now.thread == "T3");
  CHECK(now.fiber == "main");
  CHECK(now.created_at.empty());
  REQUIRE(now.stack.size() == 3);
  CHECK(now.stack[0].function == "corpus_main()");
  CHECK(now.stack[0].file == "/src/prog/context_err.cpp");
  CHECK(now.stack[0].line == 16);
  CHECK(now.stack[0].column == 19);

  const auto& before = r.accesses[1];
  CHECK(before.write);
  CHECK(before.previous);
  CHECK(before.fiber == "worker");
  CHECK(before.created_at == "context_err.cpp:10");
  REQUIRE(before.stack.size() == 3);  // thread-creation stacks are not mixed in
  CHECK(before.stack[1].file == "/src/prog/context_err.cpp");
  CHECK(before.stack[1].line == 0);  // the compiler kept no line

  race::source_filter only_prog{{"/src/prog/"}};
  auto frames = race::program_frames(before.stack, only_prog);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].line == 13);
  race::source_filter default_filter;
  auto dflt = race::program_frames(now.stack, default_filter);
  REQUIRE(dflt.size() == 1);  // std and gox frames dropped
  CHECK(dflt[0].function == "corpus_main()");
  CHECK(race::hint(r).empty());
}

TEST_CASE("A send racing with close is named as such", "[engine][race]") {
  auto reports = race::parse(kReport);
  REQUIRE(reports.size() == 2);
  CHECK(race::hint(reports[1]) == "a send on a channel may run concurrently with its close");
  auto frames = race::program_frames(reports[1].accesses[0].stack, race::source_filter{{"/src/prog/"}});
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].line == 20);
}

TEST_CASE("Output without reports parses to nothing", "[engine][race]") {
  CHECK(race::parse("").empty());
  CHECK(race::parse("hello\nThreadSanitizer: reported 0 warnings\n").empty());
}

TEST_CASE("ThreadSanitizer stopping the run itself is told from its reports", "[engine][race]") {
  CHECK(race::fatal_error(kReport).empty());
  CHECK(race::fatal_error("val=3\nSUMMARY: ThreadSanitizer: data race /src/a.cpp:3:1 in f()\n").empty());
  CHECK(race::fatal_error("==77==ERROR: ThreadSanitizer: out of memory: allocator is trying to allocate 0x1000 bytes\n") ==
        "ERROR: ThreadSanitizer: out of memory: allocator is trying to allocate 0x1000 bytes");
  CHECK(race::fatal_error("out\nThreadSanitizer: thread T8 worker @a.cpp:4 finished with ignores enabled, created at:\n"
                          "    #0 f() a.cpp:4\n") ==
        "ThreadSanitizer: thread T8 worker @a.cpp:4 finished with ignores enabled, created at:");
  CHECK(race::fatal_error("ThreadSanitizer: CHECK failed: tsan_rtl.cpp:10 \"((x)) != (0)\" (0x0, 0x0)\n").rfind(
            "ThreadSanitizer: CHECK failed", 0) == 0);
  // The program's own text that merely mentions the detector is not one.
  CHECK(race::fatal_error("my ThreadSanitizer notes: none\n").empty());
  CHECK(race::fatal_error(std::string(1000, 'x') + "\nERROR: ThreadSanitizer: " + std::string(1000, 'y')).size() == 400);
}
