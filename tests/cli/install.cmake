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
file(REMOVE_RECURSE ${WORK}/install-ws)
gg(0 ws init safe-counter ${WORK}/install-ws)
file(READ ${WORK}/install-ws/CMakeLists.txt cml)
expect("${cml}" "${prefix}/share/gograde/harness")
