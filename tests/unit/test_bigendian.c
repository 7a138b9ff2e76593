/* Unit test: every guest structure the kernel model reads or writes, on a
 * big-endian guest. The fake host boots an s390x process (big-endian mm,
 * support/be_guest.c); each syscall is driven through km_syscall with
 * s390x numbers and argument order, and the guest bytes are checked one by
 * one against what s390x Linux writes (layouts checked with
 * s390x-linux-gnu-gcc offsetof). Values are chosen so that a little-endian
 * read or write would differ.
 *
 * Structure (syscall) -> test. "fs:" is test_bigendian_fs.c, "sig:" is
 * test_bigendian_sig.c, "frame:" test_sigframe.c, "loader:"
 * tests/emu/test_loader.c; the rest are below.
 *   clone ptid/ctid int stores (PARENT/CHILD_SETTID, CLEARTID at exit)
 *                                 -> test_clone_order_and_settid,
 *                                    test_robust_list_and_tid_address
 *   struct clone_args, CLONE_PIDFD int (clone3) -> test_clone3_pidfd
 *   clone3 set_tid int array      -> sig: test_clone3_set_tid
 *   wait4 int status              -> test_wait_status_and_siginfo,
 *                                    sig: test_waitid_cld_codes
 *   wait4 struct rusage (zeroed)  -> sig: test_waitid_cld_codes
 *   waitid siginfo, CLD_EXITED    -> test_wait_status_and_siginfo,
 *                                    fs: test_pidfd_open_waitid (P_PIDFD)
 *   waitid siginfo, CLD_STOPPED/CONTINUED/KILLED -> sig: test_waitid_cld_codes
 *   futex word (WAIT compare, WAKE_OP store) -> test_futex_word
 *   futex timeout timespec        -> sig: test_clocks
 *   get_robust_list head + len    -> test_robust_list_and_tid_address
 *   struct new_utsname (uname)    -> test_uname
 *   struct sigaction (rt_sigaction in/out) -> test_sigaction
 *   sigset_t (rt_sigprocmask in/out) -> test_sigaction
 *   sigset_t (rt_sigpending)      -> sig: test_sigqueueinfo_sigtimedwait
 *   sigset_t (rt_sigsuspend, rt_sigtimedwait) -> sig: test_sched_prctl_sigsuspend,
 *                                    test_sigqueueinfo_sigtimedwait
 *   siginfo read (rt_sigqueueinfo, SI_QUEUE + si_value) and written
 *   (rt_sigtimedwait: SI_QUEUE, SI_USER, SIGCHLD) + its timespec
 *                                 -> sig: test_sigqueueinfo_sigtimedwait,
 *                                    test_waitid_cld_codes
 *   stack_t (sigaltstack in/out)  -> sig: test_sigaltstack
 *   struct itimerval (setitimer/getitimer) -> sig: test_itimers
 *   struct timeval + timezone (gettimeofday), time_t (time) -> sig: test_clocks
 *   struct timespec (clock_gettime, clock_getres, nanosleep) -> test_time_structs,
 *                                    sig: test_clocks
 *   sched_getaffinity mask, getcpu ints -> sig: test_sched_prctl_sigsuspend
 *   prctl PR_GET_NAME (16 bytes), PR_GET_CHILD_SUBREAPER int
 *                                 -> sig: test_sched_prctl_sigsuspend
 *   execve argv/envp pointer arrays -> sig: test_execve_vectors
 *   int[2] (pipe2)                -> test_pipe_iovec_poll_stat
 *   struct iovec (writev)         -> test_pipe_iovec_poll_stat
 *   struct iovec (readv), pread64/pwrite64 buffers -> fs: test_readv_pread_pwrite
 *   struct pollfd (poll)          -> test_pipe_iovec_poll_stat
 *   struct stat (fstat of a pipe) -> test_pipe_iovec_poll_stat
 *   struct stat (fstat, stat, lstat, newfstatat incl. AT_EMPTY_PATH)
 *                                 -> fs: test_stat_family
 *   struct statx                  -> fs: test_statx
 *   struct linux_dirent64 (getdents64) -> fs: test_getdents64
 *   struct termios (ioctl TCGETS) -> fs: test_tcgets
 *   getcwd string, /proc/<pid>/status text -> fs: test_strings_and_proc_status
 *   pidfd (pidfd_open) used by waitid(P_PIDFD) -> fs: test_pidfd_open_waitid
 *   struct rlimit (prlimit64, getrlimit) -> test_rlimit_sysinfo
 *   struct sysinfo                -> test_rlimit_sysinfo
 *   s390x old_mmap argument block -> test_old_mmap
 *   rt signal frame (siginfo, ucontext, _sigregs) and rt_sigreturn
 *                                 -> frame: the s390x cases
 *   initial stack: argc, argv[], envp[], auxv (no AT_MINSIGSTKSZ on s390)
 *                                 -> loader: test_s390x_stack
 * Not modelled on s390x, so nothing to test: getresuid (ENOSYS), the
 * time syscall (s390x has none; its handler is checked directly in sig:
 * test_clocks), arch_prctl (x86-64 only). Byte strings with no byte order
 * (read/write buffers, getrandom, sethostname, PR_SET_NAME, readlink,
 * /proc comm writes) go through the same mm_read/mm_write. */
