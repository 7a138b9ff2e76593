/* Process syscalls: ids, the clone family front-ends, exit, wait4/waitid,
 * execve, kill/tkill/tgkill/pidfd_send_signal (unshare: sys_ns.c). Front-ends only
 * decode arguments and call the model. */
#include "kernel-model/files.h"
#include "kernel-model/internal.h"
#include "kernel-model/procfs.h"
#include "kernel-model/sys.h"

static i64 sys_getpid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k, (void)a;
    return km_tgid_vnr(t, t);
}

static i64 sys_gettid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k, (void)a;
    return km_pid_vnr(t, t);
}

static i64 sys_getppid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k, (void)a;
    return km_tgid_vnr(t, t->real_parent); /* 0 for a parent outside our pid namespace */
}

static i64 sys_clone(struct km *k, struct task *t, const u64 a[6])
{
    struct kernel_clone_args args;
    t->abi->clone_decode(a, &args);
    args.kind = KM_CLONE_CLONE;
    return km_clone(k, t, &args);
}

/* ia64's clone2: the arch decodes its arguments (kind KM_CLONE_CLONE2,
 * stack = base of the area, stack_size = its size). */
static i64 sys_clone2(struct km *k, struct task *t, const u64 a[6])
{
    struct kernel_clone_args args;
    if (!t->abi->clone2_decode) return -LX_ENOSYS;
    t->abi->clone2_decode(a, &args);
    return km_clone(k, t, &args);
}

static i64 sys_clone3(struct km *k, struct task *t, const u64 a[6])
{
    struct kernel_clone_args args;
    i64 r = km_clone3_copy_in(k, t, a[0], a[1], &args);
    return r < 0 ? r : km_clone(k, t, &args);
}

static i64 sys_fork(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    struct kernel_clone_args args = {.kind = KM_CLONE_FORK, .exit_signal = LX_SIGCHLD};
    return km_clone(k, t, &args);
}

static i64 sys_vfork(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    struct kernel_clone_args args = {
        .kind = KM_CLONE_VFORK, .flags = LX_CLONE_VM | LX_CLONE_VFORK, .exit_signal = LX_SIGCHLD};
    return km_clone(k, t, &args);
}

static i64 sys_exit(struct km *k, struct task *t, const u64 a[6])
{
    km_task_exit(k, t, (int)(a[0] & 0xff) << 8);
    return KM_NORET;
}

static i64 sys_exit_group(struct km *k, struct task *t, const u64 a[6])
{
    km_group_exit(k, t, (int)(a[0] & 0xff) << 8);
    return KM_NORET;
}

/* --- wait ------------------------------------------------------------ */

/* eligible_child: __WALL takes all; otherwise __WCLONE selects exactly
 * the children whose exit signal is not SIGCHLD. */
static bool wait_eligible(const struct task *c, u32 options)
{
    if (options & LX_WALL) return true;
    return (c->exit_signal != LX_SIGCHLD) == ((options & LX_WCLONE) != 0);
}

static bool wait_id_matches(const struct task *waiter, const struct task *c, int idtype, i64 id)
{
    switch (idtype) {
    case LX_P_ALL: return true;
    case LX_P_PID: return c->tid == id;
    case LX_P_PGID: return c->tg->pgid == (id ? id : waiter->tg->pgid);
    }
    return false;
}

