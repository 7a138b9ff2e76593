/* Signals as kernel/signal.c delivers them: generation (prepare_signal,
 * the pending sets and queues), the target thread of a process-directed
 * signal (complete_signal / wants_signal, or the seeded policy), waking an
 * interruptible sleeper, group stop and continue, and delivery on the way
 * back to guest code (get_signal + handle_signal): default actions,
 * handler frames, and the restart-or-EINTR decision for an interrupted
 * syscall. Every decision is an event. */
#include "kernel-model/futex.h"
#include "kernel-model/internal.h"

#include <stdio.h>
#include <stdlib.h>

#define SIG_STOP_MASK                                                                              \
    (LX_SIGBIT(LX_SIGSTOP) | LX_SIGBIT(LX_SIGTSTP) | LX_SIGBIT(LX_SIGTTIN) | LX_SIGBIT(LX_SIGTTOU))
#define SIG_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))
#define SIG_SYNC_MASK                                                                              \
    (LX_SIGBIT(LX_SIGSEGV) | LX_SIGBIT(LX_SIGBUS) | LX_SIGBIT(LX_SIGILL) | LX_SIGBIT(LX_SIGTRAP) | \
     LX_SIGBIT(LX_SIGFPE) | LX_SIGBIT(LX_SIGSYS))

bool km_sig_default_ignored(int sig)
{
    return sig == LX_SIGCHLD || sig == LX_SIGCONT || sig == LX_SIGURG || sig == LX_SIGWINCH;
}

static bool sig_default_stop(int sig)
{
    return (SIG_STOP_MASK & LX_SIGBIT(sig)) != 0;
}

bool km_sig_default_fatal(int sig)
{
    return !km_sig_default_ignored(sig) && !sig_default_stop(sig);
}

static bool sig_dumps_core(int sig)
{
    switch (sig) {
    case LX_SIGQUIT:
    case LX_SIGILL:
    case LX_SIGTRAP:
    case LX_SIGABRT:
    case LX_SIGBUS:
    case LX_SIGFPE:
    case LX_SIGSEGV:
    case LX_SIGXCPU:
    case LX_SIGXFSZ:
    case LX_SIGSYS: return true;
    }
    return false;
}

/* Wait status of a death by sig: the core flag only when a core would be
 * written (RLIMIT_CORE > 0), as with a real kernel and `ulimit -c 0`. */
static int death_status(const struct task *t, int sig)
{
    return sig | ((sig_dumps_core(sig) && t->tg->rlim_core) ? 0x80 : 0);
}

bool km_task_can_run(const struct km *k, const struct task *t)
{
    return t != k->init && t->state == TASK_RUNNABLE && !t->tg->stopped;
}

/* --- queues ----------------------------------------------------------- */

static void sigq_drop(struct km_sigq **q, int sig)
{
    while (*q) {
        if ((*q)->info.signo == sig) {
            struct km_sigq *d = *q;
            *q = d->next;
            free(d);
        } else {
            q = &(*q)->next;
        }
    }
}

static void sigq_add(struct km_sigq **q, const struct km_siginfo *info)
{
    struct km_sigq *n = km_zalloc(sizeof *n);
    n->info = *info;
    while (*q)
        q = &(*q)->next;
    *q = n;
}

/* Take the oldest entry of sig; *more says whether another stays queued. */
static void sigq_take(struct km_sigq **q, int sig, struct km_siginfo *out, bool *more)
{
    bool found = false;
    *more = false;
    while (*q) {
        if ((*q)->info.signo == sig) {
            if (found) {
                *more = true;
                return;
            }
            struct km_sigq *d = *q;
            *out = d->info;
            *q = d->next;
            free(d);
            found = true;
            continue;
        }
        q = &(*q)->next;
    }
    if (!found) /* the set said pending but no info: as SEND_SIG_PRIV */
        *out = (struct km_siginfo){.signo = sig, .code = LX_SI_KERNEL, .layout = KM_SIL_KILL};
}

void km_sigq_free(struct km_sigq **q)
{
    while (*q) {
        struct km_sigq *d = *q;
        *q = d->next;
        free(d);
    }
}

