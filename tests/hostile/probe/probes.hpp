#pragma once
// What a program inside gograde's sandbox tries, one probe per escape or leak
// class: each prints what it tried and whether it could, and the function
// returns how many it could do that it must not. Used twice: compiled as a
// program run through `gograde sandbox-exec` (tests/hostile/CMakeLists.txt),
// and pasted into the corpus case `sandbox-probes` as a submission, so the
// same attempts are also made from code built and run the way a grade does.
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <sys/resource.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace sandbox_probe {

inline int could = 0;

inline void say(const char* what, bool ok, const char* detail = "") {
  std::printf("%-58s %s%s%s\n", what, ok ? "COULD" : "could not", *detail ? ": " : "", detail);
  if (ok) ++could;
}

// A call that must fail: it could when it returned >= 0.
inline void must_fail(const char* what, long rc) { say(what, rc >= 0, rc >= 0 ? "" : std::strerror(errno)); }

inline std::string status_field(const char* key) {
  std::ifstream in("/proc/self/status");
  for (std::string l; std::getline(in, l);)
    if (l.rfind(key, 0) == 0) return l.substr(std::strlen(key));
  return "?";
}

inline bool file_has(const char* path, const std::string& needle) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str().find(needle) != std::string::npos;
}

// Runs `f` in a child: "could" when the child exits 0; a child killed by a
// signal (SIGSYS from the filter) or exiting non-zero could not.
template <class F>
inline void in_child(const char* what, F f) {
  const pid_t pid = fork();
  if (pid == 0) _exit(f() ? 0 : 1);
  int st = 0;
  waitpid(pid, &st, 0);
  char detail[64];
  std::snprintf(detail, sizeof detail, WIFSIGNALED(st) ? "killed by signal %d" : "exit %d",
                WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  say(what, WIFEXITED(st) && WEXITSTATUS(st) == 0, detail);
}

inline int run_all() {
  could = 0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "uid %d euid %d gid %d", getuid(), geteuid(), getgid());
  say("run as root (uid or gid 0)", getuid() == 0 || geteuid() == 0 || getgid() == 0, buf);
  const std::string eff = status_field("CapEff:\t"), prm = status_field("CapPrm:\t");
  std::snprintf(buf, sizeof buf, "CapEff %s CapPrm %s", eff.c_str(), prm.c_str());
  say("hold a capability", eff != "0000000000000000" || prm != "0000000000000000", buf);
  say("run without no_new_privs", status_field("NoNewPrivs:\t") != "1");
  say("run without a seccomp filter", status_field("Seccomp:\t") != "2");
  must_fail("setuid(0)", setuid(0));

  // Escape: the mount table, namespaces, other processes.
  must_fail("mount: remount /usr read-write", mount(nullptr, "/usr", nullptr, MS_REMOUNT | MS_BIND, nullptr));
  must_fail("mount: a tmpfs on /tmp", mount("none", "/tmp", "tmpfs", 0, nullptr));
  must_fail("umount /usr", umount2("/usr", MNT_DETACH));
  must_fail("unshare a user namespace", unshare(CLONE_NEWUSER));
  must_fail("unshare a mount namespace", unshare(CLONE_NEWNS));
  {
    const long rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, 0);
    if (rc == 0) _exit(0);
    if (rc > 0) waitpid(static_cast<pid_t>(rc), nullptr, 0);
    must_fail("clone with CLONE_NEWUSER", rc);
  }
  {
    const int fd = open("/proc/self/ns/mnt", O_RDONLY);
    must_fail("setns into a mount namespace", fd >= 0 ? setns(fd, 0) : -1);
    if (fd >= 0) close(fd);
  }
  must_fail("chroot", chroot("/tmp"));
  must_fail("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
  must_fail("ptrace(TRACEME)", ptrace(PTRACE_TRACEME, 0, nullptr, nullptr));
  must_fail("ptrace(ATTACH) to pid 1", ptrace(PTRACE_ATTACH, 1, nullptr, nullptr));
  {
    int x = 42, y = 0;
    iovec local{&y, sizeof y}, remote{&x, sizeof x};
    must_fail("process_vm_readv", process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
  }
  // Lowering its own priority (allowed to any process outside): refused, so a
  // slow program cannot pass itself off as starved by a busy machine.
  must_fail("setpriority (nice 19)", setpriority(PRIO_PROCESS, 0, 19));
  {
    sched_param sp{};
    must_fail("sched_setscheduler (SCHED_IDLE)", sched_setscheduler(0, SCHED_IDLE, &sp));
  }
  must_fail("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
  must_fail("add_key", syscall(SYS_add_key, "user", "probe", "x", 1, -3));
  {
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    must_fail("bpf (create a map)", syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
  }
  {
    perf_event_attr pe;
    std::memset(&pe, 0, sizeof pe);
    pe.type = PERF_TYPE_SOFTWARE;
    pe.size = sizeof pe;
    pe.config = PERF_COUNT_SW_CPU_CLOCK;
    must_fail("perf_event_open", syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0));
  }
  must_fail("init_module", syscall(SYS_init_module, nullptr, 0, ""));
  must_fail("finit_module", syscall(SYS_finit_module, 0, "", 0));
  must_fail("delete_module", syscall(SYS_delete_module, "ext4", 0));
  must_fail("kexec_load", syscall(SYS_kexec_load, 0, 0, nullptr, 0));
  {
    const long rc = syscall(SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */);
    if (rc >= 0) syscall(SYS_personality, 0);
    must_fail("personality(READ_IMPLIES_EXEC)", rc);
  }
  must_fail("userfaultfd", syscall(SYS_userfaultfd, 0));
  must_fail("io_uring_setup", syscall(425 /* io_uring_setup */, 1, nullptr));
  must_fail("iopl(3)", syscall(SYS_iopl, 3));
  must_fail("sysctl write (kernel.hostname)", [] {
    const int fd = open("/proc/sys/kernel/hostname", O_WRONLY);
    if (fd < 0) return -1L;
    const long n = write(fd, "x", 1);
    close(fd);
    return n;
  }());
  // Another architecture's system call table: i386 through int 0x80 (getpid),
  // from bytes in an executable mapping, and the x32 table.
  in_child("i386 system call through int 0x80", [] {
    const unsigned char code[] = {0xb8, 0x14, 0, 0, 0, 0xcd, 0x80, 0xc3};  // mov eax,20; int 0x80; ret
    void* m = mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return false;
    std::memcpy(m, code, sizeof code);
    return reinterpret_cast<int (*)()>(m)() > 0;
  });
  in_child("x32 system call (getpid | 0x40000000)", [] { return syscall(0x40000000L | SYS_getpid) > 0; });

  // Write outside: the system, the root, /etc.
  for (const char* p : {"/usr/gograde-escaped", "/gograde-escaped", "/etc/gograde-escaped", "/root/gograde-escaped"}) {
    const int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::snprintf(buf, sizeof buf, "create %s", p);
    must_fail(buf, fd);
    if (fd >= 0) close(fd);
  }

  // Leak: the grader's environment through any process of the sandbox.
  bool leaked = false;
  std::string where;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      const std::string p = std::string("/proc/") + e->d_name + "/environ";
      if (file_has(p.c_str(), "HOSTILE_CANARY_SECRET")) {
        leaked = true;
        where += p + " ";
      }
    }
    closedir(d);
  }
  say("read the grader's environment (/proc/*/environ)", leaked, where.c_str());
  say("find the grader's environment in its own", getenv("HOSTILE_CANARY_SECRET") != nullptr);
  std::fflush(stdout);
  return could;
}

}  // namespace sandbox_probe
