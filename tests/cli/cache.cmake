# gograde cache: the size by kind, pruning least recently used entries, never
# while another gograde process uses the cache, never anything not gograde's;
# and a command that builds prunes a cache over its limit when it starts.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
set(c ${WORK}/cache-scenario)
file(REMOVE_RECURSE ${c})
file(MAKE_DIRECTORY ${c})
set(h 0123456789abcde)
# Entries of 1000 bytes, last used in the order 1 (oldest) to 4.
foreach(i 1 2 3 4)
  string(REPEAT "x" 1000 payload)
  file(WRITE ${c}/suite-normal-${h}${i}/suite "${payload}")
  execute_process(COMMAND touch -d "-${i}0 days" ${c}/suite-normal-${h}${i})
endforeach()
execute_process(COMMAND touch -d "-50 days" ${c}/suite-normal-${h}1)
file(WRITE ${c}/notes.txt "not gograde's")
# gg() with this scenario's cache instead of the build tree's.
function(gc want outvar)
  execute_process(COMMAND ${GG} --cache ${c} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "${want}")
    message(FATAL_ERROR "gograde ${ARGN}: exit ${rc}, expected ${want}\n${out}${err}")
  endif()
  set(${outvar} "${out}${err}" PARENT_SCOPE)
endfunction()

gc(0 out cache)
expect("${out}" "cache: ${c}")
expect("${out}" "limit: 10.0 GiB")
expect("${out}" "suite +4 entries +3.9 KiB")
gc(0 out --cache-max 2K cache)
expect("${out}" "limit: 2.0 KiB")

# Down to 2500 bytes: the two least recently used go (1, then 4: 40 days).
gc(0 out cache prune --max-size 2500)
expect("${out}" "removed 2 entries: 3.9 KiB to 2.0 KiB")
foreach(i 1 4)
  if(EXISTS ${c}/suite-normal-${h}${i})
    message(FATAL_ERROR "prune kept suite-normal-${h}${i}, one of the least recently used")
  endif()
endforeach()
expect_file(${c}/suite-normal-${h}2)
expect_file(${c}/suite-normal-${h}3)

# Never while another process holds the cache (flock(1) holds its lock
# shared, as every grading gograde does).
execute_process(COMMAND flock -s ${c}/.lock ${GG} --cache ${c} cache clear
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "cache clear on a cache in use: exit ${rc}, expected 2\n${out}${err}")
endif()
expect("${err}" "gograde: the cache at .* is in use by another gograde process; nothing was removed")
expect_file(${c}/suite-normal-${h}2)

# A command that builds opens the cache: over the limit, it prunes to 80% of it
# first (here it then stops: the submission does not exist).
gc(2 out --cache-max 1300 grade safe-counter ${WORK}/no-such-submission)
expect("${out}" "gograde: the build cache was over its limit: removed the 1 least recently used entries \\(2.0 KiB to 1000 B\\)")
expect_file(${c}/suite-normal-${h}2)  # 3 was used 30 days ago, 2 only 20

gc(0 out cache clear)
expect("${out}" "removed 1 entries")
expect_file(${c}/notes.txt)
gc(2 out cache prune --max-size lots)
expect("${out}" "is not a size")
gc(2 out --cache-max -5 cache)
expect("${out}" "is not a size")
