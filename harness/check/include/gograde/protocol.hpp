#pragma once
/// gograde/protocol.hpp: the names the grader and the programs it runs share
/// (environment variables, command-line switches, record fields), defined
/// once. Included by the test mains (harness/check) and by the grading engine;
/// depends on nothing.
///
/// A graded run is two processes:
///   1. the **driver**: the suite's drive half compiled with the submission,
///      run in the sandbox. It writes one JSON line per observation and per
///      finished test to the descriptor kResultsFd names, then a done line.
///      It never sees expected values: its inputs come from kInputs.
///   2. the **judge**: the suite's judge half (Catch2 checks), compiled
///      without the submission, run on the driver's lines (kObservations).
///      It writes the results the grader scores, in the same record shape.
/// The candidate's own visible suite is one process: its driver lines are the
/// results.

namespace gograde::protocol {

// Environment.
/// A descriptor number open for writing: the program's records go there.
inline constexpr const char* kResultsFd = "GOGRADE_RESULTS_FD";
/// Or a file to append them to (for a person running a suite by hand).
inline constexpr const char* kResultsFile = "GOGRADE_RESULTS";
/// Judge, visible suite: the folder of the exercise's test data.
inline constexpr const char* kDataDir = "GOGRADE_DATA_DIR";
/// Driver: the JSON file of inputs the judge made for it (kInputsSwitch).
inline constexpr const char* kInputs = "GOGRADE_INPUTS";
/// Judge: the file of the driver's records.
inline constexpr const char* kObservations = "GOGRADE_OBSERVATIONS";

/// `judge --gograde-inputs FILE`: write the driver's inputs and exit.
inline constexpr const char* kInputsSwitch = "--gograde-inputs";
/// `judge --gograde-batch FILE`: judge many runs, one JSON line each in FILE:
/// {records: the driver's records, results: where the judge writes, tests:
/// the test spec}.
inline constexpr const char* kBatchSwitch = "--gograde-batch";
/// `judge --gograde-batch-fd N`: the same lines, read from descriptor N as
/// the grader writes them, until it closes it.
inline constexpr const char* kBatchFdSwitch = "--gograde-batch-fd";

// Records: one JSON object per line, kind in kEvent.
inline constexpr const char* kEvent = "event";
/// Driver: {event: obs, test, key, value}. The value is whatever the driver
/// observed (any JSON).
inline constexpr const char* kObs = "obs";
/// Both: {event: test, name, status: passed|failed|inconclusive (the judge:
/// a check that could not conclude, failure says why), outcome, report?,
/// failure?, events?, not_replayable?}. outcome: ok | deadlock | leak | panic, and from the
/// judge also missing (the driver reported nothing for the test).
/// not_replayable: why the run cannot be replayed exactly (check::not_replayable).
inline constexpr const char* kTestRecord = "test";
/// Both: {event: done, passed, failed}; the judge adds driver_done (the
/// driver's own done arrived) and malformed (lines that are no record).
inline constexpr const char* kDone = "done";
/// Both: {event: internal, message}: an error of the exercise (test data
/// that cannot be read), never the submission's.
inline constexpr const char* kInternal = "internal";

/// Exit status of a test main that stopped on an error of the exercise.
inline constexpr int kExerciseErrorExit = 3;

}  // namespace gograde::protocol