#include "tests/unit/support/be_guest.h"

#define RLIMIT_NOFILE 7 /* the same on every Linux arch */

/* --- the clone family ---------------------------------------------------- */

/* clone(2) in s390x order: (stack, flags, ptid, ctid, tls). PARENT_SETTID
 * stores the tid as a big-endian int. */
static void test_clone_order_and_settid(void)
{
    boot();
    fill(P, A_INT1, 0xee, 4);
    u64 flags = LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_PARENT_SETTID;
    i64 tid = sys(P, "clone", A_STACK, flags, A_INT1, 0, 0);
    CHECK(tid > 0, "clone = %lld", (long long)tid);
    u8 want[4];
    lx_put32(true, want, (u32)tid);
    CHECK(bytes_are(P, A_INT1, want, 4), "ptid is the big-endian tid");
    struct task *c = km_find_task(&K, (int)tid);
    CHECK(c && ((struct fake_cpu *)c->cpu)->sp == A_STACK, "child SP is the first argument");
    fake_shutdown(&K);
}

/* clone3: struct clone_args read as big-endian u64s; CLONE_PIDFD stores a
 * big-endian int at args.pidfd, PARENT_SETTID the tid at parent_tid. */
static void test_clone3_pidfd(void)
{
    boot();
    const u64 args[11] = {
        LX_CLONE_PIDFD | LX_CLONE_PARENT_SETTID, /* flags */
        A_INT1,                                  /* pidfd */
        0,                                       /* child_tid */
        A_INT2,                                  /* parent_tid */
        LX_SIGCHLD,                              /* exit_signal */
        0,
        0,
        0,
        0,
        0,
        0,
    };
    put_be64s(P, A_ARGS, args, 11);
    fill(P, A_INT1, 0xee, 4);
    fill(P, A_INT2, 0xee, 4);
    i64 pid = sys(P, "clone3", A_ARGS, 88, 0, 0, 0);
    CHECK(pid > 0, "clone3 = %lld", (long long)pid);
    struct task *c = km_find_task(&K, (int)pid);
    CHECK(c && c->exit_signal == LX_SIGCHLD, "exit_signal read big-endian");
    u8 want[4];
    lx_put32(true, want, (u32)pid);
    CHECK(bytes_are(P, A_INT2, want, 4), "parent_tid is the big-endian pid");
    u32 fd = be32_at(P, A_INT1);
    CHECK(fd >= 3 && fd < 64, "pidfd %u is a small big-endian int", fd);

    /* km_clone3_copy_in directly: every field in place. */
    const u64 a2[11] = {LX_CLONE_VM, 0, 0x10010, 0x10020, 0x11, 0x30000, 0x1000, 0x1234, 0, 0, 0};
    put_be64s(P, A_ARGS, a2, 11);
    struct kernel_clone_args kca;
    memset(&kca, 0, sizeof kca);
    i64 r = km_clone3_copy_in(&K, P, A_ARGS, 88, &kca);
    CHECK(r == 0, "copy_in = %lld", (long long)r);
    CHECK(kca.flags == LX_CLONE_VM && kca.child_tid == 0x10010 && kca.parent_tid == 0x10020 &&
              kca.exit_signal == 0x11 && kca.stack == 0x30000 && kca.stack_size == 0x1000 &&
              kca.tls == 0x1234,
          "clone_args fields");
    fake_shutdown(&K);
}

