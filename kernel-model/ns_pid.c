/* pid namespaces (kernel/pid.c, kernel/pid_namespace.c): numbers at every
 * level, the caller's view of a pid, allocation with clone3's set_tid,
 * the namespace init (child reaper, SIGNAL_UNKILLABLE) and the death of a
 * namespace with its init (zap_pid_ns_processes). */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"

struct pid_ns *pidns_new_initial(struct km *k)
{
    struct pid_ns *p = km_zalloc(sizeof *p);
    p->adding = true;
    km_ns_setup(k, &p->ns, KM_NS_PID, NULL, true, NULL);
    return p;
}

struct pid_ns *pidns_create(struct km *k, const struct task *by, struct pid_ns *parent,
                            struct user_ns *owner)
{
    struct pid_ns *p = km_zalloc(sizeof *p);
    p->level = parent->level + 1;
    p->parent = (struct pid_ns *)km_ns_get(&parent->ns);
    p->adding = true;
    km_ns_setup(k, &p->ns, KM_NS_PID, by, false, owner);
    return p;
}

struct pid_ns *pidns_at_level(const struct pid_ns *ns, int level)
{
    if (!ns || level < 0 || level > ns->level) return NULL;
    while (ns->level > level)
        ns = ns->parent;
    return (struct pid_ns *)ns;
}

bool pidns_within(const struct pid_ns *anc, const struct pid_ns *ns)
{
    return anc && pidns_at_level(ns, anc->level) == anc;
}

/* A NULL namespace is the initial one (tasks made by hand in unit tests
 * have none); level 0 numbers are the global tid and tgid. */
int km_pid_nr_ns(const struct task *p, const struct pid_ns *ns)
{
    if (!p) return 0;
    if (!ns || ns->level == 0) return p->tid;
    return p->pidns && pidns_within(ns, p->pidns) ? p->pids[ns->level] : 0;
}

int km_tgid_nr_ns(const struct task *p, const struct pid_ns *ns)
{
    if (!p || !p->tg) return 0;
    if (!ns || ns->level == 0) return p->tg->tgid;
    return p->pidns && pidns_within(ns, p->pidns) ? p->tg->tgids[ns->level] : 0;
}

int km_pid_vnr(const struct task *caller, const struct task *p)
{
    return km_pid_nr_ns(p, caller->pidns);
}

int km_tgid_vnr(const struct task *caller, const struct task *p)
{
    return km_tgid_nr_ns(p, caller->pidns);
}

struct task *km_find_task_ns(struct km *k, const struct pid_ns *ns, int nr)
{
    if (nr <= 0) return NULL;
    if (!ns || ns->level == 0) return km_find_task(k, nr);
    for (struct task *t = k->tasks; t; t = t->all_next)
        if (t->state != TASK_DEAD && km_pid_nr_ns(t, ns) == nr) return t;
    return NULL;
}

struct task *km_find_task_vnr(struct km *k, const struct task *caller, int nr)
{
    return km_find_task_ns(k, caller->pidns, nr);
}

int km_pid_global_to_vnr(struct km *k, const struct task *caller, int global)
{
    if (!caller->pidns || caller->pidns->level == 0) return global;
    return km_pid_vnr(caller, km_find_task(k, global));
}

int km_pid_vnr_to_global(struct km *k, const struct task *caller, int nr)
{
    if (!caller->pidns || caller->pidns->level == 0) return nr;
    struct task *p = km_find_task_vnr(k, caller, nr);
    return p ? p->tid : -1;
}

/* alloc_pid's cyclic allocation in one namespace below the initial one
 * (the initial one keeps km_alloc_pid: guest pids start at 1000). */
static int pidns_alloc_nr(struct km *k, struct pid_ns *ns)
{
    for (int tries = 0; tries < KM_PID_MAX; tries++) {
        int nr = ++ns->last_pid;
        if (nr >= KM_PID_MAX) nr = ns->last_pid = 300; /* RESERVED_PIDS after a wrap */
        if (!km_find_task_ns(k, ns, nr)) return nr;
    }
    km_panic("pidns_alloc_nr: no free pid (the clone rules let a full namespace through)");
}

