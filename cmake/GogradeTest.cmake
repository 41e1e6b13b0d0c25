find_package(Catch2 2.13 REQUIRED)
list(APPEND CMAKE_MODULE_PATH ${Catch2_DIR})
include(Catch)

# add_gograde_test(<name> SOURCES ... LIBS ...)
# A Catch2 test executable registered with CTest, one CTest test per TEST_CASE,
# run in random order with the seed printed by Catch2.
function(add_gograde_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(GOGRADE_RACE)
    list(APPEND T_LABELS race)
  endif()
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
  gograde_label_discovered(${name} ${T_LABELS})
endfunction()

# gograde_label_discovered(<target> <label>...)
# Labels the tests catch_discover_tests found in <target> (they exist only
# when CTest runs: a script CTest reads after Catch's list of them).
function(gograde_label_discovered target)
  set(file ${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake)
  file(WRITE ${file} "if(${target}_TESTS)\n  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${ARGN}\")\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${file})
endfunction()

# gograde_label_tests(<label>...)
# Gives every test this directory has added the labels (CTest: ctest -L
# <label>), and one of two speeds: `slow` for a test that runs alone
# (RUN_SERIAL) or may take over three minutes (TIMEOUT), else `unit`.
# `ctest --preset ci -L unit` runs the fast ones, -LE slow everything else.
# Labels a test already has are kept. Call it last in a directory.
function(gograde_label_tests)
  get_property(names DIRECTORY PROPERTY TESTS)
  foreach(t IN LISTS names)
    get_test_property("${t}" RUN_SERIAL serial)
    get_test_property("${t}" TIMEOUT timeout)
    get_test_property("${t}" LABELS have)
    if(NOT have)
      set(have "")
    endif()
    set(labels ${have} ${ARGN})
    if(serial OR (timeout AND timeout GREATER 180))
      list(APPEND labels slow)
    elseif(NOT "slow" IN_LIST labels)
      list(APPEND labels unit)
    endif()
    list(REMOVE_DUPLICATES labels)
    set_tests_properties("${t}" PROPERTIES LABELS "${labels}")
  endforeach()
endfunction()
