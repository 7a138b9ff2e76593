/* The small syscalls: uname and host names, clocks and sleeps, affinity,
 * resource limits, getrandom, sysinfo, signal-handling *state* (actions,
 * mask, alternate stack; delivery lives with the signal code), alarm,
 * arch_prctl, prctl, credentials ids and process groups / sessions.
 *
 * Time is the model's virtual clock: CLOCK_MONOTONIC (and RAW, COARSE,
 * BOOTTIME) = k->now_ns; CLOCK_REALTIME = KM_REALTIME_EPOCH_NS + now. The
 * CPU-time clocks also read now (the model keeps no per-task CPU time), so
 * they are monotonic and deterministic but count all tasks' time. */
#include <stdio.h>
#include <stdlib.h>

#include "kernel-model/futex.h"
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "kernel-model/sys.h"

#define NS_PER_SEC                1000000000ULL
#define LX_UTS_LEN                65
#define LX_RLIM_INF               (~0ULL)
#define LX_NR_OPEN                1048576ULL /* fs.nr_open default: the NOFILE hard cap */
#define LX_RLIMIT_STACK           3
#define LX_RLIMIT_CORE            4
#define LX_RLIMIT_NPROC           6
#define LX_RLIMIT_NOFILE          7
#define LX_RLIM_NLIMITS           16
#define LX_GRND_NONBLOCK          1
#define LX_GRND_RANDOM            2
#define LX_GRND_INSECURE          4
#define LX_ARCH_SET_GS            0x1001
#define LX_ARCH_SET_FS            0x1002
#define LX_ARCH_GET_FS            0x1003
#define LX_ARCH_GET_GS            0x1004
#define LX_PR_SET_PDEATHSIG       1
#define LX_PR_GET_PDEATHSIG       2
#define LX_PR_GET_DUMPABLE        3
#define LX_PR_SET_DUMPABLE        4
#define LX_PR_SET_NAME            15
#define LX_PR_GET_NAME            16
#define LX_PR_SET_CHILD_SUBREAPER 36
#define LX_PR_GET_CHILD_SUBREAPER 37
#define LX_CLOCK_TAI              11
#define LX_EM_X86_64              62

/* --- small helpers ------------------------------------------------------ */

static int misc_put_u64(struct task *t, u64 addr, u64 v)
{
    u8 b[8];
    lx_put64(km_guest_be(t), b, v);
    return mm_write(t->mm, addr, b, 8) ? -LX_EFAULT : 0;
}

static int misc_put_u32(struct task *t, u64 addr, u32 v)
{
    u8 b[4];
    lx_put32(km_guest_be(t), b, v);
    return mm_write(t->mm, addr, b, 4) ? -LX_EFAULT : 0;
}

/* Two u64 fields at addr (struct timespec, timeval, rlimit). */
static int misc_put_pair(struct task *t, u64 addr, u64 a, u64 b)
{
    u8 buf[16];
    lx_put64(km_guest_be(t), buf, a);
    lx_put64(km_guest_be(t), buf + 8, b);
    return mm_write(t->mm, addr, buf, 16) ? -LX_EFAULT : 0;
}

static int misc_get_pair(struct task *t, u64 addr, u64 *a, u64 *b)
{
    u8 buf[16];
    if (mm_read(t->mm, addr, buf, 16)) return -LX_EFAULT;
    *a = lx_get64(km_guest_be(t), buf);
    *b = lx_get64(km_guest_be(t), buf + 8);
    return 0;
}

static int misc_put_timespec(struct task *t, u64 addr, u64 ns)
{
    return misc_put_pair(t, addr, ns / NS_PER_SEC, ns % NS_PER_SEC);
}

/* A struct timespec as ns: -LX_EINVAL for negative or nsec >= 1e9;
 * saturates at UINT64_MAX. */
