# gograde_warnings(<target>): the project's warning set, per target.
function(gograde_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
    $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>
    $<$<CXX_COMPILER_ID:Clang>:-Wno-gnu-zero-variadic-macro-arguments>)
  if(GOGRADE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# gograde_race(<target>): in the race build, instrument <target> with ThreadSanitizer.
function(gograde_race target)
  if(GOGRADE_RACE)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      message(FATAL_ERROR "The race build needs clang (g++ has no disable_sanitizer_instrumentation)")
    endif()
    target_compile_options(${target} PRIVATE -fsanitize=thread -g -O1)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()

# gograde_explore(<target>): an exploration program (see harness/gox/src/
# explore.cpp): its code compiled with ThreadSanitizer's instrumentation and
# linked with gox's exploration flavour instead of TSan's runtime.
function(gograde_explore target)
  target_compile_options(${target} PRIVATE -fsanitize=thread)
  target_link_libraries(${target} PRIVATE gograde::gox_explore)
endfunction()
