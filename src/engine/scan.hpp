#pragma once
/// Refusing submissions that try to blind the grader, before compiling them.
///
/// The race build is only as good as ThreadSanitizer's view of the program,
/// and the suite only as good as its assertions. A submission may not switch
/// either off: sanitizer hooks and options (`__tsan_default_options`,
/// `__tsan_default_suppressions`, any `__tsan_`/`__sanitizer_` symbol),
/// attributes that drop instrumentation (`no_sanitize`,
/// `disable_sanitizer_instrumentation`, `#pragma clang attribute`, `_Pragma`),
/// inline assembly, code that runs before the test main (constructor
/// attributes, `init_priority`), absolute or device `#include`s, and
/// redefinitions of the suites' macros and names (CHECK, REQUIRE, TEST_CASE,
/// main, ...). Comments and string literals are ignored.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gograde {

struct forbidden {
  std::string file;  ///< as the candidate named it
  int line = 0;
  std::string what;  ///< the construct
  std::string why;   ///< what it would have done
};

/// The first forbidden construct in the files (name, path), if any.
std::optional<forbidden> scan_submission(const std::vector<std::pair<std::string, std::filesystem::path>>& files);

/// `text` with comments and string/char literals blanked (newlines kept).
std::string strip_comments_and_literals(const std::string& text);

}  // namespace gograde
