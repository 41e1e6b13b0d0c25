#include <catch2/catch.hpp>

#include "engine/build.hpp"

using gograde::submission_files_read;

namespace {
const std::vector<std::string> kNames = {"atomic_counter.hpp", "counter.hpp", "my file.hpp", "notes.hpp"};
}

TEST_CASE("A build's inputs are the submission's files its dependency list names", "[build]") {
  const std::string deps =
      "/tmp/x/main.o: /src/graders/safe-counter/suites/hidden_test.cpp \\\n"
      " /gograde-submission/counter.hpp /usr/include/c++/12/mutex \\\n"
      " /gograde-submission/./atomic_counter.hpp /gograde-submission/counter.hpp\n";
  CHECK(submission_files_read(deps, "/gograde-submission", kNames) ==
        std::vector<std::string>{"atomic_counter.hpp", "counter.hpp"});
  // Only the files under the folder the compiler saw: not a path that merely starts alike.
  CHECK(submission_files_read("main.o: /gograde-submission-2/counter.hpp /gograde-submission/notes.hpp\n",
                              "/gograde-submission", kNames) == std::vector<std::string>{"notes.hpp"});
  // A suite that reads none of them depends on their names only.
  CHECK(submission_files_read("main.o: /src/suite.cpp\n", "/gograde-submission", kNames).empty());
}

TEST_CASE("A name with a space reads as one file", "[build]") {
  CHECK(submission_files_read("main.o: /gograde-submission/my\\ file.hpp\n", "/gograde-submission", kNames) ==
        std::vector<std::string>{"my file.hpp"});
}

TEST_CASE("A dependency list it cannot account for counts every file", "[build]") {
  // No list at all (the compiler wrote none).
  CHECK(submission_files_read("", "/gograde-submission", kNames) == kNames);
  // A file it does not know (a subfolder, a name escaped another way).
  CHECK(submission_files_read("main.o: /gograde-submission/sub/counter.hpp\n", "/gograde-submission", kNames) ==
        kNames);
  CHECK(submission_files_read("main.o: /gograde-submission/odd$$name.hpp\n", "/gograde-submission", kNames) ==
        kNames);
}
