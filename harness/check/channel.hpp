#pragma once
// The test mains' side of the grader's channel (gograde/protocol.hpp): shared
// by the driver's main (check_main.cpp) and the judge's (judge_main.cpp).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

namespace gograde::check::detail {

/// The descriptor records go to, or -1 (no grader: records are dropped).
int results_fd();
/// Sends records to `fd` from now on (the judge's batch mode).
void use_results_fd(int fd);
/// Writes one record as one line.
void emit(const nlohmann::json& record);
/// A failed assertion as a record's "failure": expression, expansion,
/// message, INFO lines, file and line.
nlohmann::json failure_of(const Catch::AssertionStats& s);
/// Runs Catch2's session on these arguments (catch_impl.cpp).
int run_catch(int argc, char* argv[]);
/// Reports an error of the exercise (never the submission's) and exits with
/// protocol::kExerciseErrorExit.
[[noreturn]] void exercise_error(const std::string& message);

}  // namespace gograde::check::detail
