/* The deterministic scheduler: the run queue, the deadlines of blocked
 * tasks, ITIMER_REAL alarms and the virtual clock.
 *
 * The policy is round robin in creation order (task.seq): the next task is
 * the runnable one with the smallest seq after the task run last, else the
 * runnable one with the smallest seq. Two heaps keep it in O(log n) however
 * many tasks exist: rq[rq_cur] holds the runnable tasks with seq > last_seq,
 * the other one those with seq <= last_seq. A task is on one of them exactly
 * while km_task_can_run() holds (km_rq_update() after every change of state
 * or group stop). Timers fire in creation order too, as a walk over the task
 * list would fire them. */
#include "kernel-model/futex.h"
#include "kernel-model/internal.h"

#include <stdlib.h>

/* --- heaps of tasks ----------------------------------------------------- */

static int *theap_slot(const struct km_theap *h, struct task *t)
{
    return h->timer ? &t->tmr_pos : &t->rq_pos;
}

static bool theap_less(const struct km_theap *h, const struct task *a, const struct task *b)
{
    if (h->timer && a->wait.deadline_ns != b->wait.deadline_ns)
        return a->wait.deadline_ns < b->wait.deadline_ns;
    return a->seq < b->seq;
}

static void theap_put(struct km_theap *h, int i, struct task *t)
{
    h->a[i] = t;
    *theap_slot(h, t) = i + 1;
}

static void theap_up(struct km_theap *h, int i)
{
    struct task *t = h->a[i];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!theap_less(h, t, h->a[p])) break;
        theap_put(h, i, h->a[p]);
        i = p;
    }
    theap_put(h, i, t);
}

static void theap_down(struct km_theap *h, int i)
{
    struct task *t = h->a[i];
    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && theap_less(h, h->a[c + 1], h->a[c])) c++;
        if (!theap_less(h, h->a[c], t)) break;
        theap_put(h, i, h->a[c]);
        i = c;
    }
    theap_put(h, i, t);
}

static void theap_push(struct km_theap *h, struct task *t)
{
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 64;
        struct task **a = realloc(h->a, (size_t)cap * sizeof *a);
        if (!a) km_panic("out of host memory (run queue)");
        h->a = a;
        h->cap = cap;
    }
    theap_put(h, h->n++, t);
    theap_up(h, h->n - 1);
}

/* Remove t (which is on h). */
static void theap_del(struct km_theap *h, struct task *t)
{
    int i = *theap_slot(h, t) - 1;
    *theap_slot(h, t) = 0;
    struct task *last = h->a[--h->n];
    if (i == h->n) return;
    theap_put(h, i, last);
    theap_up(h, i);
    theap_down(h, *theap_slot(h, last) - 1);
}

static void theap_free(struct km_theap *h)
{
    for (int i = 0; i < h->n; i++)
        *theap_slot(h, h->a[i]) = 0;
    free(h->a);
    h->a = NULL;
    h->n = h->cap = 0;
}

/* --- run queue ---------------------------------------------------------- */

void km_rq_update(struct km *k, struct task *t)
{
    bool want = t != k->init && t->state == TASK_RUNNABLE && !(t->tg && t->tg->stopped);
    if (want == (t->rq_pos != 0)) return;
    if (!want) {
        theap_del(&k->rq[t->rq_heap], t);
        return;
    }
    t->rq_heap = t->seq > k->last_seq ? k->rq_cur : !k->rq_cur;
    theap_push(&k->rq[t->rq_heap], t);
}

/* Every thread of tg after its group stop or continue. */
void km_rq_update_group(struct km *k, struct tgroup *tg)
{
    for (struct task *th = tg->threads; th; th = th->tg_next)
        km_rq_update(k, th);
}

/* The next task in round-robin order, NULL if none can run. */
static struct task *rq_pick(struct km *k)
{
    if (!k->rq[k->rq_cur].n) k->rq_cur = !k->rq_cur; /* wrap around to the smallest seq */
    struct km_theap *cur = &k->rq[k->rq_cur], *other = &k->rq[!k->rq_cur];
    if (!cur->n) return NULL;
    struct task *t = cur->a[0];
    theap_del(cur, t);
    k->last_seq = t->seq;
    t->rq_heap = !k->rq_cur; /* seq == last_seq: behind the cursor now */
    theap_push(other, t);
    return t;
}

/* --- deadlines and alarms ------------------------------------------------- */

/* t (just blocked, or leaving BLOCKED) keeps its heap slot exactly while it
 * is blocked with a deadline. */
void km_timer_update(struct km *k, struct task *t)
{
    bool want = t->state == TASK_BLOCKED && t->wait.deadline_ns;
    k->timers_q.timer = true; /* (a km zeroed by hand in unit tests works too) */
    if (t->tmr_pos) theap_del(&k->timers_q, t);
    if (want) theap_push(&k->timers_q, t);
}

void km_tg_set_alarm(struct km *k, struct tgroup *tg, u64 deadline_ns)
{
    tg->alarm_deadline_ns = deadline_ns;
    if (!deadline_ns || tg->alarm_listed) return;
    if (k->nr_alarm_tgs == k->alarm_tgs_cap) {
        int cap = k->alarm_tgs_cap ? 2 * k->alarm_tgs_cap : 8;
        struct tgroup **a = realloc(k->alarm_tgs, (size_t)cap * sizeof *a);
        if (!a) km_panic("out of host memory (alarms)");
        k->alarm_tgs = a;
        k->alarm_tgs_cap = cap;
    }
    tg->refs++;
    tg->alarm_listed = true;
    k->alarm_tgs[k->nr_alarm_tgs++] = tg;
}