static int misc_get_timespec(struct task *t, u64 addr, u64 *ns)
{
    u64 sec, nsec;
    if (misc_get_pair(t, addr, &sec, &nsec)) return -LX_EFAULT;
    if ((i64)sec < 0 || nsec >= NS_PER_SEC) return -LX_EINVAL;
    *ns = sec > (UINT64_MAX - nsec) / NS_PER_SEC ? UINT64_MAX : sec * NS_PER_SEC + nsec;
    return 0;
}

static u64 misc_realtime(const struct km *k)
{
    return KM_REALTIME_EPOCH_NS + k->now_ns;
}

/* The task pid names (0: the caller), or NULL. */
static struct task *misc_task_of(struct km *k, struct task *t, int pid)
{
    return pid == 0 ? t : km_find_task_vnr(k, t, pid);
}

/* CAP_SYS_RESOURCE in the initial user namespace (raising a hard limit). */
static bool misc_is_admin(const struct task *t)
{
    return t->cred && km_capable(t->cred, LX_CAP_SYS_RESOURCE);
}

/* --- uname, sethostname, setdomainname ---------------------------------- */

static i64 sys_uname(struct km *k, struct task *t, const u64 a[6])
{
    char u[6][LX_UTS_LEN];
    const struct uts_ns *uts = km_uts(t);
    memset(u, 0, sizeof u);
    snprintf(u[0], LX_UTS_LEN, "Linux");
    snprintf(u[1], LX_UTS_LEN, "%s",
             uts ? uts->nodename : (k->opt.hostname ? k->opt.hostname : "clonemu"));
    snprintf(u[2], LX_UTS_LEN, "6.18.0-clonemu");
    snprintf(u[3], LX_UTS_LEN, "#1 SMP clonemu");
    snprintf(u[4], LX_UTS_LEN, "%s", t->abi->name);
    snprintf(u[5], LX_UTS_LEN, "%s", uts && uts->domainname[0] ? uts->domainname : "(none)");
    return mm_write(t->mm, a[0], u, sizeof u) ? -LX_EFAULT : 0;
}

/* Write name into the caller's uts namespace (dst is 65 bytes). */
static i64 misc_set_uts_name(struct task *t, u64 addr, u64 len, bool domain)
{
    struct uts_ns *uts = km_uts(t);
    /* CAP_SYS_ADMIN over the owner of the uts namespace, before the length */
    if (!t->cred || !km_ns_capable(t->cred, uts ? uts->ns.owner : NULL, LX_CAP_SYS_ADMIN))
        return -LX_EPERM;
    if ((i64)len < 0 || len > LX_UTS_LEN - 1) return -LX_EINVAL;
    char buf[LX_UTS_LEN] = {0};
    if (mm_read(t->mm, addr, buf, (size_t)len)) return -LX_EFAULT;
    if (!uts) return -LX_EPERM; /* no uts namespace to change (not set up) */
    memcpy(domain ? uts->domainname : uts->nodename, buf, LX_UTS_LEN);
    return 0;
}

static i64 sys_sethostname(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return misc_set_uts_name(t, a[0], a[1], false);
}

static i64 sys_setdomainname(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return misc_set_uts_name(t, a[0], a[1], true);
}

/* --- clocks ------------------------------------------------------------- */

/* The value of clock clk in ns, or -LX_EINVAL. */
static int misc_clock_read(const struct km *k, int clk, u64 *ns)
{
    switch (clk) {
    case LX_CLOCK_REALTIME:
    case LX_CLOCK_REALTIME_COARSE:
    case LX_CLOCK_TAI: /* TAI offset 0, as a kernel nobody set it on */
        *ns = misc_realtime(k);
        return 0;
    case LX_CLOCK_MONOTONIC:
    case LX_CLOCK_MONOTONIC_RAW:
    case LX_CLOCK_MONOTONIC_COARSE:
    case LX_CLOCK_BOOTTIME:
    case LX_CLOCK_PROCESS_CPUTIME_ID: /* no per-task CPU time: see the top */
    case LX_CLOCK_THREAD_CPUTIME_ID: *ns = k->now_ns; return 0;
    default: return -LX_EINVAL; /* including the negative per-pid CPU clocks */
    }
}

