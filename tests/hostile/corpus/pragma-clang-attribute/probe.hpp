#pragma once
// hostile case: #pragma clang attribute applying disable_sanitizer_instrumentation
// expected verdict: rejected
#pragma clang attribute push(__attribute__((disable_sanitizer_instrumentation)), apply_to = function)
inline int probe() { return 0; }
#pragma clang attribute pop