/* --- wait ---------------------------------------------------------------- */

static void test_wait_status_and_siginfo(void)
{
    boot();
    i64 a = sys(P, "fork", 0, 0, 0, 0, 0);
    i64 b = sys(P, "fork", 0, 0, 0, 0, 0);
    CHECK(a > 0 && b > 0, "fork");
    sys(km_find_task(&K, (int)a), "exit_group", 3, 0, 0, 0, 0);
    sys(km_find_task(&K, (int)b), "exit_group", 0x42, 0, 0, 0, 0);

    fill(P, A_INT1, 0xee, 4);
    i64 r = sys(P, "wait4", (u64)a, A_INT1, 0, 0, 0);
    CHECK(r == a, "wait4 = %lld", (long long)r);
    const u8 st[4] = {0x00, 0x00, 0x03, 0x00}; /* exited, code 3 */
    CHECK(bytes_are(P, A_INT1, st, 4), "wait status big-endian");

    fill(P, A_OUT, 0xee, 128);
    r = sys(P, "waitid", LX_P_PID, (u64)b, A_OUT, LX_WEXITED, 0);
    CHECK(r == 0, "waitid = %lld", (long long)r);
    u8 si[28] = {0};
    lx_put32(true, si + 0, LX_SIGCHLD);
    lx_put32(true, si + 8, LX_CLD_EXITED);
    lx_put32(true, si + 16, (u32)b); /* si_pid */
    lx_put32(true, si + 20, 0);      /* si_uid */
    lx_put32(true, si + 24, 0x42);   /* si_status */
    CHECK(bytes_are(P, A_OUT, si, 4), "si_signo");
    CHECK(bytes_are(P, A_OUT + 8, si + 8, 4), "si_code");
    CHECK(bytes_are(P, A_OUT + 16, si + 16, 12), "si_pid, si_uid, si_status");
    fake_shutdown(&K);
}

/* --- futex, robust list, tid address -------------------------------------- */

static void test_futex_word(void)
{
    boot();
    const u8 w[4] = {0x00, 0x00, 0x00, 0x07};
    poke(P, A_INT1, w, 4);
    /* The word is 7: waiting for 0x07000000 (its little-endian misreading)
     * must fail at once with EAGAIN. */
    i64 r = sys(P, "futex", A_INT1, LX_FUTEX_WAIT | LX_FUTEX_PRIVATE_FLAG, 0x07000000, 0, 0);
    CHECK(r == -LX_EAGAIN, "futex wait mismatch = %lld", (long long)r);
    /* FUTEX_WAKE_OP: *uaddr2 += 1 (op ADD, oparg 1), written back big-endian. */
    poke(P, A_INT2, w, 4);
    u32 op = (1u << 28) | (0u << 24) | (1u << 12); /* FUTEX_OP_ADD, cmp EQ, oparg 1 */
    const u64 a[6] = {A_INT1, LX_FUTEX_WAKE_OP | LX_FUTEX_PRIVATE_FLAG, 1, 1, A_INT2, op};
    r = km_syscall(&K, P, nr("futex"), a);
    CHECK(r == 0, "futex wake_op = %lld", (long long)r);
    const u8 w8[4] = {0x00, 0x00, 0x00, 0x08};
    CHECK(bytes_are(P, A_INT2, w8, 4), "wake_op result big-endian");
    fake_shutdown(&K);
}

