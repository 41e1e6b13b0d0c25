#pragma once
// hostile case: code run before the test main
// expected verdict: rejected
#include <cstdlib>
__attribute__((constructor)) static void early() { std::getenv("GOGRADE_NONCE_FD"); }
inline int probe() { return 0; }
