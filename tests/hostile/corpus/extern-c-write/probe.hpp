#pragma once
// hostile case: its own extern "C" write() rewriting whatever the test main reports
// expected verdict: rejected
#include <unistd.h>
#include <sys/syscall.h>
extern "C" ssize_t write(int fd, const void* buf, size_t n) { return syscall(SYS_write, fd, buf, n); }
inline int probe() { return 1; }