static void test_robust_list_and_tid_address(void)
{
    boot();
    i64 r = sys(P, "set_robust_list", 0x10880, 24, 0, 0, 0);
    CHECK(r == 0, "set_robust_list = %lld", (long long)r);
    fill(P, A_OUT, 0xee, 16);
    r = sys(P, "get_robust_list", 0, A_OUT, A_OUT + 8, 0, 0);
    CHECK(r == 0, "get_robust_list = %lld", (long long)r);
    const u8 want[16] = {0, 0, 0, 0, 0, 0x01, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0, 24};
    CHECK(bytes_are(P, A_OUT, want, 16), "head pointer and length big-endian");

    /* A thread with CLONE_CHILD_SETTID|CLEARTID: the tid written, then
     * cleared on exit (both 32-bit big-endian). */
    fill(P, A_INT1, 0xee, 4);
    u64 flags = LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_CHILD_SETTID |
                LX_CLONE_CHILD_CLEARTID;
    i64 tid = sys(P, "clone", A_STACK, flags, 0, A_INT1, 0);
    CHECK(tid > 0, "clone = %lld", (long long)tid);
    u8 tb[4];
    lx_put32(true, tb, (u32)tid);
    CHECK(bytes_are(P, A_INT1, tb, 4), "child_tid big-endian");
    sys(km_find_task(&K, (int)tid), "exit", 0, 0, 0, 0, 0);
    const u8 zero[4] = {0};
    CHECK(bytes_are(P, A_INT1, zero, 4), "cleared at exit");
    fake_shutdown(&K);
}

/* --- misc structures ----------------------------------------------------- */

static void test_uname(void)
{
    boot();
    fill(P, A_BUF, 0xee, 390);
    i64 r = sys(P, "uname", A_BUF, 0, 0, 0, 0);
    CHECK(r == 0, "uname = %lld", (long long)r);
    char u[390];
    mm_read(P->mm, A_BUF, u, sizeof u);
    CHECK(!strcmp(u, "Linux"), "sysname %s", u);
    CHECK(!strcmp(u + 4 * 65, "s390x"), "machine %s", u + 4 * 65);
    fake_shutdown(&K);
}

static void test_sigaction(void)
{
    boot();
    /* struct sigaction (s390x rt_sigaction): handler, flags, restorer, mask */
    const u64 act[4] = {0x1000, LX_SA_SIGINFO | LX_SA_RESTORER, 0x2000, 1ULL << (LX_SIGUSR2 - 1)};
    put_be64s(P, A_ARGS, act, 4);
    i64 r = sys(P, "rt_sigaction", LX_SIGUSR1, A_ARGS, 0, 8, 0);
    CHECK(r == 0, "rt_sigaction = %lld", (long long)r);
    const struct lx_sigaction *sa = &P->sighand->action[LX_SIGUSR1 - 1];
    CHECK(sa->handler == 0x1000 && sa->flags == (LX_SA_SIGINFO | LX_SA_RESTORER) &&
              sa->restorer == 0x2000 && sa->mask == 1ULL << (LX_SIGUSR2 - 1),
          "the model decoded the big-endian sigaction");
    fill(P, A_OUT, 0xee, 32);
    r = sys(P, "rt_sigaction", LX_SIGUSR1, 0, A_OUT, 8, 0);
    CHECK(r == 0, "rt_sigaction old = %lld", (long long)r);
    u8 want[32];
    for (int i = 0; i < 4; i++)
        lx_put64(true, want + 8 * i, act[i]);
    CHECK(bytes_are(P, A_OUT, want, 32), "oldact big-endian");
    /* rt_sigprocmask: the old mask, a big-endian u64 */
    u8 m[8];
    lx_put64(true, m, 1ULL << (LX_SIGTERM - 1));
    poke(P, A_ARGS, m, 8);
    r = sys(P, "rt_sigprocmask", LX_SIG_BLOCK, A_ARGS, 0, 8, 0);
    CHECK(r == 0 && P->blocked == 1ULL << (LX_SIGTERM - 1), "sigprocmask set");
    fill(P, A_OUT, 0xee, 8);
    sys(P, "rt_sigprocmask", LX_SIG_BLOCK, 0, A_OUT, 8, 0);
    CHECK(bytes_are(P, A_OUT, m, 8), "sigprocmask old big-endian");
    fake_shutdown(&K);
}

