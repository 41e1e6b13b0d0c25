# cmake --install: gograde, its helpers, the built-in set and the runtime's
# sources under a prefix; the installed gograde finds them there (not in the
# source tree it was built from) and writes workspaces that point there.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
set(prefix ${WORK}/install-prefix)
file(REMOVE_RECURSE ${prefix})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed:\n${out}${err}")
endif()
foreach(f bin/gograde bin/gograde-jail bin/gograde-astcheck share/gograde/gograde-set.toml
          share/gograde/harness/gox/include/gox/runtime.hpp share/gograde/harness/gox/src/runtime.cpp
          share/gograde/harness/check/check_main.cpp share/gograde/exercises/safe-counter/exercise.toml
          share/gograde/graders/safe-counter/rubric.toml share/gograde/reference/safe-counter/counter.hpp
          share/bash-completion/completions/gograde share/zsh/site-functions/_gograde share/man/man1/gograde.1)
  expect_file(${prefix}/${f})
endforeach()
# The man page has every command's options.
file(READ ${prefix}/share/man/man1/gograde.1 man)
expect("${man}" "\\.SH COMMANDS")
expect("${man}" "gograde batch merge|--shard-count")
set(GG ${prefix}/bin/gograde)
gg(0 version --version)
expect("${version}" "sources: ${prefix}/share/gograde")
gg(0 list list)
expect("${list}" "safe-counter +Safe counter")
expect("${list}" "worker-pool +Worker pool")
gg(0 shown show safe-counter)
expect("${shown}" "Rubric \\(13 points\\)")
gg(0 sets sets list)
expect("${sets}" "builtin +1\\.0\\.0 .*${prefix}/share/gograde")
foreach(f lib/cmake/gox/gox-config.cmake lib/cmake/gox/gox-targets.cmake include/gox/runtime.hpp
          include/gograde/check.hpp)
  expect_file(${prefix}/${f})
endforeach()
# Its workspaces find gox's installed package (never the source tree gograde
# was built from) and build their visible tests with the prebuilt runtime
# and test main: one file to compile.
foreach(ex safe-counter reverse-string)
  set(ws ${WORK}/install-ws-${ex})
  file(REMOVE_RECURSE ${ws})
  gg(0 out init ${ex} ${ws})
  file(READ ${ws}/CMakeLists.txt cml)
  expect("${cml}" "find_package\\(gox CONFIG REQUIRED HINTS \"${prefix}/lib/cmake/gox\"\\)")
  expect_not("${cml}" "${SRC}/harness")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${ws} -B ${ws}/build -G Ninja
                  RESULT_VARIABLE rc OUTPUT_VARIABLE cfg ERROR_VARIABLE cfg)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the ${ex} workspace does not configure:\n${cfg}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${ws}/build RESULT_VARIABLE rc OUTPUT_VARIABLE bld ERROR_VARIABLE bld)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the ${ex} workspace does not build:\n${bld}")
  endif()
  expect("${bld}" "\\[2/2\\] Linking CXX executable visible_tests")
  # The starter's visible tests run (and fail: it is a starter).
  execute_process(COMMAND ${ws}/build/visible_tests RESULT_VARIABLE rc OUTPUT_VARIABLE ran ERROR_VARIABLE ran)
  expect("${ran}" "test cases: [0-9]+")
endforeach()
