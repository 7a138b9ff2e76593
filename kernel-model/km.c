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

/* --- the pid hash ------------------------------------------------------ */

static u32 pid_slot(const struct km *k, int tid)
{
    return ((u32)tid * 0x9e3779b1u) & k->pid_hash_mask;
}

static void pid_hash_add(struct km *k, struct task *t)
{
    u32 i = pid_slot(k, t->tid);
    t->hash_next = k->pid_hash[i];
    k->pid_hash[i] = t;
}

static void pid_hash_del(struct km *k, struct task *t)
{
    struct task **pp = &k->pid_hash[pid_slot(k, t->tid)];
    while (*pp != t) {
        if (!*pp) km_panic("pid hash: task not hashed");
        pp = &(*pp)->hash_next;
    }
    *pp = t->hash_next;
    t->hash_next = NULL;
}

/* Keep the chains short: twice as many slots as tasks at most. */
static void pid_hash_grow(struct km *k)
{
    if (k->pid_hash && k->nr_tasks <= k->pid_hash_mask + 1) return;
    u32 size = k->pid_hash ? 2 * (k->pid_hash_mask + 1) : 256;
    struct task **old = k->pid_hash;
    u32 old_size = old ? k->pid_hash_mask + 1 : 0;
    k->pid_hash = km_zalloc(size * sizeof *k->pid_hash);
    k->pid_hash_mask = size - 1;
    for (u32 i = 0; i < old_size; i++)
        for (struct task *t = old[i], *n; t; t = n) {
            n = t->hash_next;
            pid_hash_add(k, t);
        }
    free(old);
}

/* Link a task made elsewhere (unit tests build tasks by hand) into the
 * task list and the pid hash. */
void km_task_link(struct km *k, struct task *t)
{
    t->all_next = NULL;
    t->all_prev = k->tasks_tail;
    if (k->tasks_tail)
        k->tasks_tail->all_next = t;
    else
        k->tasks = t;
    k->tasks_tail = t;
    k->nr_tasks++;
    if (t->state < TASK_ZOMBIE) k->nr_live++;
    pid_hash_grow(k);
    pid_hash_add(k, t);
}

void km_task_set_tid(struct km *k, struct task *t, int tid)
{
    pid_hash_del(k, t);
    t->tid = tid;
    pid_hash_add(k, t);
}