/* Drop the groups whose alarm is off or whose threads are all gone. */
static void alarms_prune(struct km *k)
{
    int n = 0;
    for (int i = 0; i < k->nr_alarm_tgs; i++) {
        struct tgroup *tg = k->alarm_tgs[i];
        if (tg->alarm_deadline_ns && tg->nr_threads > 0) {
            k->alarm_tgs[n++] = tg;
            continue;
        }
        tg->alarm_listed = false;
        tgroup_put(tg);
    }
    k->nr_alarm_tgs = n;
}

void km_sched_free(struct km *k)
{
    for (int i = 0; i < k->nr_alarm_tgs; i++) {
        k->alarm_tgs[i]->alarm_listed = false;
        tgroup_put(k->alarm_tgs[i]);
    }
    free(k->alarm_tgs);
    k->alarm_tgs = NULL;
    k->nr_alarm_tgs = k->alarm_tgs_cap = 0;
    theap_free(&k->rq[0]);
    theap_free(&k->rq[1]);
    theap_free(&k->timers_q);
}

/* A due timer: a blocked task's deadline, or its group's alarm when the
 * task leads the group. */
struct due {
    struct task *t;
    bool alarm;
};

static int due_cmp(const void *a, const void *b)
{
    const struct due *x = a, *y = b;
    if (x->t->seq != y->t->seq) return x->t->seq < y->t->seq ? -1 : 1;
    return (int)x->alarm - (int)y->alarm;
}

static void fire_one(struct km *k, const struct due *d)
{
    struct task *t = d->t;
    if (!d->alarm) {
        if (t->state == TASK_BLOCKED && t->wait.deadline_ns && t->wait.deadline_ns <= k->now_ns) {
            if (t->wait.kind == KM_WAIT_FUTEX) futex_cancel_wait(k, t);
            km_wake(k, t, true, t->wait.timeout_result);
        }
        return;
    }
    struct tgroup *tg = t->tg;
    if (t == tg->leader && tg->alarm_deadline_ns && tg->alarm_deadline_ns <= k->now_ns &&
        tg->nr_threads > 0) {
        /* ITIMER_REAL: re-armed by its interval, if any */
        km_tg_set_alarm(k, tg, tg->itimer_interval_ns ? k->now_ns + tg->itimer_interval_ns : 0);
        km_send_signal(k, NULL, t, LX_SIGALRM, true, LX_SI_KERNEL);
    }
}

/* Wake every task whose deadline has passed and fire due alarms, in
 * creation order (deterministic): the due timers are collected first,
 * then each fires if it still holds. */
static void due_add(struct due **v, int *n, int *cap, struct task *t, bool alarm)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *v = realloc(*v, (size_t)*cap * sizeof **v);
        if (!*v) km_panic("out of host memory (timers)");
    }
    (*v)[(*n)++] = (struct due){t, alarm};
}

static void sched_fire_timers(struct km *k)
{
    struct due *due = NULL;
    int n = 0, cap = 0;
    while (k->timers_q.n && k->timers_q.a[0]->wait.deadline_ns <= k->now_ns) {
        struct task *t = k->timers_q.a[0];
        theap_del(&k->timers_q, t);
        due_add(&due, &n, &cap, t, false);
    }
    alarms_prune(k);
    for (int i = 0; i < k->nr_alarm_tgs; i++) {
        struct tgroup *tg = k->alarm_tgs[i];
        if (tg->alarm_deadline_ns <= k->now_ns && tg->leader)
            due_add(&due, &n, &cap, tg->leader, true);
    }
    if (!n) return;
    qsort(due, (size_t)n, sizeof *due, due_cmp);
    for (int i = 0; i < n; i++)
        fire_one(k, &due[i]);
    free(due);
}

/* The earliest deadline of any blocked task or alarm, 0 if none. */
static u64 sched_next_deadline(const struct km *k)
{
    u64 best = k->timers_q.n ? k->timers_q.a[0]->wait.deadline_ns : 0;
    for (int i = 0; i < k->nr_alarm_tgs; i++) {
        const struct tgroup *tg = k->alarm_tgs[i];
        u64 d = tg->nr_threads > 0 ? tg->alarm_deadline_ns : 0;
        if (d && (!best || d < best)) best = d;
    }
    return best;
}

/* --- the scheduler ---------------------------------------------------------- */

static int dead_cmp(const void *a, const void *b)
{
    const struct task *x = *(struct task *const *)a, *y = *(struct task *const *)b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Free the dead, unreferenced tasks in creation order (as a walk over the
 * task list would: freeing may end namespaces, which are events). */
static void sched_sweep_dead(struct km *k)
{
    if (!k->dead) return;
    int n = 0;
    for (struct task *t = k->dead; t; t = t->dead_next)
        n++;
    struct task **v = km_zalloc((size_t)n * sizeof *v);
    n = 0;
    for (struct task *t = k->dead; t; t = t->dead_next)
        v[n++] = t;
    k->dead = NULL;
    qsort(v, (size_t)n, sizeof *v, dead_cmp);
    for (int i = 0; i < n; i++)
        km_task_free(k, v[i]);
    free(v);
}

struct task *km_sched_next(struct km *k)
{
    sched_sweep_dead(k);
    for (;;) {
        sched_fire_timers(k);
        struct task *next = rq_pick(k);
        if (next) {
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
    return t->rq_pos && k->rq[0].n + k->rq[1].n == 1 && !sched_next_deadline(k);
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

/* t is about to be freed: off the run queue and the deadlines. */
void km_sched_forget(struct km *k, struct task *t)
{
    if (t->rq_pos) theap_del(&k->rq[t->rq_heap], t);
    if (t->tmr_pos) theap_del(&k->timers_q, t);
}