i64 km_do_wait(struct km *k, struct task *t, int idtype, i64 id, u32 options, int *status_out,
               struct task **reaped_info, int *si_code, int *si_status, int *si_pid, u32 *si_uid)
{
    (void)reaped_info;
    bool any = false;
    for (struct task *th = t->tg->threads; th; th = th->tg_next) {
        if ((options & LX_WNOTHREAD) && th != t) continue;
        for (struct task *c = th->children; c; c = c->sibling) {
            if (!wait_id_matches(t, c, idtype, id) || !wait_eligible(c, options)) continue;
            any = true;
            /* wait_task_stopped / wait_task_continued: reported once each */
            struct tgroup *ctg = c->tg;
            bool stopped =
                (options & LX_WSTOPPED) && ctg->stopped && ctg->stop_report && !task_group_dead(c);
            bool contd = (options & LX_WCONTINUED) && ctg->cont_report && !task_group_dead(c);
            if (stopped || contd) {
                *status_out = stopped ? (ctg->stop_signal << 8) | 0x7f : 0xffff;
                *si_pid = km_pid_vnr(t, c);
                *si_uid = c->cred ? c->cred->uid : 0;
                *si_code = stopped ? LX_CLD_STOPPED : LX_CLD_CONTINUED;
                *si_status = stopped ? ctg->stop_signal : LX_SIGCONT;
                km_ev_begin(k, "wait", t);
                km_ev_int(k, "child", c->tid);
                km_ev_str(k, "result", stopped ? "stopped" : "continued");
                km_ev_int(k, "nowait", (options & LX_WNOWAIT) != 0);
                km_ev_end(k);
                if (!(options & LX_WNOWAIT)) {
                    if (stopped)
                        ctg->stop_report = false;
                    else
                        ctg->cont_report = false;
                }
                return km_pid_vnr(t, c);
            }
            if (!(options & LX_WEXITED) || c->state != TASK_ZOMBIE || !task_group_dead(c)) continue;
            int st = c->tg->group_exit ? c->tg->group_exit_code : c->exit_code;
            int pid = km_pid_vnr(t, c);
            *status_out = st;
            *si_pid = pid;
            *si_uid = c->exit_uid;
            if ((st & 0x7f) == 0) {
                *si_code = LX_CLD_EXITED;
                *si_status = (st >> 8) & 0xff;
            } else {
                *si_code = (st & 0x80) ? LX_CLD_DUMPED : LX_CLD_KILLED;
                *si_status = st & 0x7f;
            }
            km_ev_begin(k, "wait", t);
            km_ev_int(k, "child", c->tid);
            km_ev_str(k, "result", (st & 0x7f) ? "killed" : "exited");
            km_ev_int(k, "status", st);
            km_ev_int(k, "nowait", (options & LX_WNOWAIT) != 0);
            km_ev_end(k);
            if (!(options & LX_WNOWAIT)) km_reap(k, c);
            return pid;
        }
    }
    if (!any) return -LX_ECHILD;
    if (options & LX_WNOHANG) return 0;
    /* do_wait: a pending signal ends the wait only after the scan found
     * nothing (a child that exited with SIGCHLD is still reaped) */
    if (km_signal_deliverable(t)) return -LX_ERESTARTSYS;
    return km_block(k, t, KM_WAIT_CHILD, 0, 0, 0);
}

static i64 sys_wait4(struct km *k, struct task *t, const u64 a[6])
{
    i64 pid = (i32)a[0];
    u32 options = (u32)a[2];
    if (options & ~(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WNOTHREAD | LX_WCLONE | LX_WALL))
        return -LX_EINVAL;
    if (pid == (i64)INT32_MIN) /* -INT_MIN overflows */
        return -LX_ESRCH;
    int idtype = LX_P_PID;
    i64 id = pid;
    if (pid == -1) {
        idtype = LX_P_ALL;
    } else if (pid < 0) {
        idtype = LX_P_PGID;
        id = -pid;
    } else if (pid == 0) {
        idtype = LX_P_PGID;
        id = t->tg->pgid;
    }
    if (pid > 0 || pid < -1) id = km_pid_vnr_to_global(k, t, (int)id); /* -1: matches none */
    int st = 0, code, sst, spid;
    u32 suid;
    i64 r =
        km_do_wait(k, t, idtype, id, options | LX_WEXITED, &st, NULL, &code, &sst, &spid, &suid);
    if (r > 0 && a[1] && mm_write_u32(t->mm, a[1], (u32)st) < 0) return -LX_EFAULT;
    if (r > 0 && a[3]) {
        u8 zero[144] = {0}; /* struct rusage: no accounting modelled */
        if (mm_write(t->mm, a[3], zero, sizeof zero) < 0) return -LX_EFAULT;
    }
    return r;
}

