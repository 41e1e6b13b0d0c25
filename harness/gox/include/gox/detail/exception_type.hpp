#pragma once
/// The demangled type of the exception being handled (header-only: the test
/// mains share it, and the judge's main links no gox).

#include <cxxabi.h>

#include <cstdlib>
#include <string>
#include <typeinfo>

namespace gox::detail {

/// "exception" when no exception is being handled or its type is unknown.
inline std::string current_exception_type() {
  const std::type_info* t = abi::__cxa_current_exception_type();
  if (!t) return "exception";
  int status = 0;
  char* name = abi::__cxa_demangle(t->name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : t->name();
  std::free(name);
  return out;
}

}  // namespace gox::detail
