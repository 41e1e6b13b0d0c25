#pragma once
// hostile case: defining its own main
// expected verdict: compile_error
inline int probe() { return 0; }
int main() { return 0; }
