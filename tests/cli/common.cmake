# Helpers for the CLI scenario scripts (cmake -P). GG: the gograde binary,
# CACHE: its cache directory, SRC: the source tree, WORK: a scratch directory.
foreach(v GG CACHE SRC WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "${v} not set")
  endif()
endforeach()

# gg(<want exit code> <output variable> args...): runs gograde, fails the
# test when the exit code differs; stdout and stderr together in the variable.
function(gg want outvar)
  execute_process(COMMAND ${GG} --cache ${CACHE} ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(all "${out}${err}")
  if(NOT rc STREQUAL "${want}")
    message(FATAL_ERROR "gograde ${ARGN}: exit ${rc}, expected ${want}\n${all}")
  endif()
  set(${outvar} "${all}" PARENT_SCOPE)
endfunction()

function(expect text regex)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "expected /${regex}/ in:\n${text}")
  endif()
endfunction()

function(expect_not text regex)
  if(text MATCHES "${regex}")
    message(FATAL_ERROR "did not expect /${regex}/ in:\n${text}")
  endif()
endfunction()

function(expect_file path)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "expected file ${path}")
  endif()
endfunction()
