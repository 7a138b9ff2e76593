/* Signal syscalls that need delivery: sigsuspend, pause, sigtimedwait,
 * rt_sigreturn, sigqueueinfo, sigaltstack, and the ITIMER_REAL timer.
 * (rt_sigaction and rt_sigprocmask keep state in sys_misc.c; kill and
 * friends are in proc.c.) */
#include "kernel-model/internal.h"
#include "kernel-model/sys.h"

#define NS_PER_SEC      1000000000ULL
#define NS_PER_USEC     1000ULL
#define SIG_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))

static int read_sigset(struct task *t, u64 addr, u64 size, u64 *set)
{
    if (size != 8) return -LX_EINVAL;
    return mm_read_u64(t->mm, addr, set) < 0 ? -LX_EFAULT : 0;
}

/* rt_sigsuspend: the mask is replaced until a handler has run. */
static i64 sys_rt_sigsuspend(struct km *k, struct task *t, const u64 a[6])
{
    u64 mask;
    int err = read_sigset(t, a[0], a[1], &mask);
    if (err) return err;
    if (!t->restore_sigmask) {
        t->saved_sigmask = t->blocked;
        t->restore_sigmask = true;
    }
    t->blocked = mask & ~SIG_UNBLOCKABLE;
    return km_block(k, t, KM_WAIT_PAUSE, 0, 0, 0);
}

