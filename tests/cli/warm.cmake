# gograde warm: the runtimes of the three builds and every judge of the set,
# with a line for each it builds; a second run builds nothing and says so.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
gg(0 first warm)
expect("${first}" "warm: the runtimes of 3 builds and 10 judge\\(s\\) of 5 exercise\\(s\\) are in ${CACHE}")
gg(0 again warm)
expect("${again}" "warm: the runtimes of 3 builds and 10 judge\\(s\\) of 5 exercise\\(s\\)")
expect_not("${again}" "building the|built the")
gg(0 one warm safe-counter)
expect("${one}" "2 judge\\(s\\) of 1 exercise\\(s\\)")
gg(2 unknown warm no-such-exercise)
expect("${unknown}" "no exercise \"no-such-exercise\"")
