# What the install puts beside gograde, made from gograde itself: bash and
# zsh completion (`gograde completion`), and a man page (help2man, from
# `--help` of gograde and of each command) when help2man is there.
#   cmake -DGG=path/to/gograde -DOUT=dir [-DHELP2MAN=path] -P GogradeDocs.cmake
file(MAKE_DIRECTORY ${OUT})
foreach(shell bash zsh)
  execute_process(COMMAND ${GG} completion ${shell} OUTPUT_FILE ${OUT}/completion.${shell} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gograde completion ${shell} failed (${rc})")
  endif()
endforeach()
if(NOT HELP2MAN)
  message(STATUS "help2man not found: no man page (scripts/setup installs it)")
  return()
endif()
# One section per command, its --help as text.
execute_process(COMMAND ${GG} --help OUTPUT_VARIABLE top)
string(REGEX REPLACE ".*\nSubcommands:\n" "" listing "${top}")
string(REGEX MATCHALL "\n?  [a-z][a-z-]+  " names "\n${listing}")
set(include "[DESCRIPTION]\ngograde grades C++ answers to Go concurrency exercises: under ThreadSanitizer, deterministic schedule exploration, virtual time, and deadlock and leak detection, in a sandbox. See the README of the installed set (share/gograde) for the exercise format.\n\n[COMMANDS]\n")
foreach(n ${names})
  string(STRIP "${n}" n)
  execute_process(COMMAND ${GG} ${n} --help OUTPUT_VARIABLE h)
  string(REPLACE "\\" "\\\\" h "${h}")
  set(include "${include}.SS \"gograde ${n}\"\n.nf\n${h}.fi\n")
endforeach()
set(include "${include}\n[ENVIRONMENT]\nGOGRADE_SET, GOGRADE_CACHE, GOGRADE_CACHE_MAX: defaults of --set, --cache and --cache-max. NO_COLOR: no colour in text reports. GOGRADE_SHARD_COUNT: the shard count of batch --shard auto in a Kubernetes Indexed Job.\n")
file(WRITE ${OUT}/gograde.h2m "${include}")
execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1
                        "--name=grade Go-style concurrency exercises written in C++"
                        --include=${OUT}/gograde.h2m --output=${OUT}/gograde.1 ${GG}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc}): ${err}")
endif()
