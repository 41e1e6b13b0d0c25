// gograde-jail: the last step into the sandbox, run by bubblewrap as the
// sandbox's command, before the program it was asked to run.
//
//   gograde-jail [--uid N --gid N] [--chdir DIR] -- PROGRAM ARGS...
//
// In order, each checked (a step that fails ends here with exit 125 and a
// line "gograde-jail: ..." on stderr, never with the program run):
//  1. identity: when it starts as root (the grader was root, so bubblewrap
//     ran without a user namespace), it drops every supplementary group and
//     becomes N:N (an unprivileged uid and gid of the host), then checks that
//     root cannot be taken back;
//  2. privileges: no_new_privs (no set-uid program or file capability can
//     raise them again), the ambient set cleared, every capability dropped;
//  3. system calls: a seccomp filter (see policy() below) that makes the calls
//     a contained program has no use for fail with EPERM, and kills a process
//     that tries another architecture's system call table;
//  4. exec: PROGRAM in DIR, with the environment bubblewrap gave (built from
//     nothing by the grader).
//
// It holds no secret and decides no verdict: it only narrows what the next
// program can do.

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void fail(const char* what, int err = 0) {
  if (err) std::fprintf(stderr, "gograde-jail: %s: %s\n", what, std::strerror(err));
  else std::fprintf(stderr, "gograde-jail: %s\n", what);
  std::_Exit(125);
}

void become(uid_t uid, gid_t gid) {
  if (setgroups(0, nullptr) != 0) fail("setgroups", errno);
  if (setresgid(gid, gid, gid) != 0) fail("setresgid", errno);
  if (setresuid(uid, uid, uid) != 0) fail("setresuid", errno);
  if (setuid(0) == 0 || seteuid(0) == 0) fail("root could be taken back after dropping it");
  if (getuid() == 0 || geteuid() == 0 || getgid() == 0 || getegid() == 0) fail("still root after dropping it");
}

void drop_privileges() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("no_new_privs", errno);
  (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capset, &hdr, data) != 0) fail("capset", errno);
  __user_cap_data_struct now[2] = {};
  if (syscall(SYS_capget, &hdr, now) != 0) fail("capget", errno);
  for (const auto& d : now)
    if (d.effective || d.permitted || d.inheritable) fail("a capability survived dropping them all");
}

// The calls denied (EPERM), and why a contained program never needs them.
void policy(scmp_filter_ctx ctx) {
  const int eperm = SCMP_ACT_ERRNO(EPERM);
  auto deny = [&](int nr) {
    if (nr < 0) return;  // not on this architecture
    if (seccomp_rule_add(ctx, eperm, nr, 0) != 0) fail("seccomp_rule_add");
  };
  // Mount table and root: remounting a read-only bind writable, new mounts.
  for (const char* n : {"mount", "umount", "umount2", "pivot_root", "chroot", "mount_setattr", "move_mount",
                        "open_tree", "fsopen", "fsmount", "fsconfig", "fspick", "swapon", "swapoff"})
    deny(seccomp_syscall_resolve_name(n));
  // Namespaces: a new user namespace gives back every capability inside it.
  for (const char* n : {"unshare", "setns"}) deny(seccomp_syscall_resolve_name(n));
  // Other processes' memory and execution.
  for (const char* n : {"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd"})
    deny(seccomp_syscall_resolve_name(n));
  // Its own scheduling: a program that lowers its priority (nice, SCHED_IDLE)
  // on a busy machine could pass its own slowness off as the machine's (a
  // run's limit forgives the time the machine kept it from running).
  for (const char* n : {"setpriority", "sched_setscheduler", "sched_setattr", "sched_setparam", "ioprio_set"})
    deny(seccomp_syscall_resolve_name(n));
  // Kernel facilities a grader's host shares with every program.
  for (const char* n : {"keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
                        "init_module", "finit_module", "delete_module", "create_module", "kexec_load",
                        "kexec_file_load", "reboot", "syslog", "acct", "quotactl", "settimeofday", "clock_settime",
                        "clock_adjtime", "adjtimex", "iopl", "ioperm", "uselib", "vhangup", "lookup_dcookie",
                        "name_to_handle_at", "open_by_handle_at", "sysfs", "ustat", "nfsservctl",
                        "io_uring_setup", "io_uring_enter", "io_uring_register", "fanotify_init"})
    deny(seccomp_syscall_resolve_name(n));
  // personality(): asking (0xffffffff) only; a new persona (READ_IMPLIES_EXEC,
  // MMAP_PAGE_ZERO, no address randomisation, ...) is refused.
  if (seccomp_rule_add(ctx, eperm, SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_NE, 0xffffffffUL)) != 0)
    fail("seccomp personality");
  // clone() with a namespace flag; clone3() hides its flags in memory a filter
  // cannot read: ENOSYS, so the C library falls back to clone().
  const unsigned long ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC,
                                    CLONE_NEWUTS, CLONE_NEWCGROUP, 0x00000080UL /* CLONE_NEWTIME */};
  for (unsigned long f : ns_flags)
    if (seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, f, f)) != 0) fail("seccomp clone");
  if (const int nr = seccomp_syscall_resolve_name("clone3"); nr >= 0)
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0) != 0) fail("seccomp clone3");
  // Typing into a terminal it shares (the session is new too).
  for (unsigned long req : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)})
    if (seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, req)) != 0)
      fail("seccomp ioctl");
}

void confine() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) fail("seccomp_init");
  // Another architecture's table (int 0x80, x32) would dodge every rule above.
  if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0) fail("seccomp badarch");
  policy(ctx);
  if (const int rc = seccomp_load(ctx); rc != 0) fail("seccomp_load", -rc);
  seccomp_release(ctx);
}

}  // namespace

int main(int argc, char** argv) {
  long uid = -1, gid = -1;
  const char* dir = nullptr;
  int k = 1;
  for (; k < argc && std::strcmp(argv[k], "--") != 0; ++k) {
    if (std::strcmp(argv[k], "--uid") == 0 && k + 1 < argc) uid = std::atol(argv[++k]);
    else if (std::strcmp(argv[k], "--gid") == 0 && k + 1 < argc) gid = std::atol(argv[++k]);
    else if (std::strcmp(argv[k], "--chdir") == 0 && k + 1 < argc) dir = argv[++k];
    else fail("usage: gograde-jail [--uid N --gid N] [--chdir DIR] -- PROGRAM ARGS...");
  }
  if (k + 1 >= argc) fail("usage: gograde-jail [--uid N --gid N] [--chdir DIR] -- PROGRAM ARGS...");
  if (getuid() == 0 || geteuid() == 0) {
    if (uid <= 0 || gid <= 0) fail("started as root without an unprivileged --uid and --gid to become");
    become(static_cast<uid_t>(uid), static_cast<gid_t>(gid));
  }
  if (dir && chdir(dir) != 0) fail(dir, errno);
  drop_privileges();
  confine();
  execvp(argv[k + 1], argv + k + 1);
  fail(argv[k + 1], errno);
}
