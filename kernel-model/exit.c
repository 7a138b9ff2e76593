/* Task exit, as kernel/exit.c: mm_release (CHILD_CLEARTID, vfork
 * release), resources dropped, children reparented to a live thread of the
 * group, the nearest subreaper or init, the parent notified when the whole
 * group is gone, threads self-reaped. */
#include "kernel-model/futex.h"
#include "kernel-model/internal.h"

#include <stdio.h>

void task_release_resources(struct km *k, struct task *t)
{
    if (t->mm) {
        mm_put(t->mm);
        t->mm = NULL;
    }
    if (t->files) {
        files_put(k, t->files);
        t->files = NULL;
    }
    if (t->fs) {
        fs_put(k, t->fs);
        t->fs = NULL;
    }
    sighand_put(t->sighand);
    t->sighand = NULL;
    sysvsem_exit(k, t); /* exit_sem: the last sharer applies the SEM_UNDO adjustments */
    res_put(t->io);
    t->io = NULL;
    nsproxy_put(k, t->ns);
    t->ns = NULL;
    cred_put(t->cred);
    t->cred = NULL;
}

/* The vfork parent resumes with the child's pid as clone's result. */
static void vfork_release(struct km *k, struct task *t, const char *why)
{
    struct task *p = t->vfork_parent;
    if (!p) return;
    t->vfork_parent = NULL;
    if (p->state == TASK_BLOCKED && p->wait.kind == KM_WAIT_VFORK) {
        km_ev_begin(k, "vfork_release", p);
        km_ev_int(k, "child", t->tid);
        km_ev_str(k, "because", why);
        km_ev_end(k);
        km_wake(k, p, true, km_pid_vnr(p, t));
    }
    task_put(k, p);
}

/* mm_release: at exit and exec. CLONE_CHILD_CLEARTID writes 0 and wakes one
 * futex waiter if another task still uses the mm. */
void km_mm_release(struct km *k, struct task *t, const char *why)
{
    if (t->clear_child_tid && t->mm && t->mm->refs > 1) {
        if (mm_write_u32(t->mm, t->clear_child_tid, 0) == 0)
            futex_wake_addr(k, t->mm, t->clear_child_tid, 1);
    }
    t->clear_child_tid = 0;
    vfork_release(k, t, why);
}

bool task_group_dead(const struct task *leader)
{
    return leader->tg->nr_threads == 0;
}

/* find_new_reaper: a live thread of the same group, else the nearest
 * ancestor in the same pid namespace that is a child subreaper, else the
 * init of father's pid namespace. */
static struct task *find_new_reaper(struct km *k, struct task *father)
{
    for (struct task *th = father->tg->threads; th; th = th->tg_next)
        if (th != father && th->state < TASK_ZOMBIE) return th;
    struct task *reaper = pidns_child_reaper(k, father);
    if (father->tg->has_child_subreaper) {
        for (struct task *a = father->tg->leader->real_parent;
             a && a != k->init && a != reaper &&
             pidns_level(a->pidns) == pidns_level(father->pidns);
             a = a->tg->leader->real_parent) {
            if (!a->tg->is_child_subreaper) continue;
            for (struct task *th = a->tg->threads; th; th = th->tg_next)
                if (th->state < TASK_ZOMBIE) return th;
        }
    }
    return reaper;
}

static void notify_parent(struct km *k, struct task *leader);

static void reparent_children(struct km *k, struct task *father)
{
    if (!father->children) return;
    struct task *reaper = find_new_reaper(k, father);
    while (father->children) {
        struct task *c = father->children;
        father->children = c->sibling;
        c->real_parent = reaper;
        /* threads of c's group follow their leader's parent */
        for (struct task *th = c->tg->threads; th; th = th->tg_next)
            th->real_parent = reaper;
        task_add_child(reaper, c);
        km_ev_begin(k, "reparent", c);
        km_ev_int(k, "from", father->tid);
        km_ev_int(k, "to", reaper->tid);
        km_ev_end(k);
        /* reparent_leader, only when the reaper is another process: the
         * exit signal becomes SIGCHLD, and an already dead group is
         * reported to its new parent now. */
        if (reaper->tg != father->tg) {
            c->exit_signal = LX_SIGCHLD;
            if (c->state == TASK_ZOMBIE && task_group_dead(c)) notify_parent(k, c);
        }
    }
}

/* The group of leader is gone: signal the parent with exit_signal, or
 * reap at once if the parent ignores SIGCHLD (or is the modelled init). */