/* Remove sig from every pending set of the group (SIGCONT vs stops). */
static void flush_group(struct tgroup *tg, u64 mask)
{
    for (int s = 1; s <= LX_NSIG; s++) {
        if (!(mask & LX_SIGBIT(s))) continue;
        tg->shared_pending &= ~LX_SIGBIT(s);
        sigq_drop(&tg->sigq, s);
        for (struct task *th = tg->threads; th; th = th->tg_next) {
            th->pending &= ~LX_SIGBIT(s);
            sigq_drop(&th->sigq, s);
        }
    }
}

/* --- events ----------------------------------------------------------- */

static void ev_sig(struct km *k, const char *kind, const struct task *t, int sig, const char *key,
                   const char *val)
{
    km_ev_begin(k, kind, t);
    km_ev_str(k, "sig", lx_signal_name(sig));
    if (key) km_ev_str(k, key, val);
    km_ev_end(k);
}

/* sigstate: t's blocked mask, t's pending set or its group's shared
 * pending set differ from what the last sigstate event said. Emitted at
 * the end of each signal step (generation, return to user), so a consumer
 * keeps the sets without re-deriving them. A clone copies the creator's
 * mask (the child's first return to user reports it). */
static void ev_sigstate(struct km *k, struct task *t)
{
    if (!km_ev_enabled(k) || t->state >= TASK_ZOMBIE) return;
    if (t->blocked == t->ev_blocked && t->pending == t->ev_pending &&
        t->tg->shared_pending == t->tg->ev_shared_pending)
        return;
    t->ev_blocked = t->blocked;
    t->ev_pending = t->pending;
    t->tg->ev_shared_pending = t->tg->shared_pending;
    km_ev_begin(k, "sigstate", t);
    km_ev_hex(k, "blocked", t->blocked);
    km_ev_hex(k, "pending", t->pending);
    km_ev_hex(k, "shared_pending", t->tg->shared_pending);
    km_ev_end(k);
}

/* --- group stop and continue ------------------------------------------- */

/* do_notify_parent_cldstop: SIGCHLD with CLD_STOPPED/CLD_CONTINUED unless
 * the parent set SA_NOCLDSTOP; waiters are woken either way. */
static void notify_parent_cldstop(struct km *k, struct task *leader, int why, int status)
{
    struct task *p = leader->real_parent;
    if (p != k->init && p->sighand &&
        !(p->sighand->action[LX_SIGCHLD - 1].flags & LX_SA_NOCLDSTOP)) {
        struct km_siginfo si = {.signo = LX_SIGCHLD,
                                .code = why,
                                .layout = KM_SIL_CHLD,
                                .pid = leader->tg->tgid,
                                .uid = leader->cred ? leader->cred->uid : 0,
                                .status = status};
        km_send_signal_info(k, NULL, p, true, &si);
    }
    km_wake_all(k, KM_WAIT_CHILD, 0);
}

static void group_stop(struct km *k, struct task *t, int sig)
{
    struct tgroup *tg = t->tg;
    if (tg->stopped || tg->group_exit) return;
    tg->stopped = true;
    km_rq_update_group(k, tg);
    tg->stop_signal = sig;
    tg->stop_report = true;
    tg->cont_report = false;
    k->need_resched = true;
    km_ev_begin(k, "group_stop", t);
    km_ev_str(k, "sig", lx_signal_name(sig));
    km_ev_int(k, "threads", tg->nr_threads);
    km_ev_end(k);
    notify_parent_cldstop(k, tg->leader, LX_CLD_STOPPED, sig);
}

static void group_continue(struct km *k, struct task *t)
{
    struct tgroup *tg = t->tg;
    if (!tg->stopped) return;
    tg->stopped = false;
    km_rq_update_group(k, tg);
    tg->stop_report = false;
    tg->cont_report = true;
    km_ev_begin(k, "group_continue", t);
    km_ev_int(k, "threads", tg->nr_threads);
    km_ev_end(k);
    notify_parent_cldstop(k, tg->leader, LX_CLD_CONTINUED, LX_SIGCONT);
}

/* --- generation ------------------------------------------------------- */

static bool sig_handler_ignores(const struct task *t, int sig)
{
    u64 h = t->sighand->action[sig - 1].handler;
    return h == LX_SIG_IGN || (h == LX_SIG_DFL && km_sig_default_ignored(sig));
}

