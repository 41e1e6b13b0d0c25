#pragma once
/// Refusing submissions that try to blind the grader, before compiling them.
///
/// The race build is only as good as ThreadSanitizer's view of the program,
/// and the suite only as good as its assertions. A submission may not switch
/// either off. The scan reads what the compiler reads, in one linear pass
/// (no backtracking: any input, of any size, is scanned in time proportional
/// to its length): lines spliced by backslash-newline first, then tokens
/// (comments skipped, string, character and raw literals as literals,
/// digraphs as their punctuators), then directives and identifiers:
///
///  - identifiers the implementation reserves (`__x`, `_X`: sanitizer hooks
///    such as `__tsan_default_options`, `__asm__`, `__attribute__` spellings
///    such as `__constructor__`), except a short list of ordinary ones
///    (`__cplusplus`, `__FILE__`, `__VA_ARGS__`, `__attribute__`,
///    `__builtin_*`, `__atomic_*`, ...); `_Pragma`; `asm`;
///  - ThreadSanitizer's dynamic annotations (`AnnotateBenignRaceSized`, ...),
///    attributes that drop instrumentation (`no_sanitize*`,
///    `disable_sanitizer_instrumentation`, `no_instrument_function`), code run
///    before or after the test main (`constructor`, `destructor`,
///    `init_priority`, however spelled or reached through a macro);
///  - dynamic loading (`dlsym`, `dlopen`: an annotation or hook reached by
///    a name built at run time);
///  - C linkage (`extern "C"`: a `write` or `exit` of its own), replacing
///    global allocation (`operator new`/`delete`), definitions inside the
///    grader's namespaces (`gox`, `gograde`, `Catch`);
///  - the grader's and the sanitizer's configuration (`TSAN_OPTIONS`,
///    `GOGRADE_*`, `LD_PRELOAD`);
///  - directives: every `#pragma` but `once`; `#line`; `#include` of an
///    absolute path, a path with a `..` part, a backslash, or a name built by
///    a macro; `#include_next` and non-standard directives; `#define` or
///    `#undef` of the suites' names (CHECK, REQUIRE, TEST_CASE, main, ...) or
///    of a reserved name; token pasting (`##`), which builds names no scan of
///    the source can see.
///
/// The first construct found is reported with its file and line.

#include <optional>
#include <string>
#include <vector>

#include "engine/intake.hpp"

namespace gograde {

struct forbidden {
  std::string file;  ///< as the candidate named it
  int line = 0;
  std::string what;  ///< the construct
  std::string why;   ///< what it would have done
};

/// The first forbidden construct in `text` (named `file`), if any.
std::optional<forbidden> scan_source(const std::string& file, const std::string& text);

/// The first forbidden construct in the files, if any.
std::optional<forbidden> scan_submission(const std::vector<submitted_file>& files);

}  // namespace gograde
