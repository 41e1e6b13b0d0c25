#include <catch2/catch.hpp>

#include "engine/build.hpp"

namespace {
const std::vector<std::string> kNames = {"atomic_counter.hpp", "counter.hpp", "my file.hpp", "notes.hpp"};
const std::vector<gograde::fs::path> kElsewhere = {"/usr", "/src/harness", "/cache/runtime-normal-0123456789abcdef",
                                                   "/src/graders/safe-counter/suites"};

std::vector<std::string> read(const std::string& deps) {
  return gograde::submission_files_read(deps, "/gograde-submission", kNames, kElsewhere);
}
}  // namespace

TEST_CASE("A build's inputs are the submission's files its dependency list names", "[build]") {
  CHECK(read("/tmp/x/main.o: /src/graders/safe-counter/suites/hidden_test.cpp \\\n"
             " /cache/runtime-normal-0123456789abcdef/pch.hpp /gograde-submission/counter.hpp \\\n"
             " /usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/mutex \\\n"
             " /gograde-submission/./atomic_counter.hpp /gograde-submission/counter.hpp\n") ==
        std::vector<std::string>{"atomic_counter.hpp", "counter.hpp"});
  // A suite that reads none of them depends on their names only.
  CHECK(read("main.o: /src/graders/safe-counter/suites/atomic_test.cpp /src/harness/gox/include/gox/sync.hpp\n")
            .empty());
  CHECK(read("main.o: /gograde-submission/my\\ file.hpp\n") == std::vector<std::string>{"my file.hpp"});
}

TEST_CASE("Any other way the compile could reach the submission counts every file", "[build]") {
  // Another spelling of the folder, or of a path into it.
  CHECK(read("main.o: //gograde-submission/counter.hpp\n") == std::vector<std::string>{"counter.hpp"});
  CHECK(read("main.o: /usr/../gograde-submission/counter.hpp\n") == std::vector<std::string>{"counter.hpp"});
  // The same files through /proc, the build's own folder, a relative path,
  // a folder that merely starts alike, a subfolder or a name it does not know.
  for (const char* deps : {"main.o: /proc/self/root/gograde-submission/counter.hpp\n",
                           "main.o: /cache/suite-normal-0123456789abcdef.tmp-1/x.hpp\n",
                           "main.o: counter.hpp\n", "main.o: /gograde-submission-2/counter.hpp\n",
                           "main.o: /gograde-submission/sub/counter.hpp\n",
                           "main.o: /gograde-submission/odd$$name.hpp\n", "main.o: /src/graders/other/x.hpp\n"}) {
    INFO(deps);
    CHECK(read(deps) == kNames);
  }
  // No list at all (the compiler wrote none), or not one it can read.
  CHECK(read("") == kNames);
  CHECK(read("/gograde-submission/counter.hpp\n") == kNames);
}