static i64 sys_pause(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    return km_block(k, t, KM_WAIT_PAUSE, 0, 0, 0);
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): take a pending signal
 * of set; while waiting, set is unblocked so complete_signal prefers this
 * thread (do_sigtimedwait's real_blocked). Re-run when a signal arrives. */
static i64 sys_rt_sigtimedwait(struct km *k, struct task *t, const u64 a[6])
{
    u64 set;
    int err = read_sigset(t, a[0], a[3], &set);
    if (err) return err;
    set &= ~SIG_UNBLOCKABLE;
    bool rerun = t->sigwait_active;
    if (rerun) { /* back to the real mask to look at what is pending */
        t->blocked = t->real_blocked;
        t->sigwait_active = false;
    }
    struct km_siginfo info;
    int sig = km_dequeue_signal(t, ~set, &info);
    if (sig) {
        if (a[1]) {
            u8 buf[128];
            km_siginfo_encode(&info, km_guest_be(t), buf);
            if (mm_write(t->mm, a[1], buf, sizeof buf) < 0) return -LX_EFAULT;
        }
        return sig;
    }
    if (rerun) { /* woken by a signal outside set that will be handled */
        if ((t->pending | t->tg->shared_pending) & ~t->blocked) return -LX_EINTR;
    }
    u64 deadline = 0;
    if (a[2] && !rerun) {
        u8 ts[16];
        if (mm_read(t->mm, a[2], ts, sizeof ts) < 0) return -LX_EFAULT;
        i64 sec = (i64)lx_get64(km_guest_be(t), ts), nsec = (i64)lx_get64(km_guest_be(t), ts + 8);
        if (sec < 0 || nsec < 0 || nsec >= (i64)NS_PER_SEC) return -LX_EINVAL;
        if (sec == 0 && nsec == 0) return -LX_EAGAIN;
        deadline = k->now_ns + (u64)sec * NS_PER_SEC + (u64)nsec;
    } else if (rerun) {
        deadline = t->psys.deadline_ns; /* the first call's deadline stands */
    }
    t->real_blocked = t->blocked;
    t->blocked &= ~set;
    t->sigwait_active = true;
    return km_block(k, t, KM_WAIT_SIGWAIT, 0, deadline, -LX_EAGAIN);
}

static i64 sys_rt_sigreturn(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    struct km_regs regs;
    u64 mask = 0;
    struct km_altstack ss = t->altstack;
    k->host->cpu_regs_save(k->host->ctx, t, &regs);
    int err =
        t->abi->sigframe_return ? t->abi->sigframe_return(t->mm, &regs, &mask, &ss) : -LX_ENOSYS;
    km_ev_begin(k, "sigreturn", t);
    km_ev_int(k, "ok", err == 0);
    km_ev_end(k);
    if (err) {
        km_force_signal(k, t, LX_SIGSEGV, LX_SI_KERNEL, 0);
        return KM_NORET;
    }
    k->host->cpu_regs_load(k->host->ctx, t, &regs);
    t->blocked = mask & ~SIG_UNBLOCKABLE;
    /* restore_altstack: uc_stack as the handler left it, if valid */
    if (!(ss.flags & ~(LX_SS_DISABLE | LX_SS_AUTODISARM | LX_SS_ONSTACK)))
        t->altstack =
            (struct km_altstack){.sp = ss.sp, .size = ss.size, .flags = ss.flags & ~LX_SS_ONSTACK};
    return KM_NORET;
}

static i64 queueinfo(struct km *k, struct task *t, int tgid, int tid, int sig, u64 uinfo)
{
    if (sig <= 0 || sig > LX_NSIG) return -LX_EINVAL;
    u8 buf[128];
    if (mm_read(t->mm, uinfo, buf, sizeof buf) < 0) return -LX_EFAULT;
    struct km_siginfo info;
    km_siginfo_decode(buf, km_guest_be(t), &info);
    info.signo = sig;
    struct task *target = km_find_task_vnr(k, t, tid > 0 ? tid : tgid);
    if (!target || target->state >= TASK_ZOMBIE || km_tgid_vnr(t, target) != tgid ||
        (tid <= 0 && target != target->tg->leader))
        return -LX_ESRCH;
    /* Only the kernel may claim SI_USER/SI_KERNEL or SI_TKILL for others. */
    if ((info.code >= 0 || info.code == LX_SI_TKILL) && target->tg != t->tg) return -LX_EPERM;
    km_send_signal_info(k, t, target, tid <= 0, &info);
    return 0;
}

static i64 sys_rt_sigqueueinfo(struct km *k, struct task *t, const u64 a[6])
{
    return queueinfo(k, t, (int)a[0], 0, (int)a[1], a[2]);
}

static i64 sys_rt_tgsigqueueinfo(struct km *k, struct task *t, const u64 a[6])
{
    if ((i32)a[0] <= 0 || (i32)a[1] <= 0) return -LX_EINVAL;
    return queueinfo(k, t, (int)a[0], (int)a[1], (int)a[2], a[3]);
}

/* sigaltstack(ss, old_ss): stack_t is {sp; int flags; size} (24 bytes). */
static i64 sys_sigaltstack(struct km *k, struct task *t, const u64 a[6])
{
    bool be = km_guest_be(t);
    bool onstack = km_task_on_altstack(k, t);
    if (a[1]) {
        u8 buf[24] = {0};
        struct km_altstack *ss = &t->altstack;
        bool disabled = (ss->flags & LX_SS_DISABLE) || !ss->size;
        lx_put64(be, buf, disabled ? 0 : ss->sp);
        lx_put32(be, buf + 8,
                 onstack    ? LX_SS_ONSTACK
                 : disabled ? LX_SS_DISABLE
                            : (ss->flags & LX_SS_AUTODISARM));
        lx_put64(be, buf + 16, disabled ? 0 : ss->size);
        if (mm_write(t->mm, a[1], buf, sizeof buf) < 0) return -LX_EFAULT;
    }
    if (!a[0]) return 0;
    u8 buf[24];
    if (mm_read(t->mm, a[0], buf, sizeof buf) < 0) return -LX_EFAULT;
    u64 sp = lx_get64(be, buf), size = lx_get64(be, buf + 16);
    u32 flags = lx_get32(be, buf + 8);
    if (onstack) return -LX_EPERM;
    u32 mode = flags & ~LX_SS_AUTODISARM;
    if (mode != LX_SS_DISABLE && mode != LX_SS_ONSTACK && mode != 0) return -LX_EINVAL;
    if (mode == LX_SS_DISABLE) {
        t->altstack = (struct km_altstack){.flags = LX_SS_DISABLE};
        return 0;
    }
    if (size < t->abi->sigaltstack_min) return -LX_ENOMEM;
    t->altstack = (struct km_altstack){.sp = sp, .size = size, .flags = flags & LX_SS_AUTODISARM};
    return 0;
}

/* struct itimerval: {interval {sec, usec}, value {sec, usec}} */
static void itimer_encode(struct km *k, struct task *t, u8 out[32])
{
    bool be = km_guest_be(t);
    struct tgroup *tg = t->tg;
    u64 left = tg->alarm_deadline_ns > k->now_ns ? tg->alarm_deadline_ns - k->now_ns : 0;
    if (tg->alarm_deadline_ns && !left) left = NS_PER_USEC; /* due: Linux reports a minimal value */
    lx_put64(be, out, tg->itimer_interval_ns / NS_PER_SEC);
    lx_put64(be, out + 8, tg->itimer_interval_ns % NS_PER_SEC / NS_PER_USEC);
    lx_put64(be, out + 16, left / NS_PER_SEC);
    lx_put64(be, out + 24, (left % NS_PER_SEC + NS_PER_USEC - 1) / NS_PER_USEC);
}

static i64 sys_getitimer(struct km *k, struct task *t, const u64 a[6])
{
    u8 buf[32] = {0};
    if (a[0] > 2) return -LX_EINVAL;
    if (a[0] == 0) itimer_encode(k, t, buf);
    return mm_write(t->mm, a[1], buf, sizeof buf) < 0 ? -LX_EFAULT : 0;
}

static i64 sys_setitimer(struct km *k, struct task *t, const u64 a[6])
{
    if (a[0] > 2) return -LX_EINVAL;
    u8 nv[32] = {0}, old[32] = {0};
    bool be = km_guest_be(t);
    if (a[1] && mm_read(t->mm, a[1], nv, sizeof nv) < 0) return -LX_EFAULT;
    i64 isec = (i64)lx_get64(be, nv), iusec = (i64)lx_get64(be, nv + 8);
    i64 vsec = (i64)lx_get64(be, nv + 16), vusec = (i64)lx_get64(be, nv + 24);
    if (isec < 0 || vsec < 0 || iusec < 0 || vusec < 0 || iusec >= 1000000 || vusec >= 1000000)
        return -LX_EINVAL;
    if (a[0] != 0) { /* ITIMER_VIRTUAL/PROF: CPU time is not modelled; accepted */
        return a[2] && mm_write(t->mm, a[2], old, sizeof old) < 0 ? -LX_EFAULT : 0;
    }
    itimer_encode(k, t, old);
    u64 value = (u64)vsec * NS_PER_SEC + (u64)vusec * NS_PER_USEC;
    t->tg->itimer_interval_ns = (u64)isec * NS_PER_SEC + (u64)iusec * NS_PER_USEC;
    km_tg_set_alarm(k, t->tg, value ? k->now_ns + value : 0);
    if (a[2] && mm_write(t->mm, a[2], old, sizeof old) < 0) return -LX_EFAULT;
    return 0;
}

static i64 sys_restart_syscall(struct km *k, struct task *t, const u64 a[6])
{
    (void)k, (void)t, (void)a;
    return -LX_EINTR;
}

const struct km_sys_entry km_sys_signal[] = {
    {LX_SYS_rt_sigsuspend, sys_rt_sigsuspend, "pu"},
    {LX_SYS_pause, sys_pause, ""},
    {LX_SYS_rt_sigtimedwait, sys_rt_sigtimedwait, "pppu"},
    {LX_SYS_rt_sigreturn, sys_rt_sigreturn, ""},
    {LX_SYS_rt_sigqueueinfo, sys_rt_sigqueueinfo, "dSp"},
    {LX_SYS_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo, "ddSp"},
    {LX_SYS_sigaltstack, sys_sigaltstack, "pp"},
    {LX_SYS_getitimer, sys_getitimer, "dp"},
    {LX_SYS_setitimer, sys_setitimer, "dpp"},
    {LX_SYS_restart_syscall, sys_restart_syscall, ""},
    {LX_SYS_NONE, NULL, NULL},
};
