# gograde batch on the sample submissions: the summary, one report per
# candidate, a bad entry that does not stop the rest, resume, and shards.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
set(in ${WORK}/batch-in)
set(rep ${WORK}/batch-out)
file(REMOVE_RECURSE ${in} ${rep} ${rep}-1 ${rep}-2)
file(COPY ${SRC}/examples/ DESTINATION ${in} PATTERN ".gograde-reports" EXCLUDE)
file(MAKE_DIRECTORY ${in}/zed)  # an empty directory: no exercise's files
file(WRITE ${in}/zed/notes.txt "I did not finish\n")

gg(1 out batch ${in} -o ${rep})
# A correct counter passes whatever the machine's load: where a threaded
# check's parallel run could not conclude (a busy machine never overlapped its
# workers), the item's explored runs decide.
expect("${out}" "alice +safe-counter +passed +10/13")
expect("${out}" "bob +safe-counter +data_race")
expect("${out}" "carol +safe-counter +deadlock")
# dave loses updates between his load and his store: the explore build finds
# it on every seed, however busy the machine (the threaded checks may still be
# inconclusive there; the verdict is failed either way).
expect("${out}" "dave +safe-counter +failed")
expect("${out}" "erin +safe-counter +compile_error +0/13")
expect("${out}" "frank +safe-counter +passed +13/13")
expect("${out}" "zed +\\? +error .*no exercise's files found")
expect("${out}" "7 submission\\(s\\): 2 passed, 5 not")
foreach(c alice bob carol dave erin frank)
  expect_file(${rep}/${c}/safe-counter.json)
  expect_file(${rep}/${c}/safe-counter.html)
endforeach()
expect_file(${rep}/index.html)
expect_file(${rep}/summary.md)
file(READ ${rep}/summary.json summary)
expect("${summary}" "\"schema\": \"gograde.batch/1\"")
file(READ ${rep}/index.html index)
expect("${index}" "href=\"bob/safe-counter.html\"")

# Resumed: nothing regraded, the same summary.
gg(1 again batch ${in} -o ${rep})
expect("${again}" "bob safe-counter: data_race \\(already graded\\)")
expect_not("${again}" "alice safe-counter: passed\n")
expect("${again}" "7 submission\\(s\\): 2 passed, 5 not")
# A changed submission is regraded.
file(READ ${SRC}/examples/alice/counter.hpp fixed)
file(WRITE ${in}/bob/counter.hpp "${fixed}")
gg(1 again batch ${in} -o ${rep})
expect("${again}" "bob safe-counter: passed\n")
expect("${again}" "alice safe-counter: passed \\(already graded\\)")

# Two shards cover every candidate once.
gg(1 s1 batch ${in} -o ${rep}-1 --shard 1/2)
gg(1 s2 batch ${in} -o ${rep}-2 --shard 2/2)
expect("${s1}" "shard 1/2 of 7")
foreach(c alice bob carol dave erin frank)
  if(EXISTS ${rep}-1/${c}/safe-counter.json AND EXISTS ${rep}-2/${c}/safe-counter.json)
    message(FATAL_ERROR "${c} graded by both shards")
  endif()
  if(NOT EXISTS ${rep}-1/${c}/safe-counter.json AND NOT EXISTS ${rep}-2/${c}/safe-counter.json)
    message(FATAL_ERROR "${c} graded by no shard")
  endif()
endforeach()
gg(2 bad batch ${in} --shard 3/2)
expect("${bad}" "--shard 3/2: expected K/N")
