/* Signals, as far as issue 2 needs them: generation with default actions
 * (terminate, ignore), blocked and caught signals recorded as pending.
 * Delivery to handlers, stop/continue and target choice come with the
 * signal issue; until then a caught signal is pending and reported. */
#include "kernel-model/internal.h"

#include <stdio.h>

bool km_sig_default_ignored(int sig)
{
    return sig == LX_SIGCHLD || sig == LX_SIGCONT || sig == LX_SIGURG || sig == LX_SIGWINCH;
}

static bool sig_default_stop(int sig)
{
    return sig == LX_SIGSTOP || sig == LX_SIGTSTP || sig == LX_SIGTTIN || sig == LX_SIGTTOU;
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

static void ev_signal(struct km *k, const char *kind, struct task *sender, struct task *target,
                      int sig, bool group, const char *action)
{
    km_ev_begin(k, kind, target);
    km_ev_str(k, "sig", lx_signal_name(sig));
    if (sender) km_ev_int(k, "from", sender->tid);
    km_ev_str(k, "to", group ? "process" : "thread");
    km_ev_str(k, "action", action);
    km_ev_end(k);
}

void km_send_signal(struct km *k, struct task *sender, struct task *target, int sig, bool group,
                    int si_code)
{
    (void)si_code;
    if (sig <= 0 || sig > LX_NSIG || target->state >= TASK_ZOMBIE || !target->sighand) return;
    if (target == k->init) /* init ignores signals it has no handler for */
        return;
    const struct lx_sigaction *sa = &target->sighand->action[sig - 1];
    bool unstoppable = sig == LX_SIGKILL || sig == LX_SIGSTOP;
    if (!unstoppable &&
        (sa->handler == LX_SIG_IGN || (sa->handler == LX_SIG_DFL && km_sig_default_ignored(sig)))) {
        ev_signal(k, "signal_ignored", sender, target, sig, group, "ignore");
        return;
    }
    bool blocked = !unstoppable && (target->blocked & LX_SIGBIT(sig));
    if (blocked || (!unstoppable && sa->handler != LX_SIG_DFL)) {
        if (group)
            target->tg->shared_pending |= LX_SIGBIT(sig);
        else
            target->pending |= LX_SIGBIT(sig);
        ev_signal(k, "signal", sender, target, sig, group,
                  blocked ? "pending_blocked" : "pending_handler");
        if (!blocked && k->host->diag) {
            char line[160];
            snprintf(line, sizeof line,
                     "clonemu: %s for task %d has a handler; handler delivery is not modelled "
                     "yet, it stays pending",
                     lx_signal_name(sig), target->tid);
            k->host->diag(k->host->ctx, line);
        }
        return;
    }
    if (sig_default_stop(sig)) {
        /* Group stop comes with the signal issue; record the signal. */
        target->tg->shared_pending |= LX_SIGBIT(sig);
        ev_signal(k, "signal", sender, target, sig, group, "stop_not_modelled");
        return;
    }
    ev_signal(k, "signal", sender, target, sig, group, "terminate");
    km_group_exit(k, target, death_status(target, sig));
}

void km_force_signal(struct km *k, struct task *t, int sig, int si_code, u64 addr)
{
    km_ev_begin(k, "fault", t);
    km_ev_str(k, "sig", lx_signal_name(sig));
    km_ev_int(k, "si_code", si_code);
    km_ev_hex(k, "addr", addr);
    km_ev_end(k);
    /* force_sig_fault: a blocked or ignored fault signal is unblocked and
     * reset to default; a handler would run, which is not modelled yet. */
    if (t->sighand && t->sighand->action[sig - 1].handler > LX_SIG_IGN && k->host->diag)
        k->host->diag(k->host->ctx,
                      "clonemu: fault with a handler installed; handler delivery is not modelled "
                      "yet, the process is killed");
    km_group_exit(k, t, death_status(t, sig));
}

/* Issue-3 work in progress: until delivery lands, only the return value. */
void km_return_to_user(struct km *k, struct task *t, i64 r)
{
    if (r == KM_NORET || r == KM_BLOCKED || t->state >= TASK_ZOMBIE)
        return;
    k->host->cpu_set_return(k->host->ctx, t, r);
}

bool km_task_can_run(const struct km *k, const struct task *t)
{
    return t != k->init && t->state == TASK_RUNNABLE;
}
