/* The kernel model's core: the instance, task allocation, the
 * deterministic scheduler with its virtual clock, and blocking/waking. */
#include "kernel-model/km.h"
#include "kernel-model/futex.h"
#include "kernel-model/internal.h"

#include <stdio.h>
#include <stdlib.h>

static u64 splitmix64(u64 *s)
{
    u64 z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

u64 km_rand(struct km *k)
{
    return splitmix64(&k->rng);
}

int km_new_res_id(struct km *k)
{
    return ++k->next_res_id;
}

void *km_zalloc(size_t n)
{
    void *p = calloc(1, n);
    if (!p) {
        fprintf(stderr, "clonemu: out of host memory\n");
        abort();
    }
    return p;
}

void km_panic(const char *what)
{
    fprintf(stderr, "clonemu: impossible state: %s\n", what);
    abort();
}

struct task *km_task_alloc(struct km *k, int tid)
{
    struct task *t = km_zalloc(sizeof *t);
    t->tid = tid;
    t->refs = 1;
    t->seq = k->next_seq++;
    t->exit_signal = -1;
    if (k->tasks_tail)
        k->tasks_tail->all_next = t;
    else
        k->tasks = t;
    k->tasks_tail = t;
    return t;
}

int km_alloc_pid(struct km *k)
{
    for (;;) {
        int pid = k->next_pid++;
        if (k->next_pid >= KM_PID_MAX) k->next_pid = 300;
        if (!km_find_task_any(k, pid)) return pid;
    }
}

struct task *km_find_task_any(struct km *k, int tid)
{
    for (struct task *t = k->tasks; t; t = t->all_next)
        if (t->tid == tid && t->state != TASK_DEAD) return t;
    return NULL;
}

struct task *km_find_task(struct km *k, int tid)
{
    struct task *t = km_find_task_any(k, tid);
    return t && t != k->init ? t : (tid == 1 ? k->init : NULL);
}

struct task *task_get(struct task *t)
{
    t->refs++;
    return t;
}

static void task_unlink_all(struct km *k, struct task *t)
{
    struct task **pp = &k->tasks, *prev = NULL;
    while (*pp && *pp != t) {
        prev = *pp;
        pp = &(*pp)->all_next;
    }
    if (!*pp) km_panic("task_put: task not on the task list");
    *pp = t->all_next;
    if (k->tasks_tail == t) k->tasks_tail = prev;
}

/* The last reference frees the task at the next scheduling point, never
 * under a caller that still holds it (the run loop, a syscall handler). */
void task_put(struct km *k, struct task *t)
{
    (void)k;
    if (--t->refs > 0) return;
    if (t->state != TASK_DEAD) km_panic("task_put: last reference of a task that is not dead");
}

static void task_free(struct km *k, struct task *t)
{
    if (t->cpu && k->host && k->host->cpu_free) k->host->cpu_free(k->host->ctx, t);
    tgroup_put(t->tg);
    pidns_task_free(k, t);
    free(t);
}

static void sched_sweep_dead(struct km *k)
{
    struct task *t = k->tasks;
    while (t) {
        struct task *n = t->all_next;
        if (t->refs <= 0 && t->state == TASK_DEAD) {
            task_unlink_all(k, t);
            task_free(k, t);
        }
        t = n;
    }
}

/* --- instance -------------------------------------------------------- */

void km_init(struct km *k, const struct km_options *opt, const struct km_host *host)
{
    memset(k, 0, sizeof *k);
    k->opt = *opt;
    if (!k->opt.slice_blocks) k->opt.slice_blocks = 20000;
    if (!k->opt.ns_per_block) k->opt.ns_per_block = 1;
    if (k->opt.first_pid < 2) k->opt.first_pid = 1000;
    if (!k->opt.hostname) k->opt.hostname = "clonemu";
    k->host = host;
    k->rng = opt->seed ^ 0x636c6f6e656d75ULL;
    k->next_pid = k->opt.first_pid;

    /* The modelled init, pid 1: it never runs guest code; it adopts
     * orphans and reaps them at once, as a real init's wait loop does. */
    struct task *init = km_task_alloc(k, 1);
    init->state = TASK_BLOCKED;
    init->wait.kind = KM_WAIT_CHILD;
    init->tg = tgroup_new(1);
    init->tg->leader = init;
    init->tg->threads = init;
    init->tg->nr_threads = 1;
    init->tg->pgid = init->tg->sid = 1;
    init->exit_signal = 0;
    init->cred = cred_new(opt->uid, opt->gid);
    init->ns = nsproxy_new_initial(k);
    init->pidns = (struct pid_ns *)km_ns_get(init->ns->ns[KM_NS_PID]);
    init->pids[0] = 1;
    init->tg->tgids[0] = 1;
    init->tg->unkillable = true;
    init->pidns->child_reaper = init;
    init->sighand = sighand_new(k);
    snprintf(init->comm, sizeof init->comm, "init");
    k->init = init;
}

void km_destroy(struct km *k)
{
    /* Release everything still alive, then the task structs themselves;
     * no events while tearing down. */
    k->ev.sinks = NULL;
    for (struct task *t = k->tasks; t; t = t->all_next)
        if (t->state < TASK_ZOMBIE && t != k->init) task_release_resources(k, t);
    task_release_resources(k, k->init);
    struct task *t = k->tasks;
    while (t) {
        struct task *n = t->all_next;
        task_free(k, t);
        t = n;
    }
    k->tasks = k->tasks_tail = NULL;
    while (k->futex_waiters) {
        struct futex_waiter *w = k->futex_waiters;
        k->futex_waiters = w->next;
        free(w);
    }
}

struct task *km_spawn_initial(struct km *k, const struct km_abi *abi, struct mm *mm)
{
    struct task *t = km_task_alloc(k, km_alloc_pid(k));
    t->abi = abi;
    t->mm = mm;
    if (!mm->id) mm->id = km_new_res_id(k);
    t->pidns = (struct pid_ns *)km_ns_get(k->init->ns->ns[KM_NS_PID]);
    t->pids[0] = t->tid;
    t->tg = tgroup_new(t->tid);
    t->tg->leader = t;
    t->tg->threads = t;
    t->tg->nr_threads = 1;
    t->tg->pgid = t->tg->sid = t->tid;
    pidns_new_group(t);
    t->exit_signal = LX_SIGCHLD;
    t->real_parent = k->init;
    task_add_child(k->init, t);
    t->files = files_new_stdio(k);
    t->fs = fs_new(k);
    t->sighand = sighand_new(k);
    t->sysvsem = sysvsem_new(k);
    t->io = res_new(k);
    t->ns = nsproxy_get(k->init->ns);
    t->cred = cred_get(k->init->cred);
    t->state = TASK_RUNNABLE;
    snprintf(t->comm, sizeof t->comm, "main");
    k->initial_tg = t->tg;
    km_ev_begin(k, "task_new", t);
    km_ev_int(k, "parent", k->init->tid);
    km_ev_str(k, "how", "initial");
    km_ev_int(k, "mm", t->mm->id);
    km_ev_int(k, "files", files_id(t->files));
    km_ev_int(k, "fs", fs_id(t->fs));
    km_ev_int(k, "sighand", t->sighand->id);
    km_ev_end(k);
    return t;
}

bool km_all_exited(const struct km *k)
{
    for (const struct task *t = k->tasks; t; t = t->all_next)
        if (t != k->init && t->state < TASK_ZOMBIE) return false;
    return true;
}

/* --- blocking and waking ---------------------------------------------- */

static const char *wait_kind_name(enum km_wait_kind w)
{
    static const char *const names[] = {"none", "futex", "child", "vfork",   "sleep",
                                        "pipe", "poll",  "pause", "sigwait", "sem"};
    return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

const char *km_wait_kind_name(enum km_wait_kind w)
{
    return wait_kind_name(w);
}

i64 km_block(struct km *k, struct task *t, enum km_wait_kind kind, u64 key, u64 deadline_ns,
             i64 timeout_result)
{
    /* signal_pending(): an interruptible sleep does not start while a
     * signal the task does not block is pending. */
    if (kind != KM_WAIT_VFORK && km_signal_deliverable(t)) {
        if (kind == KM_WAIT_FUTEX) futex_cancel_wait(k, t);
        return km_interrupted_result(kind);
    }
    t->state = TASK_BLOCKED;
    t->wait = (struct km_wait){
        .kind = kind,
        .key = key,
        .deadline_ns = deadline_ns,
        .timeout_result = timeout_result,
        .seq = ++k->block_seq,
    };
    k->need_resched = true;
    if (km_ev_enabled(k)) {
        km_ev_begin(k, "block", t);
        km_ev_str(k, "on", wait_kind_name(kind));
        if (key) km_ev_hex(k, "key", key);
        if (deadline_ns) km_ev_int(k, "deadline_ns", (i64)deadline_ns);
        km_ev_end(k);
    }
    return KM_BLOCKED;
}

void km_wake(struct km *k, struct task *t, bool has_result, i64 result)
{
    if (t->state != TASK_BLOCKED) return;
    t->state = TASK_RUNNABLE;
    t->wait.has_result = has_result;
    t->wait.result = result;
    if (km_ev_enabled(k)) {
        km_ev_begin(k, "wake", t);
        km_ev_str(k, "from", wait_kind_name(t->wait.kind));
        if (has_result) km_ev_int(k, "result", result);
        km_ev_end(k);
    }
}

int km_wake_one(struct km *k, enum km_wait_kind kind, u64 key)
{
    struct task *first = NULL;
    for (struct task *t = k->tasks; t; t = t->all_next)
        if (t != k->init && t->state == TASK_BLOCKED && t->wait.kind == kind &&
            t->wait.key == key && (!first || t->wait.seq < first->wait.seq))
            first = t;
    if (first) km_wake(k, first, false, 0);
    return first != NULL;
}

int km_wake_all(struct km *k, enum km_wait_kind kind, u64 key)
{
    int n = 0;
    for (struct task *t = k->tasks; t; t = t->all_next) {
        if (t == k->init || t->state != TASK_BLOCKED || t->wait.kind != kind) continue;
        if (key && t->wait.key != key) continue;
        km_wake(k, t, false, 0);
        n++;
    }
    return n;
}

/* --- scheduler -------------------------------------------------------- */

/* Wake every task whose deadline has passed and fire due alarms, in
 * creation order (deterministic). */
static void sched_fire_timers(struct km *k)
{
    for (struct task *t = k->tasks; t; t = t->all_next) {
        if (t == k->init) continue;
        if (t->state == TASK_BLOCKED && t->wait.deadline_ns && t->wait.deadline_ns <= k->now_ns) {
            if (t->wait.kind == KM_WAIT_FUTEX) futex_cancel_wait(k, t);
            km_wake(k, t, true, t->wait.timeout_result);
        }
        struct tgroup *tg = t->tg;
        if (t == tg->leader && tg->alarm_deadline_ns && tg->alarm_deadline_ns <= k->now_ns &&
            tg->nr_threads > 0) {
            /* ITIMER_REAL: re-armed by its interval, if any */
            tg->alarm_deadline_ns = tg->itimer_interval_ns ? k->now_ns + tg->itimer_interval_ns : 0;
            km_send_signal(k, NULL, t, LX_SIGALRM, true, LX_SI_KERNEL);
        }
    }
}

/* The earliest deadline of any blocked task or alarm, 0 if none. */
static u64 sched_next_deadline(const struct km *k)
{
    u64 best = 0;
    for (const struct task *t = k->tasks; t; t = t->all_next) {
        if (t == k->init) continue;
        u64 d = 0;
        if (t->state == TASK_BLOCKED && t->wait.deadline_ns) d = t->wait.deadline_ns;
        if (t == t->tg->leader && t->tg->alarm_deadline_ns && t->tg->nr_threads > 0 &&
            (!d || t->tg->alarm_deadline_ns < d))
            d = t->tg->alarm_deadline_ns;
        if (d && (!best || d < best)) best = d;
    }
    return best;
}

static bool task_can_run(const struct km *k, const struct task *t)
{
    return km_task_can_run(k, t);
}

struct task *km_sched_next(struct km *k)
{
    sched_sweep_dead(k);
    for (;;) {
        sched_fire_timers(k);
        /* Round robin in creation order, starting after the last task run. */
        struct task *first = NULL, *after = NULL;
        for (struct task *t = k->tasks; t; t = t->all_next) {
            if (!task_can_run(k, t)) continue;
            if (!first) first = t;
            if (!after && t->seq > k->last_seq) after = t;
        }
        struct task *next = after ? after : first;
        if (next) {
            k->last_seq = next->seq;
            k->current = next;
            k->need_resched = false;
            return next;
        }
        u64 d = sched_next_deadline(k);
        if (!d) return NULL;
        if (d > k->now_ns) k->now_ns = d; /* nothing can run: virtual time jumps to the timer */
    }
}

bool km_sched_alone(const struct km *k, const struct task *t)
{
    if (!task_can_run(k, t) || sched_next_deadline(k)) return false;
    for (const struct task *o = k->tasks; o; o = o->all_next)
        if (o != t && task_can_run(k, o)) return false;
    return true;
}

u64 km_sched_slice(struct km *k)
{
    u64 base = k->opt.slice_blocks;
    return base / 2 + km_rand(k) % (base ? base : 1);
}

void km_account(struct km *k, struct task *t, u64 blocks)
{
    (void)t;
    k->now_ns += blocks * k->opt.ns_per_block;
}

/* A one-line report of every live task and what it waits for (deadlock). */
void km_report_waits(struct km *k, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = 0;
    for (struct task *t = k->tasks; t && used < n; t = t->all_next) {
        if (t == k->init || t->state >= TASK_ZOMBIE) continue;
        int w = snprintf(buf + used, n - used, "%s%d:%s", used ? " " : "", t->tid,
                         t->state == TASK_BLOCKED ? wait_kind_name(t->wait.kind) : "runnable");
        if (w < 0) break;
        used += (size_t)w;
    }
}
