#pragma once
// hostile case: template recursion without end
// expected verdict: compile_error
template <int N> struct boom { static constexpr int v = boom<N + 1>::v + 1; };
inline int probe() { return boom<0>::v; }