/* prepare_signal: stop/continue side effects; false if sig is discarded. */
static bool prepare_signal(struct km *k, struct task *p, int sig)
{
    struct tgroup *tg = p->tg;
    if (tg->group_exit) return sig == LX_SIGKILL;
    if (sig_default_stop(sig)) {
        flush_group(tg, LX_SIGBIT(LX_SIGCONT));
    } else if (sig == LX_SIGCONT) {
        flush_group(tg, SIG_STOP_MASK);
        group_continue(k, p);
    }
    /* sig_ignored: a blocked signal is queued even if ignored. */
    if ((p->blocked | p->real_blocked) & LX_SIGBIT(sig)) return true;
    if (sig == LX_SIGKILL || sig == LX_SIGSTOP) return true;
    return !sig_handler_ignores(p, sig);
}

/* wants_signal */
static bool wants_signal(const struct km *k, int sig, const struct task *p)
{
    if (p->blocked & LX_SIGBIT(sig)) return false;
    if (p->state >= TASK_ZOMBIE) return false;
    if (sig == LX_SIGKILL) return true;
    if (p->tg->stopped) return false;
    return p == k->current || !p->sigpending;
}

static bool wait_interruptible(enum km_wait_kind w)
{
    return w != KM_WAIT_NONE && w != KM_WAIT_VFORK;
}

bool km_signal_deliverable(const struct task *t)
{
    return ((t->pending | t->tg->shared_pending) & ~t->blocked) != 0;
}

/* The errno an interrupted sleep returns before the restart decision. */
i64 km_interrupted_result(enum km_wait_kind w)
{
    switch (w) {
    case KM_WAIT_SIGWAIT: return -LX_EINTR;
    case KM_WAIT_PAUSE:
    case KM_WAIT_SEM:
    case KM_WAIT_POLL: return -LX_ERESTARTNOHAND;
    case KM_WAIT_SLEEP: return -LX_ERESTART_RESTARTBLOCK;
    default: return -LX_ERESTARTSYS;
    }
}

/* signal_wake_up: t will handle a signal; an interruptible sleep ends. */
static void signal_wake_up(struct km *k, struct task *t)
{
    t->sigpending = true;
    if (t->state != TASK_BLOCKED || !wait_interruptible(t->wait.kind)) return;
    if (t->wait.kind == KM_WAIT_SIGWAIT || t->wait.kind == KM_WAIT_SLEEP ||
        t->wait.kind == KM_WAIT_CHILD) {
        /* re-run: it takes the signal, or reports the time left, or (do_wait)
         * reaps a child that is ready before giving up with ERESTARTSYS */
        km_wake(k, t, false, 0);
        return;
    }
    if (t->wait.kind == KM_WAIT_FUTEX) futex_cancel_wait(k, t);
    km_wake(k, t, true, km_interrupted_result(t->wait.kind));
}