void pidns_assign(struct km *k, struct task *c, struct pid_ns *ns, const i32 *set_tid,
                  u32 set_tid_size)
{
    c->pidns = (struct pid_ns *)km_ns_get(&ns->ns);
    for (struct pid_ns *p = ns; p; p = p->parent) {
        u32 i = (u32)(ns->level - p->level); /* set_tid[0] is the innermost level */
        int nr;
        if (i < set_tid_size)
            nr = set_tid[i];
        else if (p->level == 0)
            nr = km_alloc_pid(k);
        else
            nr = pidns_alloc_nr(k, p);
        c->pids[p->level] = nr;
    }
    km_task_set_tid(k, c, c->pids[0]);
    /* is_child_reaper: pid 1 of its own namespace */
    if (c->pids[ns->level] == 1) ns->child_reaper = c;
}

void pidns_new_group(struct task *leader)
{
    struct tgroup *tg = leader->tg;
    memcpy(tg->tgids, leader->pids, sizeof tg->tgids);
    tg->tgid = leader->tid;
    if (leader->pidns->child_reaper == leader) tg->unkillable = true;
}

void pidns_task_free(struct km *k, struct task *t)
{
    struct pid_ns *ns = t->pidns;
    if (!ns) return;
    t->pidns = NULL;
    if (ns->child_reaper == t) ns->child_reaper = NULL;
    km_ns_put(k, &ns->ns);
}

struct task *pidns_child_reaper(struct km *k, const struct task *father)
{
    struct pid_ns *ns = father->pidns;
    if (ns && ns->child_reaper && ns->child_reaper->state < TASK_ZOMBIE) return ns->child_reaper;
    return k->init;
}

/* zap_pid_ns_processes, run by the dying init of ns. */
static void pidns_zap(struct km *k, struct task *init, struct pid_ns *ns)
{
    ns->adding = false; /* disable_pid_allocation: later forks get ENOMEM */
    /* Children autoreap from now on; SIGKILL everything else in ns. */
    if (init->sighand) init->sighand->action[LX_SIGCHLD - 1].handler = LX_SIG_IGN;
    int killed = 0;
    for (struct task *p = k->tasks; p; p = p->all_next) {
        if (p->state >= TASK_ZOMBIE || p->tg == init->tg || !pidns_within(ns, p->pidns)) continue;
        if (p->tg->group_exit) continue;
        killed++;
        struct km_siginfo si = {.signo = LX_SIGKILL, .code = LX_SI_KERNEL, .layout = KM_SIL_KILL};
        km_send_signal_info(k, NULL, p, true, &si);
    }
    km_ev_begin(k, "pidns_zap", init);
    km_ev_int(k, "id", ns->ns.id);
    km_ev_int(k, "killed", killed);
    km_ev_end(k);
    /* kernel_wait4(-1, __WALL) until ECHILD: reap every dead child. */
    for (struct task *th = init->tg->threads; th; th = th->tg_next) {
        struct task *c = th->children;
        while (c) {
            struct task *n = c->sibling;
            if (c->state == TASK_ZOMBIE && task_group_dead(c)) km_reap(k, c);
            c = n;
        }
    }
}

void pidns_exit_notify(struct km *k, struct task *t)
{
    struct pid_ns *ns = t->pidns;
    if (!ns || ns->child_reaper != t) return;
    for (struct task *th = t->tg->threads; th; th = th->tg_next)
        if (th != t && th->state < TASK_ZOMBIE) { /* find_alive_thread */
            ns->child_reaper = th;
            return;
        }
    pidns_zap(k, t, ns);
}

bool pidns_init_ignores(struct km *k, const struct task *sender, const struct task *target, int sig)
{
    (void)k;
    if (!target->tg->unkillable || !target->sighand) return false;
    if (target->sighand->action[sig - 1].handler != LX_SIG_DFL) return false;
    /* force: the kernel, or a sender in an ancestor namespace; only
     * SIGKILL and SIGSTOP are then let through (sig_kernel_only). */
    bool force = !sender || !km_pid_nr_ns(sender, target->pidns);
    return !(force && (sig == LX_SIGKILL || sig == LX_SIGSTOP));
}