static void notify_parent(struct km *k, struct task *leader)
{
    struct task *p = leader->real_parent;
    struct tgroup *tg = leader->tg;
    int status = tg->group_exit ? tg->group_exit_code : leader->exit_code;
    tg->pidfd_poll_ready = true;
    if (tg == k->initial_tg) {
        k->initial_status = status;
        k->initial_exited = true;
    }
    km_ev_begin(k, "zombie", leader);
    km_ev_int(k, "parent", p->tid);
    if ((status & 0x7f) == 0)
        km_ev_int(k, "exit_code", (status >> 8) & 0xff);
    else
        km_ev_str(k, "killed_by", lx_signal_name(status & 0x7f));
    km_ev_str(k, "exit_signal",
              leader->exit_signal > 0 ? lx_signal_name(leader->exit_signal) : "none");
    km_ev_end(k);

    bool autoreap = p == k->init;
    int sig = leader->exit_signal;
    if (sig == LX_SIGCHLD && p->sighand) {
        const struct lx_sigaction *sa = &p->sighand->action[LX_SIGCHLD - 1];
        if (sa->handler == LX_SIG_IGN || (sa->flags & LX_SA_NOCLDWAIT)) autoreap = true;
    }
    if (sig > 0 && p != k->init) {
        struct km_siginfo si = {.signo = sig,
                                .layout = KM_SIL_CHLD,
                                .code = (status & 0x7f) == 0 ? LX_CLD_EXITED
                                        : (status & 0x80)    ? LX_CLD_DUMPED
                                                             : LX_CLD_KILLED,
                                .pid = km_tgid_nr_ns(leader, p->pidns),
                                .uid = leader->exit_uid,
                                .status = (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff};
        km_send_signal_info(k, NULL, p, true, &si);
    }
    km_wake_all(k, KM_WAIT_CHILD, 0);
    km_wake_all(k, KM_WAIT_POLL, 0);
    if (autoreap) km_reap(k, leader);
}

/* Release a zombie group leader (wait consumed it, or autoreap). */
void km_reap(struct km *k, struct task *leader)
{
    if (leader->state != TASK_ZOMBIE) km_panic("km_reap: not a zombie");
    km_ev_begin(k, "reap", leader);
    km_ev_int(k, "by", leader->real_parent->tid);
    km_ev_end(k);
    task_remove_child(leader->real_parent, leader);
    km_set_state(k, leader, TASK_DEAD);
    /* The threads are already dead; drop the group's references to them. */
    struct task *th = leader->tg->threads;
    leader->tg->threads = leader->tg->threads_tail = NULL;
    while (th) {
        struct task *n = th->tg_next;
        th->tg_next = th->tg_prev = NULL;
        if (th != leader) task_put(k, th);
        th = n;
    }
    task_put(k, leader);
}

/* __unhash_process: a dead thread (not the leader) leaves its group at
 * once and the group's reference goes, so a process that has created and
 * joined many threads does not keep them (and every scan of the task list
 * does not walk them). Freed at the next scheduling point. */
static void thread_unhash(struct km *k, struct task *t)
{
    struct tgroup *tg = t->tg;
    if (t != tg->threads && !t->tg_prev) return; /* not on the list */
    tg_thread_unlink(tg, t);
    if (tg->curr_target == t) tg->curr_target = NULL;
    task_put(k, t);
}

void km_task_exit(struct km *k, struct task *t, int status)
{
    if (t->state >= TASK_ZOMBIE) return;
    if (t->state == TASK_BLOCKED && t->wait.kind == KM_WAIT_FUTEX) futex_cancel_wait(k, t);
    if (t->state == TASK_BLOCKED) { /* nothing may wake a dying task */
        km_set_state(k, t, TASK_RUNNABLE);
        t->wait = (struct km_wait){0};
    }
    t->psys.active = false;
    futex_exit_robust_list(k, t);
    km_mm_release(k, t, "exit");
    t->exit_code = status;
    t->exit_uid = t->cred ? t->cred->uid : 0;
    km_sigq_free(&t->sigq);
    t->pending = 0;
    t->tg->nr_threads--;
    bool leader = t == t->tg->leader;
    km_ev_begin(k, "exit", t);
    if ((status & 0x7f) == 0)
        km_ev_int(k, "code", (status >> 8) & 0xff);
    else
        km_ev_str(k, "signal", lx_signal_name(status & 0x7f));
    km_ev_int(k, "threads_left", t->tg->nr_threads);
    km_ev_end(k);
    pidns_exit_notify(k, t);
    reparent_children(k, t);
    task_release_resources(k, t);
    if (k->current == t) k->need_resched = true;

    if (leader) {
        km_set_state(k, t, TASK_ZOMBIE);
        if (task_group_dead(t)) notify_parent(k, t);
    } else {
        /* A thread reaps itself; the group is reported when the last
         * thread goes and the leader is already a zombie. */
        km_set_state(k, t, TASK_DEAD);
        thread_unhash(k, t);
        struct task *l = t->tg->leader;
        if (task_group_dead(l) && l->state == TASK_ZOMBIE) notify_parent(k, l);
        km_wake_all(k, KM_WAIT_POLL, 0);
    }
}

void km_group_exit(struct km *k, struct task *t, int status)
{
    struct tgroup *tg = t->tg;
    if (!tg->group_exit) {
        tg->group_exit = true;
        tg->group_exit_code = status;
    }
    /* zap_other_threads: every other thread dies (SIGKILL), the caller last */
    for (struct task *th = tg->threads, *n; th; th = n) {
        n = th->tg_next; /* th leaves the list when it dies */
        if (th != t) km_task_exit(k, th, tg->group_exit_code);
    }
    km_task_exit(k, t, tg->group_exit_code);
}