/* complete_signal: pick the thread that will handle a signal of p's group. */
static void complete_signal(struct km *k, int sig, struct task *p, bool group)
{
    struct tgroup *tg = p->tg;
    struct task *t = NULL;
    const char *why = NULL;
    char cands[512] = "";
    size_t used = 0;
    int eligible = 0;
    if (group && km_ev_enabled(k)) {
        for (struct task *th = tg->threads; th && used < sizeof cands; th = th->tg_next) {
            if (th->state >= TASK_ZOMBIE) continue;
            bool blocked = th->blocked & LX_SIGBIT(sig);
            const char *st = blocked                    ? "blocked"
                             : wants_signal(k, sig, th) ? "eligible"
                             : tg->stopped              ? "stopped"
                                                        : "busy";
            int w = snprintf(cands + used, sizeof cands - used, "%s%d:%s", used ? "," : "", th->tid,
                             st);
            if (w > 0) used += (size_t)w;
        }
    }
    for (struct task *th = tg->threads; th; th = th->tg_next)
        if (wants_signal(k, sig, th)) eligible++;
    if (group && k->opt.signal_target_seeded && eligible > 1) {
        int pick = (int)(km_rand(k) % (u64)eligible);
        for (struct task *th = tg->threads; th; th = th->tg_next)
            if (wants_signal(k, sig, th) && pick-- == 0) {
                t = th;
                break;
            }
        why = "seeded choice among the eligible threads (--signal-target=seeded)";
    } else if (wants_signal(k, sig, p)) {
        t = p;
        why = group ? "the thread the signal was sent to (the main thread first) does not block "
                      "it"
                    : "thread-directed";
    } else if (!group || tg->nr_threads <= 1) {
        why = NULL; /* stays pending until p unblocks it */
    } else {
        struct task *start =
            tg->curr_target && tg->curr_target->state < TASK_ZOMBIE && tg->curr_target->tg == tg
                ? tg->curr_target
                : p;
        struct task *th = start;
        do {
            if (wants_signal(k, sig, th)) {
                t = th;
                break;
            }
            th = th->tg_next ? th->tg_next : tg->threads;
        } while (th != start);
        if (t) {
            tg->curr_target = t;
            why = "rotating target: the next thread after the last one chosen that does not "
                  "block it";
        }
    }
    if (group) {
        km_ev_begin(k, "signal_target", p);
        km_ev_str(k, "sig", lx_signal_name(sig));
        km_ev_str(k, "candidates", cands);
        km_ev_int(k, "chosen", t ? t->tid : 0);
        km_ev_str(k, "why", t ? why : "every thread blocks it: it stays pending for the group");
        km_ev_end(k);
    }
    if (!t) return;
    /* A fatal signal with no handler kills the whole group at once. */
    const struct lx_sigaction *sa = &t->sighand->action[sig - 1];
    bool fatal = sig == LX_SIGKILL || (sa->handler == LX_SIG_DFL && km_sig_default_fatal(sig) &&
                                       !(t->real_blocked & LX_SIGBIT(sig)));
    if (fatal && !tg->group_exit && (sig == LX_SIGKILL || !sig_dumps_core(sig))) {
        ev_sig(k, "signal_fatal", t, sig, "action", "terminate the group");
        km_group_exit(k, t, death_status(t, sig));
        return;
    }
    signal_wake_up(k, t);
}

void km_send_signal_info(struct km *k, struct task *sender, struct task *target, bool group,
                         const struct km_siginfo *info)
{
    int sig = info->signo;
    if (sig <= 0 || sig > LX_NSIG || target == k->init || !target->sighand) return;
    struct tgroup *tg = target->tg;
    if (target->state >= TASK_ZOMBIE) {
        if (!group) return;
        /* the leader is gone but the group lives: any live thread */
        struct task *th = tg->threads;
        while (th && th->state >= TASK_ZOMBIE)
            th = th->tg_next;
        if (!th) return;
        target = th;
    }
    km_ev_begin(k, "signal_generate", target);
    km_ev_str(k, "sig", lx_signal_name(sig));
    if (sender) km_ev_int(k, "from", sender->tid);
    km_ev_str(k, "to", group ? "process" : "thread");
    km_ev_int(k, "si_code", info->code);
    km_ev_end(k);
    if (pidns_init_ignores(k, sender, target, sig)) {
        ev_sig(k, "signal_ignored", target, sig, "why",
               "pid namespace init: no handler for it (SIGNAL_UNKILLABLE)");
        return;
    }
    if (!prepare_signal(k, target, sig)) {
        ev_sig(k, "signal_ignored", target, sig, "why",
               target->sighand->action[sig - 1].handler == LX_SIG_IGN
                   ? "handler is SIG_IGN"
                   : "default action is to ignore");
        return;
    }
    u64 *set = group ? &tg->shared_pending : &target->pending;
    struct km_sigq **q = group ? &tg->sigq : &target->sigq;
    if (sig < LX_SIGRTMIN && (*set & LX_SIGBIT(sig))) {
        ev_sig(k, "signal_merged", target, sig, "why",
               "a standard signal already pending is not queued twice");
        return;
    }
    if (!(*set & LX_SIGBIT(sig))) sigq_drop(q, sig); /* stale entries of a flushed signal */
    *set |= LX_SIGBIT(sig);
    sigq_add(q, info);
    complete_signal(k, sig, target, group);
    ev_sigstate(k, target);
}

