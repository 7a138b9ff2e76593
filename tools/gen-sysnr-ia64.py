#!/usr/bin/env python3
"""Generate arch/ia64lite/abi_sysnr.c from the ia64 syscall table (names in
syscall.tbl order, transcribed below from Linux arch/ia64/kernel/syscalls/
syscall.tbl as linux-ia64/linux-ia64 keeps it; no ia64 uapi headers exist
in Debian). Run from anywhere: python3 tools/gen-sysnr-ia64.py"""
import os
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
import re
# arch/ia64/kernel/syscalls/syscall.tbl (linux-ia64/linux-ia64), index order; '-' = no entry
A = """ni_syscall exit read write open close creat link unlink execve chdir fchdir utimes mknod chmod chown lseek getpid getppid mount umount2 setuid getuid geteuid ptrace access sync fsync fdatasync kill rename mkdir rmdir dup pipe times brk setgid getgid getegid acct ioctl fcntl umask chroot ustat dup2 setreuid setregid getresuid setresuid getresgid setresgid getgroups setgroups getpgid setpgid setsid getsid sethostname setrlimit getrlimit getrusage gettimeofday settimeofday select poll symlink readlink uselib swapon swapoff reboot truncate ftruncate fchmod fchown getpriority setpriority statfs fstatfs gettid semget semop semctl msgget msgsnd msgrcv msgctl shmget shmat shmdt shmctl syslog setitimer getitimer - - - vhangup lchown remap_file_pages wait4 sysinfo clone setdomainname uname adjtimex - init_module delete_module - - quotactl bdflush sysfs personality afs_syscall setfsuid setfsgid getdents flock readv writev pread64 pwrite64 _sysctl mmap munmap mlock mlockall mprotect mremap msync munlock munlockall sched_getparam sched_setparam sched_getscheduler sched_setscheduler sched_yield sched_get_priority_max sched_get_priority_min sched_rr_get_interval nanosleep nfsservctl prctl old_getpagesize mmap2 pciconfig_read pciconfig_write perfmonctl sigaltstack rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait getcwd capget capset sendfile getpmsg putpmsg socket bind connect listen accept getsockname getpeername socketpair send sendto recv recvfrom shutdown setsockopt getsockopt sendmsg recvmsg pivot_root mincore madvise stat lstat fstat clone2 getdents64 getunwind readahead setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr removexattr lremovexattr fremovexattr tkill futex sched_setaffinity sched_getaffinity set_tid_address fadvise64 tgkill exit_group lookup_dcookie io_setup io_destroy io_getevents io_submit io_cancel epoll_create epoll_ctl epoll_wait restart_syscall semtimedop timer_create timer_settime timer_gettime timer_getoverrun timer_delete clock_settime clock_gettime clock_getres clock_nanosleep fstatfs64 statfs64 mbind get_mempolicy set_mempolicy mq_open mq_unlink mq_timedsend mq_timedreceive mq_notify mq_getsetattr kexec_load vserver waitid add_key request_key keyctl ioprio_set ioprio_get move_pages inotify_init inotify_add_watch inotify_rm_watch migrate_pages openat mkdirat mknodat fchownat futimesat newfstatat unlinkat renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll unshare splice set_robust_list get_robust_list sync_file_range tee vmsplice fallocate getcpu epoll_pwait utimensat signalfd timerfd eventfd timerfd_create timerfd_settime timerfd_gettime signalfd4 eventfd2 epoll_create1 dup3 pipe2 inotify_init1 preadv pwritev rt_tgsigqueueinfo recvmmsg fanotify_init fanotify_mark prlimit64 name_to_handle_at open_by_handle_at clock_adjtime syncfs setns sendmmsg process_vm_readv process_vm_writev accept4 finit_module sched_setattr sched_getattr renameat2 getrandom memfd_create bpf execveat userfaultfd membarrier kcmp mlock2 copy_file_range preadv2 pwritev2 statx io_pgetevents perf_event_open seccomp pkey_mprotect pkey_alloc pkey_free rseq""".split()
B = """pidfd_send_signal io_uring_setup io_uring_enter io_uring_register open_tree move_mount fsopen fsconfig fsmount fspick pidfd_open - close_range openat2 pidfd_getfd faccessat2 process_madvise epoll_pwait2 mount_setattr quotactl_fd landlock_create_ruleset landlock_add_rule landlock_restrict_self - process_mrelease futex_waitv set_mempolicy_home_node cachestat fchmodat2 map_shadow_stack futex_wake futex_wait futex_requeue statmount listmount lsm_get_self_attr lsm_set_self_attr lsm_list_modules""".split()
assert len(A) == 334, len(A)
assert A[189] == "clone2" and A[104] == "clone" and A[212] == "exit_group" and A[157] == "rt_sigreturn"
tbl = {i: n for i, n in enumerate(A) if n != '-'}
tbl.update({424 + i: n for i, n in enumerate(B) if n != '-'})
sysno = open(os.path.join(ROOT, 'kernel-model/sysno.h')).read()
lst = sysno[sysno.index('LX_SYSCALL_LIST(X)'):sysno.index('// clang-format on')]
known = set(re.findall(r'X\((\w+)\)', lst)) | {'clone2'}
# ia64's pipe (1058) returns the second fd in r9 and mmap2 takes a page offset: not modelled
unmodelled = {'pipe', 'mmap2', 'ni_syscall'}
count = 1024 + max(tbl) + 1
out = ["// clang-format off",
 "/* GENERATED from Linux arch/ia64/kernel/syscalls/syscall.tbl (the last mainline",
 " * table, v6.6, as kept by linux-ia64/linux-ia64): ia64 syscall number (1024 +",
 " * table index) -> { name, generic LX_SYS_* }. Numbers below 1024 and the holes",
 " * (old_stat ..., 435 = clone3 reserved, 447) are { NULL, LX_SYS_NONE } and",
 " * return ENOSYS, as sys_ni_syscall does. pipe (second fd in r9) and mmap2",
 " * (page offset) are not modelled. */",
 '#include "kernel-model/abi.h"', "",
 "const struct km_abi_sys km_abi_ia64lite_sys[%d] = {" % count]
for i in range(1024, count):
    n = tbl.get(i - 1024)
    if n is None or n == 'ni_syscall':
        continue
    g = 'LX_SYS_' + n if n in known and n not in unmodelled else 'LX_SYS_NONE'
    out.append('    [%d] = { "%s", %s },' % (i, n, g))
out.append("};")
out.append("// clang-format on")
open(os.path.join(ROOT, 'arch/ia64lite/abi_sysnr.c'), 'w').write("\n".join(out) + "\n")
print(count)
