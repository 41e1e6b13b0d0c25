# cmake -DCMD=... -DARGS="a;b" -DWANT=n -P expect_exit.cmake: runs CMD ARGS and
# fails unless it exits with WANT.
execute_process(COMMAND ${CMD} ${ARGS} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL WANT)
  message(FATAL_ERROR "${CMD} ${ARGS}: exit ${rc}, expected ${WANT}")
endif()
