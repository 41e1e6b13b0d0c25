#pragma once
// hostile case: a 300 KiB header (over the per-file limit of 256 KiB)
// expected verdict: rejected
@GIANT_COMMENT@
inline int probe() { return 0; }
