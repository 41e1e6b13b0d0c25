#pragma once
// ThreadSanitizer's text reports turned into evidence a grader can show: for
// each race the two accesses (read/write, size, atomic), the fibers that made
// them (the race build names each TSan fiber after its gox fiber, "name
// @file:line" of its go statement), and stacks trimmed to the program's own
// frames with file:line.

#include <string>
#include <string_view>
#include <vector>

namespace gograde::race {

struct frame {
  std::string function;
  std::string file;  // as TSan printed it (absolute when built so)
  int line = 0;
  int column = 0;
};

struct access {
  bool write = false;
  bool atomic = false;
  bool previous = false;  // TSan's "Previous ..." access (the earlier one)
  int size = 0;
  std::string thread;      // "T8", or "main thread"
  std::string fiber;       // the fiber's name, from the report's thread list
  std::string created_at;  // "file:line" of its go statement, when named so
  std::vector<frame> stack;
};

struct report {
  std::string kind;  // "data race", "heap-use-after-free", ...
  std::vector<access> accesses;
  std::string location;  // "heap block of size 8 ...", "global 'x' of size 8 ..."
  std::string summary;   // the SUMMARY line, without its prefix
  std::string text;      // the whole report, as printed
};

/// Every report in `output` (other text is skipped).
std::vector<report> parse(std::string_view output);

/// The first line in which ThreadSanitizer says it stopped the run itself
/// ("ERROR: ThreadSanitizer: out of memory", "ThreadSanitizer: thread T8 ...
/// finished with ignores enabled", "ThreadSanitizer: CHECK failed ..."), at
/// most 400 characters; empty if none. Its reports and their summaries are not
/// such lines.
std::string fatal_error(std::string_view output);

/// Which frames are the program's: those whose file lies under one of
/// `roots` (directory prefixes). With no roots, every frame outside the system
/// headers, gox and Boost.
struct source_filter {
  std::vector<std::string> roots;
  bool keep(const frame& f) const;
};

/// The frames of `stack` the filter keeps, innermost first.
std::vector<frame> program_frames(const std::vector<frame>& stack, const source_filter& f);

/// What the two accesses are in Go's terms when gox made one of them on the
/// program's behalf ("send on a channel concurrent with its close", "WaitGroup
/// Add concurrent with Wait"); empty for plain memory accesses.
std::string hint(const report& r);

}  // namespace gograde::race
