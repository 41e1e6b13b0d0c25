find_package(Catch2 2.13 REQUIRED)
list(APPEND CMAKE_MODULE_PATH ${Catch2_DIR})
include(Catch)

# add_gograde_test(<name> SOURCES ... LIBS ...)
# A Catch2 test executable registered with CTest, one CTest test per TEST_CASE,
# run in random order with the seed printed by Catch2.
function(add_gograde_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE gograde_test_main ${T_LIBS})
  gograde_warnings(${name})
  gograde_race(${name})
  # --warn NoTests: a CTest test whose name matches no TEST_CASE fails instead
  # of passing having run nothing. Names never hold ';' (CMake would split
  # them) nor begin with '-' (Catch would read an option).
  catch_discover_tests(${name}
    EXTRA_ARGS --order rand --rng-seed time --warn NoTests
    PROPERTIES TIMEOUT 120)
endfunction()