/* pipe2's int[2], writev's iovec, poll's pollfd, fstat's struct stat. */
static void test_pipe_iovec_poll_stat(void)
{
    boot();
    fill(P, A_INT1, 0xee, 8);
    i64 r = sys(P, "pipe2", A_INT1, 0, 0, 0, 0);
    CHECK(r == 0, "pipe2 = %lld", (long long)r);
    u32 rfd = be32_at(P, A_INT1), wfd = be32_at(P, A_INT1 + 4);
    CHECK(rfd < 64 && wfd < 64 && rfd != wfd, "fds %u %u are big-endian ints", rfd, wfd);

    poke(P, A_BUF, "abcde", 5);
    const u64 iov[4] = {A_BUF, 3, A_BUF + 3, 2};
    put_be64s(P, A_ARGS, iov, 4);
    r = sys(P, "writev", wfd, A_ARGS, 2, 0, 0);
    CHECK(r == 5, "writev = %lld", (long long)r);

    u8 pfd[8] = {0};
    lx_put32(true, pfd, rfd);
    lx_put16(true, pfd + 4, LX_POLLIN);
    lx_put16(true, pfd + 6, 0xeeee);
    poke(P, A_OUT, pfd, 8);
    r = sys(P, "poll", A_OUT, 1, 0, 0, 0);
    CHECK(r == 1, "poll = %lld", (long long)r);
    lx_put16(true, pfd + 6, LX_POLLIN);
    CHECK(bytes_are(P, A_OUT, pfd, 8), "pollfd revents big-endian");

    fill(P, A_BUF + 64, 0, 8);
    r = sys(P, "read", rfd, A_BUF + 64, 8, 0, 0);
    CHECK(r == 5 && bytes_are(P, A_BUF + 64, (const u8 *)"abcde", 5), "read back");

    fill(P, A_OUT, 0xee, 144);
    r = sys(P, "fstat", rfd, A_OUT, 0, 0, 0);
    CHECK(r == 0, "fstat = %lld", (long long)r);
    CHECK(be64_at(P, A_OUT + 16) == 1, "st_nlink (u64 at 16)");
    CHECK((be32_at(P, A_OUT + 24) & LX_S_IFMT) == LX_S_IFIFO, "st_mode (u32 at 24) %#x",
          be32_at(P, A_OUT + 24));
    CHECK(be32_at(P, A_OUT + 36) == 0, "pad at 36");
    CHECK(be64_at(P, A_OUT + 120) == 0 && be64_at(P, A_OUT + 136) == 0, "__unused zero");
    fake_shutdown(&K);
}

static void test_time_structs(void)
{
    boot();
    fill(P, A_OUT, 0xee, 16);
    i64 r = sys(P, "clock_gettime", LX_CLOCK_MONOTONIC, A_OUT, 0, 0, 0);
    CHECK(r == 0, "clock_gettime = %lld", (long long)r);
    u64 nsec = be64_at(P, A_OUT + 8);
    CHECK(nsec < 1000000000ULL, "tv_nsec %llu read big-endian", (unsigned long long)nsec);
    CHECK(be64_at(P, A_OUT) < 1000000ULL, "tv_sec small");

    /* nanosleep reads a big-endian timespec: {0, 1 ns} is valid (it would
     * be ~2^56 ns, EINVAL, if read little-endian). Run it in a thread: it
     * blocks. */
    i64 tid = sys(P, "clone", A_STACK, LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD, 0, 0, 0);
    struct task *th = km_find_task(&K, (int)tid);
    const u64 ts[2] = {0, 1};
    put_be64s(P, A_ARGS, ts, 2);
    r = th ? sys(th, "nanosleep", A_ARGS, 0, 0, 0, 0) : -1;
    CHECK(r != -LX_EINVAL && r != -LX_EFAULT, "nanosleep {0,1} = %lld", (long long)r);
    const u64 bad[2] = {0, 1000000000ULL};
    put_be64s(P, A_ARGS, bad, 2);
    r = sys(P, "nanosleep", A_ARGS, 0, 0, 0, 0);
    CHECK(r == -LX_EINVAL, "nanosleep {0,1e9} = %lld", (long long)r);
    fake_shutdown(&K);
}

