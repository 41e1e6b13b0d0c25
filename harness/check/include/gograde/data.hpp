#pragma once
/// gograde/data.hpp: an exercise's test data, for both halves of a suite.

#include <string>
#include <string_view>

namespace gograde {

/// Bytes as lowercase hex: how a suite passes raw bytes (invalid UTF-8
/// included) through JSON, which holds text.
std::string hex(std::string_view bytes);

/// The bytes a hex string spells ("41ff" -> "A\xff"): test-data files keep
/// raw bytes (invalid UTF-8 included) as hex.
std::string unhex(std::string_view hex);

/// The bytes of the exercise's test-data file `name` (graders/<slug>/data/
/// for a judge, exercises/<slug>/tests/data/ for the visible suite; the
/// grader passes the folder as GOGRADE_DATA_DIR). A hidden suite's driver has
/// no data: its judge makes its inputs (GOGRADE_INPUT). A missing file is the
/// exercise's fault, never the submission's: the program stops and the
/// grader reports internal_error. Safe from any thread.
std::string data(const std::string& name);

}  // namespace gograde
