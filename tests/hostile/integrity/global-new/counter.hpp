#pragma once
// A global operator new, to watch (or rewrite) what the test main allocates.
#include <cstdlib>
#include <new>
void* operator new(std::size_t n) {
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
class Counter {
 public:
  void Inc() {}
  void Dec() {}
  long Value() { return 0; }
};