static void test_rlimit_sysinfo(void)
{
    boot();
    const u64 nl[2] = {100, 200};
    put_be64s(P, A_ARGS, nl, 2);
    i64 r = sys(P, "prlimit64", 0, RLIMIT_NOFILE, A_ARGS, 0, 0);
    CHECK(r == 0, "prlimit64 set = %lld", (long long)r);
    fill(P, A_OUT, 0xee, 16);
    r = sys(P, "prlimit64", 0, RLIMIT_NOFILE, 0, A_OUT, 0);
    CHECK(r == 0, "prlimit64 get = %lld", (long long)r);
    u8 want[8];
    lx_put64(true, want, 100);
    CHECK(bytes_are(P, A_OUT, want, 8), "rlim_cur big-endian");
    /* the model keeps no hard limit for NOFILE: it reports nr_open */
    u64 max = be64_at(P, A_OUT + 8);
    CHECK(max >= 200 && max <= (1ULL << 32), "rlim_max %#llx big-endian", (unsigned long long)max);
    fill(P, A_OUT, 0xee, 16);
    r = sys(P, "getrlimit", RLIMIT_NOFILE, A_OUT, 0, 0, 0);
    CHECK(r == 0 && bytes_are(P, A_OUT, want, 8) && be64_at(P, A_OUT + 8) == max,
          "getrlimit (s390x nr 191) big-endian");

    fill(P, A_OUT, 0xee, 112);
    r = sys(P, "sysinfo", A_OUT, 0, 0, 0, 0);
    CHECK(r == 0, "sysinfo = %lld", (long long)r);
    u8 procs[2];
    mm_read(P->mm, A_OUT + 80, procs, 2);
    CHECK(lx_get16(true, procs) >= 1 && lx_get16(true, procs) < 100, "procs (u16 at 80) %u",
          lx_get16(true, procs));
    CHECK(be32_at(P, A_OUT + 104) == 1, "mem_unit (u32 at 104) %u", be32_at(P, A_OUT + 104));
    CHECK(be64_at(P, A_OUT + 32) > be64_at(P, A_OUT + 40), "totalram > freeram");
    fake_shutdown(&K);
}

/* s390x's mmap takes one pointer to six big-endian longs. */
static void test_old_mmap(void)
{
    boot();
    const u64 m[6] = {
        0, 0x2000, LX_PROT_READ | LX_PROT_WRITE, LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (u64)-1, 0};
    put_be64s(P, A_ARGS, m, 6);
    i64 r = sys(P, "mmap", A_ARGS, 0, 0, 0, 0);
    CHECK(r > 0 && !(r & 0xfff), "mmap = %#llx", (unsigned long long)r);
    const struct vma *v = r > 0 ? mm_find_vma(P->mm, (u64)r) : NULL;
    CHECK(v && v->end - v->start >= 0x2000 && (v->prot & LX_PROT_WRITE), "mapping made");
    const u64 bad[6] = {0, 0x2000, LX_PROT_READ, LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (u64)-1, 0x10};
    put_be64s(P, A_ARGS, bad, 6);
    r = sys(P, "mmap", A_ARGS, 0, 0, 0, 0);
    CHECK(r == -LX_EINVAL, "unaligned offset = %lld", (long long)r);
    r = sys(P, "mmap", 0x7000000, 0, 0, 0, 0);
    CHECK(r == -LX_EFAULT, "bad struct pointer = %lld", (long long)r);
    fake_shutdown(&K);
}

int main(void)
{
    test_clone_order_and_settid();
    test_clone3_pidfd();
    test_wait_status_and_siginfo();
    test_futex_word();
    test_robust_list_and_tid_address();
    test_uname();
    test_sigaction();
    test_pipe_iovec_poll_stat();
    test_time_structs();
    test_rlimit_sysinfo();
    test_old_mmap();
    return check_report("test_bigendian");
}