static i64 sys_clock_gettime(struct km *k, struct task *t, const u64 a[6])
{
    u64 ns;
    int err = misc_clock_read(k, (int)a[0], &ns);
    return err ? err : misc_put_timespec(t, a[1], ns + (u64)timens_offset(t, (int)a[0]));
}

static i64 sys_clock_getres(struct km *k, struct task *t, const u64 a[6])
{
    u64 ns;
    int err = misc_clock_read(k, (int)a[0], &ns);
    if (err || !a[1]) return err;
    return misc_put_timespec(t, a[1], 1); /* every virtual clock ticks in ns */
}

static i64 sys_gettimeofday(struct km *k, struct task *t, const u64 a[6])
{
    u64 ns = misc_realtime(k);
    if (a[0] && misc_put_pair(t, a[0], ns / NS_PER_SEC, ns % NS_PER_SEC / 1000)) return -LX_EFAULT;
    if (a[1] && misc_put_u64(t, a[1], 0)) /* struct timezone {int, int}: UTC, no DST */
        return -LX_EFAULT;
    return 0;
}

static i64 sys_time(struct km *k, struct task *t, const u64 a[6])
{
    u64 sec = misc_realtime(k) / NS_PER_SEC;
    if (a[0] && misc_put_u64(t, a[0], sec)) return -LX_EFAULT;
    return (i64)sec;
}

/* Sleep until the monotonic deadline: completes with 0 when it passes
 * (the model's timeout path). A deadline already due returns at once, but
 * ends the time slice so a sleep(0) loop lets other tasks run. A signal
 * re-runs the call (t->psys.active): the remaining time goes to rem (if
 * given) and the call is interrupted (-ERESTART_RESTARTBLOCK, or
 * -ERESTARTNOHAND for an absolute sleep), as hrtimer_nanosleep does. */
static i64 misc_sleep_until(struct km *k, struct task *t, u64 deadline, u64 rem, bool abs)
{
    if (t->psys.active) { /* re-run after a signal woke us */
        deadline = t->psys.deadline_ns;
        if (deadline <= k->now_ns) return 0;
        if (abs) return -LX_ERESTARTNOHAND;
        if (rem && misc_put_timespec(t, rem, deadline - k->now_ns)) return -LX_EFAULT;
        return -LX_ERESTART_RESTARTBLOCK;
    }
    if (deadline <= k->now_ns) {
        k->need_resched = true;
        return 0;
    }
    return km_block(k, t, KM_WAIT_SLEEP, 0, deadline, 0);
}