static i64 sys_waitid(struct km *k, struct task *t, const u64 a[6])
{
    int idtype = (int)a[0];
    i64 id = (i32)a[1];
    u32 options = (u32)a[3];
    if (options & ~(LX_WNOHANG | LX_WNOWAIT | LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED |
                    LX_WNOTHREAD | LX_WCLONE | LX_WALL))
        return -LX_EINVAL;
    if (!(options & (LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED))) return -LX_EINVAL;
    u32 wait_options = options; /* kernel_waitid_prepare: an O_NONBLOCK pidfd adds WNOHANG */
    switch (idtype) {
    case LX_P_ALL: break;
    case LX_P_PID:
        if (id <= 0) return -LX_EINVAL;
        break;
    case LX_P_PGID:
        if (id < 0) return -LX_EINVAL;
        break;
    case LX_P_PIDFD: {
        int err = 0;
        if (id < 0) return -LX_EINVAL;
        struct task *target = files_pidfd_task(k, t, (int)id, &err);
        if (!target) return err ? err : -LX_EBADF;
        if (files_lookup(t, (int)id)->flags & LX_O_NONBLOCK) wait_options |= LX_WNOHANG;
        idtype = LX_P_PID;
        id = target->tg->tgid; /* already global */
        if (target->state == TASK_DEAD) return -LX_ECHILD;
        break;
    }
    default: return -LX_EINVAL;
    }
    if ((a[0] == LX_P_PID || a[0] == LX_P_PGID) && id) id = km_pid_vnr_to_global(k, t, (int)id);
    int st = 0, code = 0, sst = 0, spid = 0;
    u32 suid = 0;
    i64 r = km_do_wait(k, t, idtype, id, wait_options, &st, NULL, &code, &sst, &spid, &suid);
    if (r == KM_BLOCKED) return r;
    /* kernel_waitid: nothing to reap through a non-blocking pidfd */
    if (r == 0 && (wait_options & ~options & LX_WNOHANG)) r = -LX_EAGAIN;
    if (!a[2]) return r < 0 ? r : 0;
    /* sys_waitid stores signo, errno, code, pid, uid and status (offsets
     * 0/4/8/16/20/24) whatever the outcome, zero when nothing was waited
     * for or the wait failed; the rest of the siginfo_t is left alone. */
    if (r <= 0) code = spid = sst = 0, suid = 0;
    const u32 field[6][2] = {{0, r > 0 ? LX_SIGCHLD : 0},
                             {4, 0},
                             {8, (u32)code},
                             {16, (u32)spid},
                             {20, suid},
                             {24, (u32)sst}};
    bool be = km_guest_be(t);
    for (int i = 0; i < 6; i++) {
        u8 w[4];
        lx_put32(be, w, field[i][1]);
        if (mm_write(t->mm, a[2] + field[i][0], w, sizeof w) < 0) return -LX_EFAULT;
    }
    return r < 0 ? r : 0;
}

/* --- signals sent by guests -------------------------------------------- */

/* kill_ok_by_cred: matching ids, or CAP_KILL over the target's user namespace. */
/* kill_ok_by_cred. The sender's cred is passed in: a kill(0, SIGKILL)
 * may kill the sender's own group (and drop its cred) in mid-loop. */
static bool may_signal(const struct cred *a, const struct task *to)
{
    const struct cred *b = to->cred;
    if (!b) return true; /* the target is dying; sending is harmless */
    return a->euid == b->uid || a->euid == b->suid || a->uid == b->uid || a->uid == b->suid ||
           km_ns_capable(a, b->user_ns, LX_CAP_KILL);
}

static i64 kill_one(struct km *k, struct task *t, const struct cred *cred, struct task *target,
                    int sig, bool group, int si_code)
{
    if (group) {
        /* A process-directed signal goes to a live thread: the leader may
         * have exited (its cred is gone) while other threads still run. */
        target = target->tg->leader;
        for (struct task *th = target->tg->threads; th && target->state >= TASK_ZOMBIE;
             th = th->tg_next)
            if (th->state < TASK_ZOMBIE) target = th;
    }
    if (!may_signal(cred, target)) return -LX_EPERM;
    if (sig) km_send_signal(k, t, target, sig, group, si_code);
    return 0;
}

static i64 sys_kill(struct km *k, struct task *t, const u64 a[6])
{
    i64 pid = (i32)a[0];
    int sig = (int)a[1];
    if (sig < 0 || sig > LX_NSIG) return -LX_EINVAL;
    if (pid > 0) {
        struct task *target = km_find_task_vnr(k, t, (int)pid);
        if (!target || target != target->tg->leader || target->tg->nr_threads == 0)
            return target && target->state == TASK_ZOMBIE ? 0 : -LX_ESRCH;
        return kill_one(k, t, t->cred, target, sig, true, LX_SI_USER);
    }
    /* 0: caller's group; -1: everyone but init and the caller; < -1: -pgrp */
    i64 pgrp = pid == 0 ? t->tg->pgid : km_pid_vnr_to_global(k, t, (int)-pid);
    i64 result = -LX_ESRCH;
    int count = 0;
    struct cred *cred = cred_get(t->cred); /* t may die in the loop */
    for (struct task *p = k->tasks; p; p = p->all_next) {
        if (p == k->init || p != p->tg->leader || p->tg->nr_threads == 0) continue;
        if (pid == -1 && km_tgid_vnr(t, p) <= 1) continue; /* not our init, nor outside our ns */
        if (pid == -1 ? p->tg == t->tg : p->tg->pgid != pgrp) continue;
        count++;
        i64 r = kill_one(k, t, cred, p, sig, true, LX_SI_USER);
        if (r == 0 || result == -LX_ESRCH) result = r;
    }
    cred_put(cred);
    return count ? (result == -LX_ESRCH ? 0 : result) : -LX_ESRCH;
}

