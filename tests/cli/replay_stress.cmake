# replay reruns one seed exactly (same output twice); stress explores seeds,
# finds the race and prints how to replay it.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
gg(1 first replay safe-counter ${SRC}/examples/carol --seed 3 --item basic)
gg(1 second replay safe-counter ${SRC}/examples/carol --seed 3 --item basic)
expect("${first}" "deadlock .*det seed=3: deadlock")
expect("${first}" "goroutine 1 \"main\" \\[Mutex.Lock\\]:")
string(REGEX REPLACE "\\([0-9.]+ s\\)" "" a "${first}")
string(REGEX REPLACE "\\([0-9.]+ s\\)" "" b "${second}")
if(NOT a STREQUAL b)
  message(FATAL_ERROR "replay is not exact:\n${first}\n---\n${second}")
endif()
gg(0 ok replay safe-counter ${SRC}/examples/alice --seed 5)

gg(1 st stress safe-counter ${SRC}/examples/bob --seeds 2 --item race-free)
expect("${st}" "explored 2 seed\\(s\\), 4 schedule\\(s\\)")
# Failures grouped by cause: the race once, with its count and its first run.
expect("${st}" "1 distinct cause\\(s\\)")
expect("${st}" "data race at counter.hpp:[0-9]+, counter.hpp:[0-9]+ — [0-9]+ failing run\\(s\\) in \\[race-free\\]; first in \\[race-free\\], race build, det seed=1")
expect("${st}" "replay: gograde replay safe-counter .*examples/bob --item race-free --seed 1 --race")
gg(0 clean stress safe-counter ${SRC}/examples/alice --seeds 2)
expect("${clean}" "no failure found")
gg(2 bad stress safe-counter ${SRC}/examples/alice --duration soon)
expect("${bad}" "--duration soon")
