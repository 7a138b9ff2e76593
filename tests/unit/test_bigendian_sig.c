/* Unit test: signal, time and process-state guest structures on a
 * big-endian (s390x) guest: siginfo written by rt_sigtimedwait and waitid
 * (CLD_* codes) and read by rt_sigqueueinfo, stack_t, itimerval, timeval,
 * time(), the sched_getaffinity mask, getcpu, prctl, rt_sigpending,
 * rt_sigsuspend's mask, futex timeouts, clone3's set_tid array, wait4's
 * rusage and execve's argv/envp vectors. See test_bigendian.c for the full
 * list. */
#include <stdlib.h>

#include "kernel-model/futex.h"
#include "kernel-model/sys.h"
#include "tests/unit/support/be_guest.h"

static u64 sigbit(int sig)
{
    return 1ULL << (sig - 1);
}

static void put_be64(struct task *t, u64 addr, u64 v)
{
    put_be64s(t, addr, &v, 1);
}

/* A thread of P (so a blocking call does not stop the test). */
static struct task *thread(void)
{
    i64 tid = sys(P, "clone", A_STACK, LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD, 0, 0, 0);
    return km_find_task(&K, (int)tid);
}

/* rt_sigqueueinfo reads a big-endian siginfo (SI_QUEUE, si_value at 24);
 * rt_sigtimedwait writes it back, and reads its timespec big-endian. */
static void test_sigqueueinfo_sigtimedwait(void)
{
    boot();
    put_be64(P, A_ARGS, sigbit(LX_SIGUSR1));
    sys(P, "rt_sigprocmask", LX_SIG_BLOCK, A_ARGS, 0, 8, 0);
    u8 in[128] = {0};
    lx_put32(true, in + 0, LX_SIGUSR1);
    lx_put32(true, in + 8, (u32)LX_SI_QUEUE);
    lx_put32(true, in + 16, (u32)P->tid);
    lx_put32(true, in + 20, 0);
    lx_put64(true, in + 24, 0x0102030405060708ULL);
    poke(P, A_BUF, in, sizeof in);
    i64 r = sys(P, "rt_sigqueueinfo", (u64)P->tg->tgid, LX_SIGUSR1, A_BUF, 0, 0);
    CHECK(r == 0, "rt_sigqueueinfo = %lld", (long long)r);

    /* rt_sigpending: a big-endian u64 set */
    fill(P, A_OUT, 0xee, 8);
    r = sys(P, "rt_sigpending", A_OUT, 8, 0, 0, 0);
    CHECK(r == 0 && be64_at(P, A_OUT) == sigbit(LX_SIGUSR1), "rt_sigpending big-endian");

    fill(P, A_OUT, 0xee, 128);
    r = sys(P, "rt_sigtimedwait", A_ARGS, A_OUT, 0, 8, 0);
    CHECK(r == LX_SIGUSR1, "rt_sigtimedwait = %lld", (long long)r);
    CHECK(bytes_are(P, A_OUT, in, 32), "the queued siginfo, big-endian (SI_QUEUE, si_value)");

    /* a kill()'d signal: SI_USER with si_pid/si_uid */
    sys(P, "kill", (u64)P->tg->tgid, LX_SIGUSR1, 0, 0, 0);
    fill(P, A_OUT, 0xee, 128);
    r = sys(P, "rt_sigtimedwait", A_ARGS, A_OUT, 0, 8, 0);
    u8 want[24] = {0};
    lx_put32(true, want + 0, LX_SIGUSR1);
    lx_put32(true, want + 8, LX_SI_USER);
    lx_put32(true, want + 16, (u32)P->tg->tgid);
    CHECK(r == LX_SIGUSR1 && bytes_are(P, A_OUT, want, 24), "SI_USER siginfo");

    /* the timeout: {0, 0} polls (EAGAIN); {0, 1e9} is EINVAL; {0, 1}
     * blocks (read little-endian it would be 2^56 ns: EINVAL) */
    const u64 zero[2] = {0, 0}, bad[2] = {0, 1000000000ULL}, one[2] = {0, 1};
    put_be64s(P, A_INT1, zero, 2);
    CHECK(sys(P, "rt_sigtimedwait", A_ARGS, 0, A_INT1, 8, 0) == -LX_EAGAIN, "{0,0}");
    put_be64s(P, A_INT1, bad, 2);
    CHECK(sys(P, "rt_sigtimedwait", A_ARGS, 0, A_INT1, 8, 0) == -LX_EINVAL, "{0,1e9}");
    put_be64s(P, A_INT1, one, 2);
    struct task *th = thread();
    r = th ? sys(th, "rt_sigtimedwait", A_ARGS, 0, A_INT1, 8, 0) : 0;
    CHECK(r == KM_BLOCKED, "{0,1} waits: %lld", (long long)r);
    fake_shutdown(&K);
}

