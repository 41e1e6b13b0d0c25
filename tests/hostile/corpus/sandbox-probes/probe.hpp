#pragma once
// hostile case: every escape and leak probe of tests/hostile/probe/probes.hpp, from a submission
// expected verdict: passed
@PROBES@
inline int probe() { return sandbox_probe::run_all(); }