static i64 sys_tgkill(struct km *k, struct task *t, const u64 a[6])
{
    i64 tgid = (i32)a[0], tid = (i32)a[1];
    int sig = (int)a[2];
    if (tgid <= 0 || tid <= 0 || sig < 0 || sig > LX_NSIG) return -LX_EINVAL;
    struct task *target = km_find_task_vnr(k, t, (int)tid);
    if (!target || target->state >= TASK_ZOMBIE || km_tgid_vnr(t, target) != tgid) return -LX_ESRCH;
    return kill_one(k, t, t->cred, target, sig, false, LX_SI_TKILL);
}

static i64 sys_tkill(struct km *k, struct task *t, const u64 a[6])
{
    i64 tid = (i32)a[0];
    int sig = (int)a[1];
    if (tid <= 0 || sig < 0 || sig > LX_NSIG) return -LX_EINVAL;
    struct task *target = km_find_task_vnr(k, t, (int)tid);
    if (!target || target->state >= TASK_ZOMBIE) return -LX_ESRCH;
    return kill_one(k, t, t->cred, target, sig, false, LX_SI_TKILL);
}

static i64 sys_pidfd_send_signal(struct km *k, struct task *t, const u64 a[6])
{
    int sig = (int)a[1];
    if (a[3] != 0) return -LX_EINVAL;
    if (sig < 0 || sig > LX_NSIG) return -LX_EINVAL;
    /* pidfd_to_pid: a pidfd, or a /proc/<pid> directory (EBADF for
     * anything else); ESRCH once the process is gone */
    struct km_file *f = files_lookup(t, (int)a[0]);
    if (!f) return -LX_EBADF;
    int tid = f->kind == KM_FILE_PIDFD ? 0 : procfs_tgid_dir(f);
    if (f->kind != KM_FILE_PIDFD && !tid) return -LX_EBADF;
    struct task *target = tid ? km_find_task(k, tid) : f->task;
    if (!target || target->state >= TASK_ZOMBIE || !target->tg || target->tg->nr_threads == 0)
        return -LX_ESRCH;
    if (!a[2]) return kill_one(k, t, t->cred, target, sig, true, LX_SI_USER);
    /* the caller's siginfo (copy_siginfo_from_user_any): si_signo must be
     * sig; a kernel or tkill si_code only to oneself (EPERM otherwise) */
    u8 buf[128];
    if (mm_read(t->mm, a[2], buf, sizeof buf) < 0) return -LX_EFAULT;
    struct km_siginfo info;
    km_siginfo_decode(buf, km_guest_be(t), &info);
    if (info.signo != sig) return -LX_EINVAL;
    if (target != t && (info.code >= 0 || info.code == LX_SI_TKILL)) return -LX_EPERM;
    if (!may_signal(t->cred, target)) return -LX_EPERM;
    if (sig) km_send_signal_info(k, t, target, true, &info);
    return 0;
}

/* rt_sigpending: the thread's and the group's pending sets, as far as
 * they are blocked (do_sigpending). */
static i64 sys_rt_sigpending(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    if (a[1] != 8) return -LX_EINVAL;
    u8 buf[8];
    lx_put64(km_guest_be(t), buf, (t->pending | t->tg->shared_pending) & t->blocked);
    return mm_write(t->mm, a[0], buf, sizeof buf) < 0 ? -LX_EFAULT : 0;
}

/* --- execve ------------------------------------------------------------ */

static i64 sys_execve(struct km *k, struct task *t, const u64 a[6])
{
    return km_execve(k, t, a[0], a[1], a[2]);
}

const struct km_sys_entry km_sys_proc[] = {
    {LX_SYS_getpid, sys_getpid, ""},
    {LX_SYS_gettid, sys_gettid, ""},
    {LX_SYS_getppid, sys_getppid, ""},
    {LX_SYS_clone, sys_clone, "fpppp"},
    {LX_SYS_clone3, sys_clone3, "pu"},
    {LX_SYS_clone2, sys_clone2, "fpuppp"},
    {LX_SYS_fork, sys_fork, ""},
    {LX_SYS_vfork, sys_vfork, ""},
    {LX_SYS_exit, sys_exit, "d"},
    {LX_SYS_exit_group, sys_exit_group, "d"},
    {LX_SYS_wait4, sys_wait4, "dpxp"},
    {LX_SYS_waitid, sys_waitid, "ddpxp"},
    {LX_SYS_execve, sys_execve, "spp"},
    {LX_SYS_kill, sys_kill, "dS"},
    {LX_SYS_tkill, sys_tkill, "dS"},
    {LX_SYS_tgkill, sys_tgkill, "ddS"},
    {LX_SYS_pidfd_send_signal, sys_pidfd_send_signal, "FSpx"},
    {LX_SYS_rt_sigpending, sys_rt_sigpending, "pu"},
    {LX_SYS_NONE, NULL, NULL},
};