struct task *km_task_alloc(struct km *k, int tid)
{
    struct task *t = km_zalloc(sizeof *t);
    t->tid = tid;
    t->refs = 1;
    t->seq = k->next_seq++;
    t->exit_signal = -1;
    km_task_link(k, t);
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
    if (!k->pid_hash) return NULL;
    for (struct task *t = k->pid_hash[pid_slot(k, tid)]; t; t = t->hash_next)
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

/* The number of live guest tasks (not yet zombies), the modelled init aside. */
u64 km_live_tasks(const struct km *k)
{
    return k->nr_live - (k->init && k->init->state < TASK_ZOMBIE);
}

/* The last reference frees the task at the next scheduling point, never
 * under a caller that still holds it (the run loop, a syscall handler). */
void task_put(struct km *k, struct task *t)
{
    if (--t->refs > 0) return;
    if (t->state != TASK_DEAD) km_panic("task_put: last reference of a task that is not dead");
    if (!k) return;
    t->dead_next = k->dead;
    k->dead = t;
}

void km_task_free(struct km *k, struct task *t)
{
    if (t->all_prev)
        t->all_prev->all_next = t->all_next;
    else
        k->tasks = t->all_next;
    if (t->all_next)
        t->all_next->all_prev = t->all_prev;
    else
        k->tasks_tail = t->all_prev;
    k->nr_tasks--;
    if (t->state < TASK_ZOMBIE) k->nr_live--;
    pid_hash_del(k, t);
    km_waitq_unlink(k, t);
    km_sched_forget(k, t);
    if (t->cpu && k->host && k->host->cpu_free) k->host->cpu_free(k->host->ctx, t);
    tgroup_put(t->tg);
    pidns_task_free(k, t);
    free(t);
}

/* --- thread groups ---------------------------------------------------- */

void tg_thread_append(struct tgroup *tg, struct task *t)
{
    t->tg_next = NULL;
    t->tg_prev = tg->threads_tail;
    if (tg->threads_tail)
        tg->threads_tail->tg_next = t;
    else
        tg->threads = t;
    tg->threads_tail = t;
}

void tg_thread_unlink(struct tgroup *tg, struct task *t)
{
    if (t->tg_prev)
        t->tg_prev->tg_next = t->tg_next;
    else
        tg->threads = t->tg_next;
    if (t->tg_next)
        t->tg_next->tg_prev = t->tg_prev;
    else
        tg->threads_tail = t->tg_prev;
    t->tg_next = t->tg_prev = NULL;
}

/* --- task state ------------------------------------------------------- */

void km_set_state(struct km *k, struct task *t, enum task_state s)
{
    enum task_state old = t->state;
    t->state = s;
    if ((old < TASK_ZOMBIE) != (s < TASK_ZOMBIE)) {
        if (s < TASK_ZOMBIE)
            k->nr_live++;
        else
            k->nr_live--;
    }
    if (s != TASK_BLOCKED) {
        km_waitq_unlink(k, t);
        if (t->tmr_pos) km_timer_update(k, t);
    }
    km_rq_update(k, t);
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
    tg_thread_append(init->tg, init);
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
    km_sched_free(k);
    k->dead = NULL;
    while (k->tasks)
        km_task_free(k, k->tasks);
    free(k->pid_hash);
    k->pid_hash = NULL;
    futex_free_all(k);
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
    tg_thread_append(t->tg, t);
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
    km_set_state(k, t, TASK_RUNNABLE);
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
    return km_live_tasks(k) == 0;
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

/* --- wait lists: the blocked tasks of each kind, in block order --------- */

void km_waitq_unlink(struct km *k, struct task *t)
{
    int w = t->wq_kind;
    if (!w) return;
    if (t->wq_prev)
        t->wq_prev->wq_next = t->wq_next;
    else
        k->waitq_head[w] = t->wq_next;
    if (t->wq_next)
        t->wq_next->wq_prev = t->wq_prev;
    else
        k->waitq_tail[w] = t->wq_prev;
    t->wq_next = t->wq_prev = NULL;
    t->wq_kind = KM_WAIT_NONE;
}

static void waitq_append(struct km *k, struct task *t, enum km_wait_kind w)
{
    km_waitq_unlink(k, t);
    if (w <= KM_WAIT_NONE || w >= KM_WAIT_NKINDS) return;
    t->wq_kind = (int)w;
    t->wq_prev = k->waitq_tail[w];
    if (k->waitq_tail[w])
        k->waitq_tail[w]->wq_next = t;
    else
        k->waitq_head[w] = t;
    k->waitq_tail[w] = t;
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
    km_set_state(k, t, TASK_BLOCKED);
    t->wait = (struct km_wait){
        .kind = kind,
        .key = key,
        .deadline_ns = deadline_ns,
        .timeout_result = timeout_result,
        .seq = ++k->block_seq,
    };
    waitq_append(k, t, kind);
    km_timer_update(k, t);
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
    km_set_state(k, t, TASK_RUNNABLE);
    t->wait.has_result = has_result;
    t->wait.result = result;
    if (km_ev_enabled(k)) {
        km_ev_begin(k, "wake", t);
        km_ev_str(k, "from", wait_kind_name(t->wait.kind));
        if (has_result) km_ev_int(k, "result", result);
        km_ev_end(k);
    }
}

/* Still waiting on this list? (A task whose state was set by hand, as in
 * unit tests, may linger on it.) */
static bool waitq_holds(const struct km *k, const struct task *t, enum km_wait_kind kind)
{
    return t != k->init && t->state == TASK_BLOCKED && t->wait.kind == kind;
}

int km_wake_one(struct km *k, enum km_wait_kind kind, u64 key)
{
    if (kind <= KM_WAIT_NONE || kind >= KM_WAIT_NKINDS) return 0;
    /* the list is in block order: the first match blocked first */
    for (struct task *t = k->waitq_head[kind]; t; t = t->wq_next)
        if (waitq_holds(k, t, kind) && t->wait.key == key) {
            km_wake(k, t, false, 0);
            return 1;
        }
    return 0;
}

static int task_seq_cmp(const void *a, const void *b)
{
    const struct task *x = *(struct task *const *)a, *y = *(struct task *const *)b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int km_wake_all(struct km *k, enum km_wait_kind kind, u64 key)
{
    if (kind <= KM_WAIT_NONE || kind >= KM_WAIT_NKINDS) return 0;
    int n = 0, cap = 0;
    struct task **v = NULL;
    for (struct task *t = k->waitq_head[kind]; t; t = t->wq_next) {
        if (!waitq_holds(k, t, kind) || (key && t->wait.key != key)) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            v = realloc(v, (size_t)cap * sizeof *v);
            if (!v) km_panic("out of host memory (wake)");
        }
        v[n++] = t;
    }
    /* woken in creation order, as a walk over the task list wakes them */
    if (n > 1) qsort(v, (size_t)n, sizeof *v, task_seq_cmp);
    for (int i = 0; i < n; i++)
        km_wake(k, v[i], false, 0);
    free(v);
    return n;
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
