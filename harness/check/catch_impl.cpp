// Catch2's implementation, compiled once: the driver's test main
// (check_main.cpp) and the judge's (judge_main.cpp) both link this object and
// run their tests through run_catch. It is most of either main's compile
// time, so a runtime built for grading compiles it once per flavour, not once
// per main.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "channel.hpp"

int gograde::check::detail::run_catch(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