static u64 misc_add_sat(u64 a, u64 b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static i64 sys_nanosleep(struct km *k, struct task *t, const u64 a[6])
{
    u64 ns;
    int err = misc_get_timespec(t, a[0], &ns);
    return err ? err : misc_sleep_until(k, t, misc_add_sat(k->now_ns, ns), a[1], false);
}

/* clock_nanosleep(clk, flags, req, rem): returns -errno like the syscall
 * (glibc turns it into a positive result). */
static i64 sys_clock_nanosleep(struct km *k, struct task *t, const u64 a[6])
{
    int clk = (int)a[0];
    bool realtime = clk == LX_CLOCK_REALTIME || clk == LX_CLOCK_TAI;
    if (clk == LX_CLOCK_THREAD_CPUTIME_ID) return -LX_EINVAL;
    if (!realtime && clk != LX_CLOCK_MONOTONIC && clk != LX_CLOCK_BOOTTIME &&
        clk != LX_CLOCK_PROCESS_CPUTIME_ID) {
        u64 dummy;
        return misc_clock_read(k, clk, &dummy) ? -LX_EINVAL : -LX_EOPNOTSUPP; /* no nsleep */
    }
    u64 ns;
    int err = misc_get_timespec(t, a[2], &ns);
    if (err) return err;
    if (!(a[1] & LX_TIMER_ABSTIME))
        return misc_sleep_until(k, t, misc_add_sat(k->now_ns, ns), a[3], false);
    if (realtime) ns = ns > KM_REALTIME_EPOCH_NS ? ns - KM_REALTIME_EPOCH_NS : 0;
    i64 off = timens_offset(t, clk); /* timens_ktime_to_host */
    if (off) ns = off > 0 && (u64)off > ns ? 0 : ns - (u64)off;
    return misc_sleep_until(k, t, ns, 0, true);
}

/* --- scheduling --------------------------------------------------------- */

static i64 sys_sched_yield(struct km *k, struct task *t, const u64 a[6])
{
    (void)t;
    (void)a;
    k->need_resched = true;
    return 0;
}

/* One modelled CPU: an 8-byte cpumask with CPU 0; returns the bytes
 * written, as the raw syscall does. */
static i64 sys_sched_getaffinity(struct km *k, struct task *t, const u64 a[6])
{
    if (a[1] < 8 || (a[1] & 7)) return -LX_EINVAL;
    if (!misc_task_of(k, t, (int)a[0])) return -LX_ESRCH;
    return misc_put_u64(t, a[2], 1) ? -LX_EFAULT : 8;
}

static i64 sys_getcpu(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    if (a[0] && misc_put_u32(t, a[0], 0)) return -LX_EFAULT;
    if (a[1] && misc_put_u32(t, a[1], 0)) return -LX_EFAULT;
    return 0;
}

/* --- resource limits ------------------------------------------------------ */

/* The tgroup field of a limit's soft value: the ones the model enforces
 * have their own, the others are only kept. */
u64 *misc_rlim_field(struct tgroup *tg, int res)
{
    switch (res) {
    case LX_RLIMIT_NOFILE: return &tg->rlim_nofile;
    case LX_RLIMIT_NPROC: return &tg->rlim_nproc;
    case LX_RLIMIT_STACK: return &tg->rlim_stack;
    case LX_RLIMIT_CORE: return &tg->rlim_core;
    default: return &tg->rlim_soft[res];
    }
}

/* The core of prlimit64/getrlimit/setrlimit: old limit to old_addr (if
 * set), then the new one from new_addr (if set). */
static i64 misc_prlimit(struct km *k, struct task *t, int pid, int res, u64 new_addr, u64 old_addr)
{
    if (res < 0 || res >= LX_RLIM_NLIMITS) return -LX_EINVAL;
    struct task *p = misc_task_of(k, t, pid);
    if (!p || !p->tg) return -LX_ESRCH;
    u64 *field = misc_rlim_field(p->tg, res);
    u64 cur = 0, max = 0;
    bool set = new_addr != 0;
    if (set) {
        if (misc_get_pair(t, new_addr, &cur, &max)) return -LX_EFAULT;
        /* do_prlimit: EINVAL, then EPERM to raise the hard limit without
         * CAP_SYS_RESOURCE, and for NOFILE above fs.nr_open whoever asks */
        if (cur > max) return -LX_EINVAL;
        if (res == LX_RLIMIT_NOFILE && max > LX_NR_OPEN) return -LX_EPERM;
        if (max > p->tg->rlim_hard[res] && !misc_is_admin(t)) return -LX_EPERM;
    }
    if (old_addr && misc_put_pair(t, old_addr, *field, p->tg->rlim_hard[res])) return -LX_EFAULT;
    if (set) {
        *field = cur;
        p->tg->rlim_hard[res] = max;
        /* the stack's growth is bounded by the soft limit of the moment */
        if (res == LX_RLIMIT_STACK && p->mm) p->mm->stack_limit = cur == LX_RLIM_INF ? 0 : cur;
    }
    return 0;
}

static i64 sys_prlimit64(struct km *k, struct task *t, const u64 a[6])
{
    return misc_prlimit(k, t, (int)a[0], (int)a[1], a[2], a[3]);
}

static i64 sys_getrlimit(struct km *k, struct task *t, const u64 a[6])
{
    if (!a[1]) return -LX_EFAULT;
    return misc_prlimit(k, t, 0, (int)a[0], 0, a[1]);
}

static i64 sys_setrlimit(struct km *k, struct task *t, const u64 a[6])
{
    if (!a[1]) return -LX_EFAULT;
    return misc_prlimit(k, t, 0, (int)a[0], a[1], 0);
}

/* --- getrandom, sysinfo ---------------------------------------------- */

/* Deterministic bytes from the seeded generator (DESIGN.md rule 5). */
static i64 sys_getrandom(struct km *k, struct task *t, const u64 a[6])
{
    u64 flags = a[2], len = a[1], done = 0;
    if (flags & ~(u64)(LX_GRND_NONBLOCK | LX_GRND_RANDOM | LX_GRND_INSECURE)) return -LX_EINVAL;
    if ((flags & LX_GRND_INSECURE) && (flags & LX_GRND_RANDOM)) return -LX_EINVAL;
    if (len > 0x1ffffffULL) len = 0x1ffffffULL; /* MAX_RW_COUNT-like cap: a short read */
    while (done < len) {
        /* whole words, little-endian whatever the guest: the same bytes
         * as one byte at a time, in a few host instructions each (a guest
         * may ask for 32 MiB a call) */
        u8 buf[4096];
        u64 n = len - done < sizeof buf ? len - done : sizeof buf;
        u64 i = 0;
        for (; i + 8 <= n; i += 8)
            lx_put64(false, buf + i, km_rand(k));
        if (i < n) {
            u8 last[8];
            lx_put64(false, last, km_rand(k));
            memcpy(buf + i, last, (size_t)(n - i));
        }
        if (mm_write(t->mm, a[0] + done, buf, (size_t)n)) {
            /* as copy_to_user: every byte before the first unwritable page */
            for (u64 o = 0; o < n;) {
                u64 at = a[0] + done + o, piece = LX_PAGE_SIZE - (at & (LX_PAGE_SIZE - 1));
                if (piece > n - o) piece = n - o;
                if (mm_write(t->mm, at, buf + o, (size_t)piece)) break;
                o += piece;
                done += piece;
            }
            return done ? (i64)done : -LX_EFAULT;
        }
        done += n;
    }
    return (i64)done;
}

/* struct sysinfo on 64-bit (112 bytes), written at explicit offsets. */
static i64 sys_sysinfo(struct km *k, struct task *t, const u64 a[6])
{
    bool be = km_guest_be(t);
    u8 b[112] = {0};
    int procs = 0;
    for (const struct task *p = k->tasks; p; p = p->all_next)
        procs += p->state < TASK_ZOMBIE;
    lx_put64(be, b + 0, k->now_ns / NS_PER_SEC + (k->now_ns % NS_PER_SEC != 0)); /* uptime */
    lx_put64(be, b + 32, 4ULL << 30);                                            /* totalram */
    lx_put64(be, b + 40, 3ULL << 30);                                            /* freeram */
    lx_put16(be, b + 80, (u16)(procs > 0xffff ? 0xffff : procs));
    lx_put32(be, b + 104, 1); /* mem_unit */
    return mm_write(t->mm, a[0], b, sizeof b) ? -LX_EFAULT : 0;
}

/* --- signal state ------------------------------------------------------ */

#define MISC_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))

/* POSIX: setting a pending signal to be ignored discards it, in every
 * thread of the group. */
static void misc_flush_ignored(struct task *t, int sig)
{
    u64 bit = LX_SIGBIT(sig);
    if (t->tg) {
        t->tg->shared_pending &= ~bit;
        for (struct task *p = t->tg->threads; p; p = p->tg_next)
            p->pending &= ~bit;
    }
    t->pending &= ~bit;
}

/* rt_sigaction(sig, act, oact, sigsetsize): kernel struct sigaction is
 * {handler, flags, restorer, mask} on x86-64, aarch64 and s390x (glibc
 * defines SA_RESTORER for them) and {handler, flags, mask} where the arch
 * has no sa_restorer (ia64: km_abi.sigaction_no_restorer; its handler is a
 * function descriptor pointer, stored as is). State only. */
static i64 sys_rt_sigaction(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    int sig = (int)a[0];
    bool be = km_guest_be(t);
    if (a[3] != 8) return -LX_EINVAL;
    if (sig < 1 || sig > LX_NSIG) return -LX_EINVAL;
    if (a[1] && (sig == LX_SIGKILL || sig == LX_SIGSTOP)) return -LX_EINVAL;
    if (!t->sighand) abort(); /* every task has a sighand from creation */
    struct lx_sigaction *cur = &t->sighand->action[sig - 1], old = *cur;
    const bool restorer = !t->abi->sigaction_no_restorer;
    const size_t mask_off = restorer ? 24 : 16, size = mask_off + 8;
    if (a[1]) {
        u8 b[32];
        if (mm_read(t->mm, a[1], b, size)) return -LX_EFAULT;
        cur->handler = lx_get64(be, b);
        cur->flags = lx_get64(be, b + 8);
        cur->restorer = restorer ? lx_get64(be, b + 16) : 0;
        cur->mask = lx_get64(be, b + mask_off) & ~MISC_UNBLOCKABLE;
        if (cur->handler == LX_SIG_IGN ||
            (cur->handler == LX_SIG_DFL && km_sig_default_ignored(sig)))
            misc_flush_ignored(t, sig);
    }
    if (a[2]) {
        u8 b[32];
        lx_put64(be, b, old.handler);
        lx_put64(be, b + 8, old.flags);
        if (restorer) lx_put64(be, b + 16, old.restorer);
        lx_put64(be, b + mask_off, old.mask);
        if (mm_write(t->mm, a[2], b, size)) return -LX_EFAULT;
    }
    return 0;
}

static i64 sys_rt_sigprocmask(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    if (a[3] != 8) return -LX_EINVAL;
    u64 old = t->blocked;
    if (a[1]) {
        u8 b[8];
        if (mm_read(t->mm, a[1], b, 8)) return -LX_EFAULT;
        u64 set = lx_get64(km_guest_be(t), b) & ~MISC_UNBLOCKABLE;
        switch ((int)a[0]) {
        case LX_SIG_BLOCK: t->blocked |= set; break;
        case LX_SIG_UNBLOCK: t->blocked &= ~set; break;
        case LX_SIG_SETMASK: t->blocked = set; break;
        default: return -LX_EINVAL;
        }
    }
    if (a[2] && misc_put_u64(t, a[2], old)) return -LX_EFAULT;
    return 0;
}

/* alarm(sec): the previous alarm's remaining seconds (rounded to nearest,
 * at least 1 while armed, as Linux); the scheduler fires SIGALRM. */
static i64 sys_alarm(struct km *k, struct task *t, const u64 a[6])
{
    u32 sec = (u32)a[0];
    u64 old = t->tg->alarm_deadline_ns, left = 0;
    if (old > k->now_ns) {
        u64 rem = old - k->now_ns;
        left = rem / NS_PER_SEC + (rem % NS_PER_SEC >= NS_PER_SEC / 2);
        if (!left) left = 1;
    }
    km_tg_set_alarm(k, t->tg, sec ? k->now_ns + (u64)sec * NS_PER_SEC : 0);
    t->tg->itimer_interval_ns = 0; /* alarm() is a one-shot ITIMER_REAL */
    return (i64)left;
}

/* --- arch_prctl, prctl, rseq, membarrier ---------------------------------- */

static i64 sys_arch_prctl(struct km *k, struct task *t, const u64 a[6])
{
    if (t->abi->elf_machine != LX_EM_X86_64) return -LX_EINVAL;
    switch ((int)a[0]) {
    case LX_ARCH_SET_FS:
        if (a[1] >= t->abi->task_size) return -LX_EPERM;
        if (k->host && k->host->cpu_set_tls) {
            int err = k->host->cpu_set_tls(k->host->ctx, t, a[1]);
            if (err) return err;
        }
        t->tls = a[1];
        return 0;
    case LX_ARCH_GET_FS: {
        u64 fs = k->host && k->host->cpu_get_tls ? k->host->cpu_get_tls(k->host->ctx, t) : t->tls;
        return misc_put_u64(t, a[1], fs);
    }
    default: return -LX_EINVAL; /* ARCH_SET_GS/GET_GS and the rest: not modelled */
    }
}

/* PR_SET_CHILD_SUBREAPER: every descendant process learns it has a
 * subreaper above it (Linux's propagate_has_child_subreaper). */
static void misc_mark_has_subreaper(struct task *p, int depth)
{
    if (depth > 4096) abort(); /* a cycle in the task tree is a model bug */
    for (struct task *c = p->children; c; c = c->sibling) {
        if (c->tg) c->tg->has_child_subreaper = true;
        misc_mark_has_subreaper(c, depth + 1);
    }
}

static i64 sys_prctl(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    i64 r = cap_prctl(t, (int)a[0], a); /* security_task_prctl comes first */
    if (r != -LX_ENOSYS) return r;
    switch ((int)a[0]) {
    case LX_PR_SET_NAME: {
        char name[16] = {0};
        for (int i = 0; i < 15; i++) { /* truncates silently, as Linux */
            if (mm_read(t->mm, a[1] + (u64)i, &name[i], 1)) return -LX_EFAULT;
            if (!name[i]) break;
        }
        memcpy(t->comm, name, sizeof name);
        return 0;
    }
    case LX_PR_GET_NAME: {
        char name[16] = {0};
        memcpy(name, t->comm, 15);
        return mm_write(t->mm, a[1], name, sizeof name) ? -LX_EFAULT : 0;
    }
    case LX_PR_SET_CHILD_SUBREAPER:
        t->tg->is_child_subreaper = a[1] != 0;
        if (a[1])
            for (struct task *p = t->tg->threads; p; p = p->tg_next)
                misc_mark_has_subreaper(p, 0);
        return 0;
    case LX_PR_GET_CHILD_SUBREAPER: return misc_put_u32(t, a[1], t->tg->is_child_subreaper);
    case LX_PR_SET_PDEATHSIG:
        /* validated but not modelled: no signal is sent at parent death */
        return a[1] > LX_NSIG ? -LX_EINVAL : 0;
    case LX_PR_GET_PDEATHSIG: return misc_put_u32(t, a[1], 0);
    case LX_PR_GET_DUMPABLE: return t->mm ? t->mm->dumpable : 0;
    case LX_PR_SET_DUMPABLE: /* SUID_DUMP_DISABLE or SUID_DUMP_USER */
        if (a[1] > 1) return -LX_EINVAL;
        if (t->mm) t->mm->dumpable = (u8)a[1];
        return 0;
    default: return -LX_EINVAL;
    }
}

static i64 sys_rseq(struct km *k, struct task *t, const u64 a[6])
{
    (void)k, (void)t, (void)a;
    return -LX_ENOSYS; /* glibc falls back to no rseq */
}

static i64 sys_membarrier(struct km *k, struct task *t, const u64 a[6])
{
    (void)k, (void)t, (void)a;
    return 0; /* one host thread runs every task: every barrier is a no-op */
}

/* --- ids, process groups, sessions --------------------------------------- */

static i64 sys_getpgid(struct km *k, struct task *t, const u64 a[6])
{
    struct task *p = misc_task_of(k, t, (int)a[0]);
    return p && p->tg ? km_pid_global_to_vnr(k, t, p->tg->pgid) : -LX_ESRCH;
}

static i64 sys_getpgrp(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    return km_pid_global_to_vnr(k, t, t->tg->pgid);
}

static i64 sys_getsid(struct km *k, struct task *t, const u64 a[6])
{
    struct task *p = misc_task_of(k, t, (int)a[0]);
    return p && p->tg ? km_pid_global_to_vnr(k, t, p->tg->sid) : -LX_ESRCH;
}

/* Does a process group pgid exist in session sid? */
static bool misc_pgrp_in_session(struct km *k, int pgid, int sid)
{
    for (const struct task *p = k->tasks; p; p = p->all_next)
        if (p->state != TASK_DEAD && p->tg && p->tg->pgid == pgid && p->tg->sid == sid) return true;
    return false;
}

/* setpgid(pid, pgid) with Linux's rules (did-exec EACCES not modelled). */
static i64 sys_setpgid(struct km *k, struct task *t, const u64 a[6])
{
    int pid = (int)a[0], pgid = (int)a[1];
    if (pgid < 0) return -LX_EINVAL;
    /* numbers in the caller's pid namespace; groups are kept by global id */
    struct task *p = pid ? km_find_task_vnr(k, t, pid) : t;
    if (p) pid = p->tid;
    pgid = pgid ? km_pid_vnr_to_global(k, t, pgid) : pid;
    if (!p || !p->tg) return -LX_ESRCH;
    if (p->tg->leader != p) return -LX_EINVAL; /* only a thread group leader names a process */
    if (p->real_parent && p->real_parent->tg == t->tg) {
        if (p->tg->sid != t->tg->sid) return -LX_EPERM; /* a child in another session */
    } else if (p->tg != t->tg) {
        return -LX_ESRCH; /* neither the caller nor its child */
    }
    if (p->tg->sid == p->tg->tgid) return -LX_EPERM; /* a session leader cannot move */
    if (pgid != pid && !misc_pgrp_in_session(k, pgid, t->tg->sid))
        return -LX_EPERM; /* the group must exist in the caller's session */
    p->tg->pgid = pgid;
    return 0;
}

/* setsid: fails while any process's group is named by the caller's pid
 * (in particular when the caller leads its process group). */
static i64 sys_setsid(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    int id = t->tg->tgid;
    for (const struct task *p = k->tasks; p; p = p->all_next)
        if (p->state != TASK_DEAD && p->tg && p->tg->pgid == id) return -LX_EPERM;
    t->tg->sid = t->tg->pgid = id;
    return km_tgid_vnr(t, t);
}

const struct km_sys_entry km_sys_misc[] = {
    {LX_SYS_uname, sys_uname, "p"},
    {LX_SYS_sethostname, sys_sethostname, "pu"},
    {LX_SYS_setdomainname, sys_setdomainname, "pu"},
    {LX_SYS_clock_gettime, sys_clock_gettime, "dp"},
    {LX_SYS_clock_getres, sys_clock_getres, "dp"},
    {LX_SYS_gettimeofday, sys_gettimeofday, "pp"},
    {LX_SYS_time, sys_time, "p"},
    {LX_SYS_nanosleep, sys_nanosleep, "pp"},
    {LX_SYS_clock_nanosleep, sys_clock_nanosleep, "dxpp"},
    {LX_SYS_sched_yield, sys_sched_yield, ""},
    {LX_SYS_sched_getaffinity, sys_sched_getaffinity, "dup"},
    {LX_SYS_getcpu, sys_getcpu, "ppp"},
    {LX_SYS_prlimit64, sys_prlimit64, "ddpp"},
    {LX_SYS_getrlimit, sys_getrlimit, "dp"},
    {LX_SYS_setrlimit, sys_setrlimit, "dp"},
    {LX_SYS_getrandom, sys_getrandom, "pux"},
    {LX_SYS_sysinfo, sys_sysinfo, "p"},
    {LX_SYS_rt_sigaction, sys_rt_sigaction, "Sppu"},
    {LX_SYS_rt_sigprocmask, sys_rt_sigprocmask, "dppu"},
    {LX_SYS_alarm, sys_alarm, "u"},
    {LX_SYS_arch_prctl, sys_arch_prctl, "xx"},
    {LX_SYS_prctl, sys_prctl, "dxxxx"},
    {LX_SYS_rseq, sys_rseq, "puxx"},
    {LX_SYS_membarrier, sys_membarrier, "dxd"},
    {LX_SYS_getpgid, sys_getpgid, "d"},
    {LX_SYS_setpgid, sys_setpgid, "dd"},
    {LX_SYS_getpgrp, sys_getpgrp, ""},
    {LX_SYS_getsid, sys_getsid, "d"},
    {LX_SYS_setsid, sys_setsid, ""},
    {LX_SYS_NONE, NULL, NULL},
};
