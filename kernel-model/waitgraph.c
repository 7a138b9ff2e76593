/* The wait graph (km_wait_graph, waitgraph.h): for every blocked or
 * stopped task, what it waits for and which tasks could end the wait, as
 * far as the model knows. The
 * run loop prints it when every task is blocked and no timer can wake one
 * (a deadlock); --step's "tasks" shows the same lines. Reads state only. */
#include "kernel-model/waitgraph.h"
#include "kernel-model/files.h"
#include "kernel-model/futex.h"

#include <stdio.h>
#include <string.h>

#define WG_MAX_EDGES 8

struct wg_node {
    int tid;
    int nedges;
    int to[WG_MAX_EDGES]; /* tids that could end the wait */
};

static bool task_live(const struct task *p)
{
    return p->state != TASK_ZOMBIE && p->state != TASK_DEAD;
}

static const char *state_word(const struct task *p)
{
    static const char *const w[] = {"runnable", "blocked", "stopped", "zombie", "dead"};
    return (unsigned)p->state < 5 ? w[p->state] : "?";
}

/* Append " tid(state)" for p, and an edge to it. */
static void wg_who(struct wg_node *n, char *buf, size_t sz, const struct task *p, const char *how)
{
    size_t len = strlen(buf);
    snprintf(buf + len, sz - len, "%s%d%s%s (%s)", n->nedges ? ", " : "", p->tid, how ? " " : "",
             how ? how : "", state_word(p));
    if (n->nedges < WG_MAX_EDGES) n->to[n->nedges++] = p->tid;
}

static void wg_futex(struct km *k, struct task *t, struct wg_node *n, char *what, size_t wsz,
                     char *who, size_t sz)
{
    const struct futex_waiter *w = t->futex_w;
    if (!w) {
        snprintf(what, wsz, "futex (key %#llx)", (unsigned long long)t->wait.key);
        return;
    }
    if (w->key.shared) {
        snprintf(what, wsz, "shared futex at offset %#llx of a MAP_SHARED mapping",
                 (unsigned long long)w->key.off);
        snprintf(who, sz, "a FUTEX_WAKE by a task that maps it");
        return;
    }
    u32 val = 0;
    bool have = mm_read_u32(t->mm, w->key.off, &val) == 0;
    snprintf(what, wsz, "futex %#llx of mm#%llu (value %s%u)", (unsigned long long)w->key.off,
             (unsigned long long)w->key.id, have ? "" : "unreadable ", val);
    /* A thread's CLONE_CHILD_CLEARTID word: its exit wakes the futex. */
    for (struct task *p = k->tasks; p; p = p->all_next)
        if (task_live(p) && p->mm == t->mm && p->clear_child_tid == w->key.off)
            wg_who(n, who, sz, p, "at its exit (CLONE_CHILD_CLEARTID)");
    if (n->nedges) return;
    for (struct task *p = k->tasks; p; p = p->all_next)
        if (p != t && p != k->init && task_live(p) && p->mm == t->mm) wg_who(n, who, sz, p, NULL);
    if (!n->nedges) snprintf(who, sz, "no other task shares the memory");
}

/* wait4/waitid: a child process of any thread of t's group. */
static void wg_child(struct km *k, struct task *t, struct wg_node *n, char *who, size_t sz)
{
    for (struct task *p = k->tasks; p; p = p->all_next)
        if (task_live(p) && p->real_parent && p->real_parent->tg == t->tg && p->tg->leader == p)
            wg_who(n, who, sz, p, "exits or stops");
    if (!n->nedges) snprintf(who, sz, "no child left (would be ECHILD)");
}

/* A pipe end: tasks holding the other end (readers free room, writers bring data). */
static void wg_pipe(struct km *k, struct task *t, struct wg_node *n, char *what, size_t wsz,
                    char *who, size_t sz)
{
    int id = (int)(t->wait.key / 2);
    bool want_writer = t->wait.key % 2 == 0; /* a reader waits for data */
    snprintf(what, wsz, "pipe#%d (%s)", id, want_writer ? "empty, to read" : "full, to write");
    for (struct task *p = k->tasks; p; p = p->all_next) {
        if (!task_live(p) || p == t || !p->files) continue;
        for (int i = 0; i < p->files->n; i++) {
            const struct km_file *f = p->files->slot[i].f;
            if (f && f->kind == KM_FILE_PIPE && f->pipe && f->pipe->id == id &&
                f->pipe_writer == want_writer) {
                wg_who(n, who, sz, p, want_writer ? "writes" : "reads");
                break;
            }
        }
    }
    if (!n->nedges) snprintf(who, sz, "no other task holds the other end");
}

static void wg_describe(struct km *k, struct task *t, struct wg_node *n, char *what, size_t wsz,
                        char *who, size_t sz)
{
    what[0] = who[0] = '\0';
    if (t->state == TASK_STOPPED) {
        snprintf(what, wsz, "stopped by %s",
                 t->tg->stop_signal ? lx_signal_name(t->tg->stop_signal) : "a signal");
        snprintf(who, sz, "a SIGCONT");
        return;
    }
    switch (t->wait.kind) {
    case KM_WAIT_FUTEX: wg_futex(k, t, n, what, wsz, who, sz); return;
    case KM_WAIT_CHILD:
        snprintf(what, wsz, "a child (wait4/waitid)");
        wg_child(k, t, n, who, sz);
        return;
    case KM_WAIT_VFORK: {
        snprintf(what, wsz, "its vfork child %llu", (unsigned long long)t->wait.key);
        struct task *c = km_find_task(k, (int)t->wait.key);
        if (c) wg_who(n, who, sz, c, "execs or exits");
        return;
    }
    case KM_WAIT_PIPE: wg_pipe(k, t, n, what, wsz, who, sz); return;
    case KM_WAIT_SLEEP: snprintf(what, wsz, "a timer"); return;
    case KM_WAIT_POLL: snprintf(what, wsz, "poll: a change on one of its fds"); return;
    case KM_WAIT_SEM: snprintf(what, wsz, "a System V semaphore operation (semop)"); return;
    case KM_WAIT_PAUSE:
    case KM_WAIT_SIGWAIT:
        snprintf(what, wsz, "a signal (%s)",
                 t->wait.kind == KM_WAIT_PAUSE ? "pause/sigsuspend" : "sigtimedwait");
        snprintf(who, sz, "a task that sends one");
        return;
    case KM_WAIT_NONE: snprintf(what, wsz, "nothing"); return;
    }
    snprintf(what, wsz, "?");
}

void km_wait_graph(struct km *k, void (*line)(void *ctx, const char *s), void *ctx)
{
    char buf[640], what[160], who[400];
    bool any = false;
    for (struct task *t = k->tasks; t; t = t->all_next) {
        if (t == k->init || !task_live(t) || t->state == TASK_RUNNABLE) continue;
        struct wg_node n = {.tid = t->tid};
        wg_describe(k, t, &n, what, sizeof what, who, sizeof who);
        snprintf(buf, sizeof buf, "%d/%d %s waits for %s%s%s", t->tid, t->tg->tgid, t->comm, what,
                 who[0] ? "; could be ended by: " : "", who);
        line(ctx, buf);
        any = true;
    }
    for (struct task *t = k->tasks; t && any; t = t->all_next)
        if (t != k->init && t->state == TASK_RUNNABLE) any = false;
    if (any) line(ctx, "no task can run: every task that could end a wait is itself waiting");
}
