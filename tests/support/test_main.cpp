// The unit tests' main: Catch2's session. Its implementation is
// harness/check/catch_impl.cpp, compiled once for every test main of the build.
#define CATCH_CONFIG_EXTERNAL_INTERFACES  // channel.hpp names Catch2's reporter types
#include "channel.hpp"

int main(int argc, char* argv[]) { return gograde::check::detail::run_catch(argc, argv); }