/* waitid's siginfo for CLD_KILLED, CLD_STOPPED, CLD_CONTINUED; the SIGCHLD
 * siginfo (utime/stime at 32/40) taken with rt_sigtimedwait; wait4's
 * status and zeroed rusage. waitid stores only signo, errno, code, pid, uid
 * and status (kernel/exit.c sys_waitid): the padding at 12 and the bytes
 * from 28 keep the 0xee fill, as natively; rt_sigtimedwait copies it all. */
static void check_siginfo(int pid, int code, int status, bool by_waitid, const char *what)
{
    u8 si[48] = {0};
    if (by_waitid) {
        memset(si + 12, 0xee, 4);
        memset(si + 28, 0xee, sizeof si - 28);
    }
    lx_put32(true, si + 0, LX_SIGCHLD);
    lx_put32(true, si + 8, (u32)code);
    lx_put32(true, si + 16, (u32)pid);
    lx_put32(true, si + 24, (u32)status);
    CHECK(bytes_are(P, A_OUT, si, sizeof si), "%s siginfo", what);
}

static void test_waitid_cld_codes(void)
{
    boot();
    i64 pid = sys(P, "fork", 0, 0, 0, 0, 0);
    struct task *c = km_find_task(&K, (int)pid);
    const u64 wopt = LX_WSTOPPED | LX_WCONTINUED | LX_WEXITED | LX_WNOHANG;

    sys(P, "kill", (u64)pid, LX_SIGSTOP, 0, 0, 0);
    km_return_to_user(&K, c, 0); /* the child acts on SIGSTOP */
    fill(P, A_OUT, 0xee, 128);
    i64 r = sys(P, "waitid", LX_P_PID, (u64)pid, A_OUT, wopt, 0);
    CHECK(r == 0, "waitid stopped = %lld", (long long)r);
    check_siginfo((int)pid, LX_CLD_STOPPED, LX_SIGSTOP, true, "CLD_STOPPED");

    sys(P, "kill", (u64)pid, LX_SIGCONT, 0, 0, 0);
    fill(P, A_OUT, 0xee, 128);
    r = sys(P, "waitid", LX_P_PID, (u64)pid, A_OUT, wopt, 0);
    CHECK(r == 0, "waitid continued = %lld", (long long)r);
    check_siginfo((int)pid, LX_CLD_CONTINUED, LX_SIGCONT, true, "CLD_CONTINUED");

    put_be64(P, A_ARGS, sigbit(LX_SIGCHLD));
    sys(P, "rt_sigprocmask", LX_SIG_BLOCK, A_ARGS, 0, 8, 0);
    sys(P, "kill", (u64)pid, LX_SIGKILL, 0, 0, 0);
    km_return_to_user(&K, c, 0);
    fill(P, A_OUT, 0xee, 128);
    r = sys(P, "waitid", LX_P_PID, (u64)pid, A_OUT, LX_WEXITED | LX_WNOWAIT, 0);
    CHECK(r == 0, "waitid killed = %lld", (long long)r);
    check_siginfo((int)pid, LX_CLD_KILLED, LX_SIGKILL, true, "CLD_KILLED");

    /* the SIGCHLD the parent was sent: the same fields, utime/stime 0 */
    fill(P, A_OUT, 0xee, 128);
    r = sys(P, "rt_sigtimedwait", A_ARGS, A_OUT, 0, 8, 0);
    CHECK(r == LX_SIGCHLD, "rt_sigtimedwait SIGCHLD = %lld", (long long)r);
    check_siginfo((int)pid, LX_CLD_KILLED, LX_SIGKILL, false, "SIGCHLD (sigtimedwait)");

    fill(P, A_INT1, 0xee, 4);
    fill(P, A_BUF, 0xee, 144);
    r = sys(P, "wait4", (u64)pid, A_INT1, 0, A_BUF, 0);
    CHECK(r == pid, "wait4 = %lld", (long long)r);
    const u8 st[4] = {0, 0, 0, LX_SIGKILL};
    u8 zero[144] = {0};
    CHECK(bytes_are(P, A_INT1, st, 4) && bytes_are(P, A_BUF, zero, 144),
          "wait4 status (killed by 9) big-endian, rusage zeroed");
    fake_shutdown(&K);
}