void km_send_signal(struct km *k, struct task *sender, struct task *target, int sig, bool group,
                    int si_code)
{
    struct km_siginfo si = {.signo = sig, .code = si_code, .layout = KM_SIL_KILL};
    if (sender && si_code <= 0) {
        /* the sender's own view; 0 when it is outside the target's pid ns */
        si.pid = km_pid_nr_ns(sender, target->pidns) ? km_tgid_vnr(sender, sender) : 0;
        si.uid = sender->cred ? sender->cred->uid : 0;
    }
    km_send_signal_info(k, sender, target, group, &si);
}

void km_force_signal(struct km *k, struct task *t, int sig, int si_code, u64 addr)
{
    km_ev_begin(k, "fault", t);
    km_ev_str(k, "sig", lx_signal_name(sig));
    km_ev_int(k, "si_code", si_code);
    km_ev_hex(k, "addr", addr);
    km_ev_end(k);
    /* force_sig_info_to_task: a blocked or ignored fault signal is
     * unblocked and reset to the default action. */
    struct lx_sigaction *sa = &t->sighand->action[sig - 1];
    bool blocked = t->blocked & LX_SIGBIT(sig);
    if (blocked || sa->handler == LX_SIG_IGN) {
        sa->handler = LX_SIG_DFL;
        t->blocked &= ~LX_SIGBIT(sig);
    }
    struct km_siginfo si = {.signo = sig, .code = si_code, .layout = KM_SIL_FAULT, .addr = addr};
    km_send_signal_info(k, NULL, t, false, &si);
}

/* --- delivery --------------------------------------------------------- */

/* next_signal: synchronous signals first, then the lowest number. */
static int next_signal(u64 pending, u64 blocked)
{
    u64 m = pending & ~blocked;
    if (!m) return 0;
    u64 sync = m & SIG_SYNC_MASK;
    if (sync) m = sync;
    return __builtin_ctzll(m) + 1;
}

/* dequeue_signal: the thread's own first, then the group's. */
static int dequeue_signal(struct task *t, u64 mask_blocked, struct km_siginfo *info)
{
    bool more;
    int sig = next_signal(t->pending, mask_blocked);
    if (sig) {
        sigq_take(&t->sigq, sig, info, &more);
        if (!more) t->pending &= ~LX_SIGBIT(sig);
        return sig;
    }
    sig = next_signal(t->tg->shared_pending, mask_blocked);
    if (sig) {
        sigq_take(&t->tg->sigq, sig, info, &more);
        if (!more) t->tg->shared_pending &= ~LX_SIGBIT(sig);
    }
    return sig;
}

int km_dequeue_signal(struct task *t, u64 mask_blocked, struct km_siginfo *info)
{
    return dequeue_signal(t, mask_blocked, info);
}

static bool is_restart(i64 r)
{
    return r == -LX_ERESTARTSYS || r == -LX_ERESTARTNOINTR || r == -LX_ERESTARTNOHAND ||
           r == -LX_ERESTART_RESTARTBLOCK;
}

/* Rewind to the syscall instruction: its registers are still intact
 * (the return register was never written). */
static void restart_syscall(struct km *k, struct task *t)
{
    struct km_regs regs;
    k->host->cpu_regs_save(k->host->ctx, t, &regs);
    regs.pc -= t->abi->syscall_insn_len;
    k->host->cpu_regs_load(k->host->ctx, t, &regs);
    km_ev_begin(k, "syscall_restart", t);
    km_ev_end(k);
}

/* Write r, or restart the syscall, once: *r becomes KM_NORET. */
static void finish_result(struct km *k, struct task *t, i64 *r)
{
    if (*r == KM_NORET || *r == KM_BLOCKED) return;
    if (is_restart(*r))
        restart_syscall(k, t);
    else
        k->host->cpu_set_return(k->host->ctx, t, *r);
    *r = KM_NORET;
}

/* handle_signal's restart decision when a handler will run. */
static void handler_restart_decision(i64 *r, u64 sa_flags)
{
    if (*r == -LX_ERESTARTNOHAND || *r == -LX_ERESTART_RESTARTBLOCK)
        *r = -LX_EINTR;
    else if (*r == -LX_ERESTARTSYS)
        *r = (sa_flags & LX_SA_RESTART) ? -LX_ERESTARTNOINTR : -LX_EINTR;
}

