# find_package(gox): gox, gograde's Go-style runtime, and the test main of
# gograde's visible suites, installed with gograde.
#   gox::gox    the runtime (Boost.Fiber, fmt, nlohmann_json)
#   gox::check  Catch2's main with gograde's checks (gograde/check.hpp)
include(CMakeFindDependencyMacro)
find_dependency(Threads)
# gox is linked with static Boost.Fiber and Boost.Context, as gograde's own
# grades are.
set(Boost_USE_STATIC_LIBS ON)
find_dependency(Boost 1.81 COMPONENTS fiber context)
find_dependency(fmt)
find_dependency(nlohmann_json)
find_dependency(Catch2 2.13)
include(${CMAKE_CURRENT_LIST_DIR}/gox-targets.cmake)
