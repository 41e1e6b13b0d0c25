#pragma once
/// gox::source_location: where a blocking call was made, for fiber dumps.
///
/// std::source_location needs __builtin_source_location, which clang 14 (the
/// race build's compiler) lacks; both g++ and clang provide __builtin_FILE and
/// __builtin_LINE as default arguments, evaluated at the call site.

namespace gox {

struct source_location {
  const char* file = "";
  int line = 0;

  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           int line = __builtin_LINE()) noexcept {
    return source_location{file, line};
  }
  constexpr bool known() const noexcept { return line > 0; }
};

}  // namespace gox
