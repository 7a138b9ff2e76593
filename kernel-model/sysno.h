/* Generic syscall numbers of the kernel model. Each arch maps its own
 * numbers onto these (arch/<arch>/abi_sysnr.c); the model's table
 * (kernel-model/sys_table.c) maps them to handlers. A syscall an arch
 * names but the model does not implement maps to LX_SYS_NONE and returns
 * ENOSYS with one line naming it. */
#ifndef CLONEMU_SYSNO_H
#define CLONEMU_SYSNO_H

// clang-format off
#define LX_SYSCALL_LIST(X) \
    X(read) X(write) X(open) X(openat) X(close) X(lseek) X(pread64) X(pwrite64) X(readv)           \
    X(writev) X(fstat) X(stat) X(lstat) X(newfstatat) X(statx) X(getdents64) X(access)             \
    X(faccessat) X(faccessat2) X(readlink) X(readlinkat) X(mkdir) X(mkdirat) X(unlink)             \
    X(unlinkat) X(rmdir) X(chdir) X(fchdir) X(getcwd) X(umask) X(pipe) X(pipe2) X(dup) X(dup2)     \
    X(dup3) X(fcntl) X(poll) X(ppoll) X(ioctl) X(mmap) X(munmap) X(mprotect) X(mremap)             \
    X(madvise) X(brk) X(arch_prctl) X(prlimit64) X(getrlimit) X(setrlimit) X(getrandom) X(uname)   \
    X(sethostname) X(setdomainname) X(getpid) X(gettid) X(getppid) X(getuid) X(geteuid)            \
    X(getgid) X(getegid) X(getpgid) X(setpgid) X(getpgrp) X(getsid) X(setsid) X(rt_sigaction)      \
    X(rt_sigprocmask) X(rt_sigpending) X(sigaltstack) X(alarm) X(clock_gettime) X(clock_getres)    \
    X(gettimeofday) X(time) X(nanosleep) X(clock_nanosleep) X(sched_yield) X(sched_getaffinity)    \
    X(execve) X(exit) X(exit_group) X(wait4) X(waitid) X(clone) X(clone3) X(fork) X(vfork)         \
    X(clone2)                                                                                      \
    X(futex) X(set_tid_address) X(set_robust_list) X(get_robust_list) X(pidfd_open)                \
    X(pidfd_send_signal) X(kill) X(tkill) X(tgkill) X(rseq) X(prctl) X(unshare) X(setns)           \
    X(sysinfo) X(getcpu) X(ftruncate) X(fsync) X(rename) X(renameat) X(renameat2) X(symlink)       \
    X(link) X(chmod) X(fchmod) X(mincore) X(membarrier) X(rt_sigsuspend) X(rt_sigtimedwait)        \
    X(rt_sigreturn) X(rt_sigqueueinfo) X(rt_tgsigqueueinfo) X(pause) X(setitimer) X(getitimer)     \
    X(restart_syscall) X(setuid) X(setgid) X(setreuid) X(setregid) X(setresuid) X(setresgid)       \
    X(getresuid) X(getresgid) X(setgroups) X(getgroups) X(capget) X(capset) X(kcmp) X(semget)      \
    X(semop) X(semtimedop) X(semctl) X(ipc) X(pidfd_getfd) X(epoll_create) X(epoll_create1)       \
    X(epoll_ctl) X(epoll_wait) X(epoll_pwait) X(epoll_pwait2) X(memfd_create) X(msync)      \
    X(fchmodat) X(fchmodat2) X(chown) X(fchown) X(lchown) X(fchownat) X(creat)
// clang-format on

enum lx_sysno {
    LX_SYS_NONE = 0,
#define LX_SYS_ENUM(n) LX_SYS_##n,
    LX_SYSCALL_LIST(LX_SYS_ENUM)
#undef LX_SYS_ENUM
        LX_SYS__COUNT
};

#endif
