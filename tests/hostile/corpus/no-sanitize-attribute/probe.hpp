#pragma once
// hostile case: no_sanitize("thread") on the racy code
// expected verdict: rejected
__attribute__((no_sanitize("thread"))) inline int probe() { return 0; }