static bool on_altstack(const struct task *t, u64 sp)
{
    const struct km_altstack *ss = &t->altstack;
    return !(ss->flags & LX_SS_DISABLE) && ss->size && sp > ss->sp && sp - ss->sp <= ss->size;
}

bool km_task_on_altstack(struct km *k, struct task *t)
{
    struct km_regs regs;
    k->host->cpu_regs_save(k->host->ctx, t, &regs);
    return on_altstack(t, regs.sp);
}

/* Build the handler frame; false if it could not be written. */
static bool deliver_to_handler(struct km *k, struct task *t, int sig, const struct km_siginfo *info,
                               struct lx_sigaction *sa)
{
    struct km_regs regs;
    k->host->cpu_regs_save(k->host->ctx, t, &regs);
    struct km_sigframe_args fa = {
        .sig = sig,
        .handler = sa->handler,
        .flags = sa->flags,
        .restorer = sa->restorer,
        .info = info,
        .saved_mask = t->restore_sigmask ? t->saved_sigmask : t->blocked,
        .altstack = t->altstack,
    };
    if (on_altstack(t, regs.sp)) fa.altstack.flags |= LX_SS_ONSTACK;
    int err = t->abi->sigframe_setup ? t->abi->sigframe_setup(t->mm, &regs, &fa) : -LX_ENOSYS;
    km_ev_begin(k, "signal_deliver", t);
    km_ev_str(k, "sig", lx_signal_name(sig));
    km_ev_hex(k, "handler", sa->handler);
    km_ev_int(k, "si_code", info->code);
    if (err) km_ev_str(k, "frame", "cannot be written: SIGSEGV");
    km_ev_end(k);
    if (err) return false;
    k->host->cpu_regs_load(k->host->ctx, t, &regs);
    if ((t->altstack.flags & LX_SS_AUTODISARM) && (sa->flags & LX_SA_ONSTACK))
        t->altstack = (struct km_altstack){.flags = LX_SS_DISABLE};
    t->restore_sigmask = false;
    t->blocked |= sa->mask;
    if (!(sa->flags & LX_SA_NODEFER)) t->blocked |= LX_SIGBIT(sig);
    t->blocked &= ~SIG_UNBLOCKABLE;
    if (sa->flags & LX_SA_RESETHAND) sa->handler = LX_SIG_DFL;
    return true;
}

void km_return_to_user(struct km *k, struct task *t, i64 r)
{
    if (r == KM_BLOCKED || t->state >= TASK_ZOMBIE) return;
    if (t->sigwait_active) { /* rt_sigtimedwait is over, however it ended */
        t->blocked = t->real_blocked;
        t->real_blocked = 0;
        t->sigwait_active = false;
    }
    for (int guard = 0; guard < 2 * LX_NSIG && t->state < TASK_ZOMBIE; guard++) {
        if (t->tg->stopped) break;
        struct km_siginfo info;
        int sig = dequeue_signal(t, t->blocked, &info);
        if (!sig) break;
        struct lx_sigaction *sa = &t->sighand->action[sig - 1];
        if (sa->handler == LX_SIG_IGN) continue;
        if (sa->handler == LX_SIG_DFL) {
            if (km_sig_default_ignored(sig)) continue;
            if (sig_default_stop(sig)) {
                finish_result(k, t, &r);
                group_stop(k, t, sig);
                break;
            }
            ev_sig(k, "signal_deliver", t, sig, "action",
                   sig_dumps_core(sig) ? "core: terminate the group" : "terminate the group");
            km_group_exit(k, t, death_status(t, sig));
            return;
        }
        handler_restart_decision(&r, sa->flags);
        finish_result(k, t, &r);
        if (!deliver_to_handler(k, t, sig, &info, sa)) {
            km_group_exit(k, t, death_status(t, LX_SIGSEGV));
            return;
        }
    }
    finish_result(k, t, &r); /* no handler ran: ERESTART* restarts */
    if (t->restore_sigmask) {
        t->blocked = t->saved_sigmask;
        t->restore_sigmask = false;
    }
    t->sigpending = false;
    ev_sigstate(k, t);
}
