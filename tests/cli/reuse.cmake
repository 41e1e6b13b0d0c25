# A suite's build is keyed by what its compiler read of the submission: an
# answer that changes only a file a suite does not include reuses that
# suite's builds (a mutant, the next version of an answer), one with a file
# more or less builds again (an #include may find it, or no longer). The programs hold no trace of
# the submission they were built from: evidence names the candidate's files
# by their names, whichever submission a reused build came from.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
set(w ${WORK}/reuse)
file(REMOVE_RECURSE ${w})
string(RANDOM LENGTH 16 tag)  # new to this cache: nothing of it is built yet
file(READ ${SRC}/reference/safe-counter/counter.hpp counter)
file(READ ${SRC}/reference/safe-counter/atomic_counter.hpp atomic)
file(WRITE ${w}/a/counter.hpp "// ${tag} a\n${counter}")
file(WRITE ${w}/a/atomic_counter.hpp "// ${tag}\n${atomic}")
file(WRITE ${w}/b/counter.hpp "// ${tag} b\n${counter}")
file(WRITE ${w}/b/atomic_counter.hpp "// ${tag}\n${atomic}")
file(WRITE ${w}/c/counter.hpp "// ${tag} b\n${counter}")  # b without the follow-up's file

function(suite_builds outvar)
  file(GLOB dirs LIST_DIRECTORIES true ${CACHE}/suite-*)
  list(FILTER dirs EXCLUDE REGEX "\\.reads$|\\.tmp-")
  set(${outvar} ${dirs} PARENT_SCOPE)
endfunction()

# Grades `dir` (full marks) and checks how many suite builds it added.
function(grade_adds dir score want)
  suite_builds(before)
  gg(0 out grade safe-counter ${dir})
  expect("${out}" "safe-counter: passed — score ${score}")
  suite_builds(after)
  list(REMOVE_ITEM after ${before})
  list(LENGTH after n)
  if(NOT n EQUAL want)
    message(FATAL_ERROR "grading ${dir} added ${n} suite builds, expected ${want}: ${after}")
  endif()
endfunction()

grade_adds(${w}/a 13/13 6)  # two suites (Counter's, AtomicCounter's) in three builds each
grade_adds(${w}/b 13/13 3)  # counter.hpp changed: AtomicCounter's suite does not read it
grade_adds(${w}/c 10/13 3)  # b's counter.hpp alone: Counter's suite builds again (a name less)
grade_adds(${w}/b 13/13 0)  # nothing new

# A racy answer whose race-build suite is new: the evidence names its file
# and line, never the folder the compiler saw it in.
file(READ ${SRC}/graders/safe-counter/mutants/unlocked-inc/counter.hpp racy)
file(WRITE ${w}/racy/counter.hpp "// ${tag} racy\n${racy}")
gg(1 out grade safe-counter ${w}/racy)
expect("${out}" "data race")
expect("${out}" "counter\\.hpp:[0-9]+")
expect_not("${out}" "gograde-submission")
