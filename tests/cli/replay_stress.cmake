# replay reruns one seed exactly (same output twice); stress explores seeds,
# finds the race and prints how to replay it.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
gg(1 first replay safe-counter ${SRC}/examples/carol --seed 3 --item basic)
gg(1 second replay safe-counter ${SRC}/examples/carol --seed 3 --item basic)
expect("${first}" "deadlock .*det seed=3: deadlock")
expect("${first}" "goroutine 1 \"main\" \\[Mutex.Lock\\]:")
# The schedule it replays, ending where the run deadlocked.
expect("${first}" "gox: the schedule of this run, its last [0-9]+ switch\\(es\\) between fibers")
expect("${first}" "\\| +switch [0-9]+: goroutine [0-9]+ [^\n]* runs")
string(REGEX REPLACE "\\([0-9.]+ s\\)" "" a "${first}")
string(REGEX REPLACE "\\([0-9.]+ s\\)" "" b "${second}")
# What the first had to build is not part of the replay.
string(REGEX REPLACE "gograde: [^\n]*(runtime|judge|build cache)[^\n]*\n" "" a "${a}")
if(NOT a STREQUAL b)
  message(FATAL_ERROR "replay is not exact:\n${first}\n---\n${second}")
endif()
gg(0 ok replay safe-counter ${SRC}/examples/alice --seed 5)

gg(1 st stress safe-counter ${SRC}/examples/bob --seeds 2 --item race-free)
expect("${st}" "explored 2 seed\\(s\\), 4 schedule\\(s\\) in [0-9.]+ s .*the builds before took [0-9.]+ s")
expect("${st}" "building the suites first \\(not counted in the duration\\)")
# Failures grouped by cause: the race once, with its count and its first run.
expect("${st}" "1 distinct cause\\(s\\)")
expect("${st}" "data race at counter.hpp:[0-9]+, counter.hpp:[0-9]+ — [0-9]+ failing run\\(s\\) in \\[race-free\\]; first in \\[race-free\\], race build, det seed=1")
expect("${st}" "replay: gograde replay safe-counter .*examples/bob --item race-free --seed 1 --race")
gg(0 clean stress safe-counter ${SRC}/examples/alice --seeds 2)
expect("${clean}" "no failure found")
# A submission that does not build: said at once, nothing explored.
file(MAKE_DIRECTORY ${WORK}/stress-broken)
file(WRITE ${WORK}/stress-broken/counter.hpp "#pragma once\nclass Counter { int x }\n")
gg(1 broken stress safe-counter ${WORK}/stress-broken --duration 5m)
expect("${broken}" "safe-counter: compile_error — nothing to explore")
gg(2 bad stress safe-counter ${SRC}/examples/alice --duration soon)
expect("${bad}" "--duration soon")