/* sigaltstack: stack_t {void *ss_sp; int ss_flags; size_t ss_size}. */
static void test_sigaltstack(void)
{
    boot();
    u8 ss[24] = {0};
    lx_put64(true, ss, 0x30000);
    lx_put32(true, ss + 8, 0);
    lx_put64(true, ss + 16, 0x1000);
    poke(P, A_ARGS, ss, 24);
    i64 r = sys(P, "sigaltstack", A_ARGS, 0, 0, 0, 0);
    CHECK(r == 0, "sigaltstack = %lld", (long long)r);
    CHECK(P->altstack.sp == 0x30000 && P->altstack.size == 0x1000, "decoded big-endian");
    fill(P, A_OUT, 0xee, 24);
    r = sys(P, "sigaltstack", 0, A_OUT, 0, 0, 0);
    CHECK(r == 0 && bytes_are(P, A_OUT, ss, 24), "old stack_t big-endian (pad zero)");
    lx_put64(true, ss + 16, 2047); /* below s390x's MINSIGSTKSZ (2048) */
    poke(P, A_ARGS, ss, 24);
    CHECK(sys(P, "sigaltstack", A_ARGS, 0, 0, 0, 0) == -LX_ENOMEM, "2047 bytes: ENOMEM");
    lx_put32(true, ss + 8, LX_SS_DISABLE);
    poke(P, A_ARGS, ss, 24);
    CHECK(sys(P, "sigaltstack", A_ARGS, 0, 0, 0, 0) == 0, "SS_DISABLE read big-endian");
    fill(P, A_OUT, 0xee, 24);
    sys(P, "sigaltstack", 0, A_OUT, 0, 0, 0);
    CHECK(be32_at(P, A_OUT + 8) == LX_SS_DISABLE && be64_at(P, A_OUT + 16) == 0, "disabled");
    fake_shutdown(&K);
}

/* setitimer/getitimer: itimerval {interval {sec, usec}, value {sec, usec}}. */
static void test_itimers(void)
{
    boot();
    const u64 nv[4] = {1, 500000, 2, 250000};
    put_be64s(P, A_ARGS, nv, 4);
    fill(P, A_OUT, 0xee, 32);
    i64 r = sys(P, "setitimer", 0, A_ARGS, A_OUT, 0, 0);
    CHECK(r == 0, "setitimer = %lld", (long long)r);
    const u8 zero[32] = {0};
    CHECK(bytes_are(P, A_OUT, zero, 32), "old value: disarmed");
    CHECK(P->tg->itimer_interval_ns == 1500000000ULL, "interval decoded big-endian");
    fill(P, A_OUT, 0xee, 32);
    r = sys(P, "getitimer", 0, A_OUT, 0, 0, 0);
    u8 want[32];
    for (int i = 0; i < 4; i++)
        lx_put64(true, want + 8 * i, nv[i]);
    CHECK(r == 0 && bytes_are(P, A_OUT, want, 32), "getitimer big-endian (no time passed)");
    fake_shutdown(&K);
}

/* time() has no s390x syscall (64-bit s390 never had one): its handler is
 * called directly with the s390x task. */
static i64 call_handler(const struct km_sys_entry *tab, enum lx_sysno n, u64 a0)
{
    const u64 a[6] = {a0, 0, 0, 0, 0, 0};
    for (const struct km_sys_entry *e = tab; e->sysno != LX_SYS_NONE; e++)
        if (e->sysno == n) return e->fn(&K, P, a);
    abort();
}

static void test_clocks(void)
{
    boot();
    K.now_ns = 1234567891ULL; /* 1.234567891 s after boot */
    u64 real = KM_REALTIME_EPOCH_NS + K.now_ns;
    fill(P, A_OUT, 0xee, 16);
    fill(P, A_INT1, 0xee, 8);
    i64 r = sys(P, "gettimeofday", A_OUT, A_INT1, 0, 0, 0);
    u8 tv[16];
    lx_put64(true, tv, real / 1000000000ULL);
    lx_put64(true, tv + 8, real % 1000000000ULL / 1000);
    const u8 tz[8] = {0};
    CHECK(r == 0 && bytes_are(P, A_OUT, tv, 16), "timeval {sec, usec} big-endian");
    CHECK(bytes_are(P, A_INT1, tz, 8), "timezone zero");

    fill(P, A_OUT, 0xee, 8);
    r = call_handler(km_sys_misc, LX_SYS_time, A_OUT);
    CHECK(r == (i64)(real / 1000000000ULL) && bytes_are(P, A_OUT, tv, 8), "time() = %lld",
          (long long)r);

    fill(P, A_OUT, 0xee, 16);
    r = sys(P, "clock_getres", LX_CLOCK_MONOTONIC, A_OUT, 0, 0, 0);
    u8 res[16];
    lx_put64(true, res, 0);
    lx_put64(true, res + 8, 1);
    CHECK(r == 0 && bytes_are(P, A_OUT, res, 16), "clock_getres {0, 1}");

    /* futex's relative timeout: {0, 1e9} EINVAL, {0, 1} waits */
    const u64 bad[2] = {0, 1000000000ULL}, one[2] = {0, 1};
    u8 w[4] = {0};
    poke(P, A_INT2, w, 4);
    put_be64s(P, A_ARGS, bad, 2);
    r = sys(P, "futex", A_INT2, LX_FUTEX_WAIT, 0, A_ARGS, 0);
    CHECK(r == -LX_EINVAL, "futex timeout {0,1e9} = %lld", (long long)r);
    put_be64s(P, A_ARGS, one, 2);
    r = sys(P, "futex", A_INT2, LX_FUTEX_WAIT, 0, A_ARGS, 0);
    CHECK(r == KM_BLOCKED, "futex timeout {0,1} waits: %lld", (long long)r);
    fake_shutdown(&K);
}

/* sched_getaffinity's unsigned long mask, getcpu's two ints, prctl's
 * names and ints, rt_sigsuspend's mask. */
static void test_sched_prctl_sigsuspend(void)
{
    boot();
    fill(P, A_OUT, 0xee, 16);
    i64 r = sys(P, "sched_getaffinity", 0, 16, A_OUT, 0, 0);
    const u8 mask[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    CHECK(r == 8 && bytes_are(P, A_OUT, mask, 8), "affinity: CPU 0 is bit 0 of a BE long");

    fill(P, A_INT1, 0xee, 8);
    fill(P, A_INT2, 0xee, 8);
    r = sys(P, "getcpu", A_INT1, A_INT2, 0, 0, 0);
    const u8 cpu[8] = {0, 0, 0, 0, 0xee, 0xee, 0xee, 0xee};
    CHECK(r == 0 && bytes_are(P, A_INT1, cpu, 8) && bytes_are(P, A_INT2, cpu, 8),
          "getcpu: one int each");

    r = sys(P, "prctl", 15 /* PR_SET_NAME */, put_str(P, A_PATH, "a-long-thread-name"), 0, 0, 0);
    fill(P, A_OUT, 0xee, 20);
    r = r ? r : sys(P, "prctl", 16 /* PR_GET_NAME */, A_OUT, 0, 0, 0);
    u8 name[17] = "a-long-thread-n";
    name[16] = 0xee;
    CHECK(r == 0 && bytes_are(P, A_OUT, name, 17), "PR_GET_NAME: 16 bytes, NUL-terminated");
    sys(P, "prctl", 36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0);
    fill(P, A_INT1, 0xee, 4);
    r = sys(P, "prctl", 37 /* PR_GET_CHILD_SUBREAPER */, A_INT1, 0, 0, 0);
    const u8 one[4] = {0, 0, 0, 1};
    CHECK(r == 0 && bytes_are(P, A_INT1, one, 4), "PR_GET_CHILD_SUBREAPER big-endian int");

    struct task *th = thread();
    put_be64(P, A_ARGS, sigbit(LX_SIGUSR2));
    r = th ? sys(th, "rt_sigsuspend", A_ARGS, 8, 0, 0, 0) : 0;
    CHECK(r == KM_BLOCKED && th->blocked == sigbit(LX_SIGUSR2), "sigsuspend mask big-endian");
    fake_shutdown(&K);
}

/* clone3's set_tid: an array of big-endian ints. */
static void test_clone3_set_tid(void)
{
    boot();
    u8 want_pid[4];
    lx_put32(true, want_pid, 4321);
    poke(P, A_INT1, want_pid, 4);
    const u64 args[11] = {0, 0, 0, 0, LX_SIGCHLD, 0, 0, 0, A_INT1, 1, 0};
    put_be64s(P, A_ARGS, args, 11);
    i64 pid = sys(P, "clone3", A_ARGS, 88, 0, 0, 0);
    CHECK(pid == 4321, "clone3 set_tid {4321} = %lld", (long long)pid);
    fake_shutdown(&K);
}

/* execve's argv/envp: arrays of big-endian pointers. The fake exec_load
 * records what the model decoded and refuses. */
static char exec_seen[256];
static int record_exec(void *ctx, struct task *t, const char *host_path, char *const argv[],
                       char *const envp[], struct mm **mm_out)
{
    (void)ctx, (void)t, (void)mm_out;
    size_t n = (size_t)snprintf(exec_seen, sizeof exec_seen, "%s:", host_path);
    for (int i = 0; argv[i] && n < sizeof exec_seen; i++)
        n += (size_t)snprintf(exec_seen + n, sizeof exec_seen - n, " %s", argv[i]);
    for (int i = 0; envp[i] && n < sizeof exec_seen; i++)
        n += (size_t)snprintf(exec_seen + n, sizeof exec_seen - n, " [%s]", envp[i]);
    return -LX_ENOEXEC;
}

static void test_execve_vectors(void)
{
    boot();
    struct km_host h = *K.host;
    h.exec_load = record_exec;
    K.host = &h;
    put_str(P, A_BUF, "prog");
    put_str(P, A_BUF + 16, "arg1");
    put_str(P, A_BUF + 32, "K=V");
    const u64 argv[3] = {A_BUF, A_BUF + 16, 0}, envp[2] = {A_BUF + 32, 0};
    put_be64s(P, A_ARGS, argv, 3);
    put_be64s(P, A_ARGS + 64, envp, 2);
    exec_seen[0] = '\0';
    i64 r = sys(P, "execve", put_str(P, A_PATH, "/etc/a"), A_ARGS, A_ARGS + 64, 0, 0);
    CHECK(r == -LX_ENOEXEC, "execve = %lld", (long long)r);
    CHECK(!strcmp(exec_seen, "/etc/a: prog arg1 [K=V]"), "decoded: %s", exec_seen);
    fake_shutdown(&K);
}

int main(void)
{
    test_sigqueueinfo_sigtimedwait();
    test_waitid_cld_codes();
    test_sigaltstack();
    test_itimers();
    test_clocks();
    test_sched_prctl_sigsuspend();
    test_clone3_set_tid();
    test_execve_vectors();
    return check_report("test_bigendian_sig");
}
