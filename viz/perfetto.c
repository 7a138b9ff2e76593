/* Recorded run -> Chrome/Perfetto JSON trace (perfetto.h). One pass over
 * the events keeps per-task state (an open block, a pending futex wake)
 * and the signals generated but not yet delivered; every trace event is
 * printed (cJSON) into a list, which is sorted by time (stable, so a
 * track's slices keep their nesting order) and written. */
#include "viz/perfetto.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ptask {
    int tid, tgid;
    char comm[16];
    bool blocked, woke;
    int64_t tb, tw; /* block and wake time */
    char on[16];
    bool fw; /* a futex_wake named this task's waker */
    int fw_by;
    int64_t fw_t;
};

struct psig {
    char sig[16];
    int from, target, tgid;
    bool group;
    int64_t t;
};

struct pev {
    int64_t ts;
    long order;
    char *text;
};

struct ptrace {
    struct ptask *tasks;
    int ntasks, cap_tasks;
    struct psig *sigs;
    int nsigs, cap_sigs;
    struct pev *ev;
    long nev, cap_ev;
    int next_flow;
    const char *comm;
};

static void *grow(void *p, long *cap, long need, size_t size)
{
    if (need <= *cap) return p;
    long n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(p, (size_t)n * size);
    if (!q) {
        fprintf(stderr, "clonemu: out of memory\n");
        abort();
    }
    *cap = n;
    return q;
}

static void *grow_i(void *p, int *cap, int need, size_t size)
{
    long c = *cap;
    p = grow(p, &c, need, size);
    *cap = (int)c;
    return p;
}

/* --- event fields (the JSON Lines schema, docs/events.md) ------------- */

static long long ev_int(const cJSON *ev, const char *key, long long dflt)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(ev, key);
    return cJSON_IsNumber(f) ? (long long)f->valuedouble : dflt;
}

static const char *ev_str(const cJSON *ev, const char *key)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(ev, key);
    return cJSON_IsString(f) ? f->valuestring : "";
}

/* --- tasks ------------------------------------------------------------ */

static struct ptask *task_find(struct ptrace *p, int tid)
{
    for (int i = p->ntasks - 1; i >= 0; i--) /* newest first: a reused tid is the live one */
        if (p->tasks[i].tid == tid) return &p->tasks[i];
    return NULL;
}

static struct ptask *task_add(struct ptrace *p, int tid, int tgid, const char *comm)
{
    p->tasks = grow_i(p->tasks, &p->cap_tasks, p->ntasks + 1, sizeof *p->tasks);
    struct ptask *t = &p->tasks[p->ntasks++];
    memset(t, 0, sizeof *t);
    t->tid = tid;
    t->tgid = tgid;
    snprintf(t->comm, sizeof t->comm, "%s", comm);
    return t;
}

/* The task an event concerns (created on first sight: a log may start
 * late or a kind may name a task before task_new). */
static struct ptask *task_of(struct ptrace *p, int tid, int tgid)
{
    struct ptask *t = task_find(p, tid);
    return t ? t : task_add(p, tid, tgid ? tgid : tid, p->comm);
}

/* --- trace events ------------------------------------------------------- */

/* ts in microseconds with exact nanoseconds, as a raw JSON number. */
static void add_ts(cJSON *o, const char *key, int64_t ns)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%" PRId64 ".%03d", ns / 1000, (int)(ns % 1000));
    cJSON_AddItemToObject(o, key, cJSON_CreateRaw(buf));
}

static cJSON *tev(const char *ph, const char *name, const char *cat, const struct ptask *t,
                  int64_t ts)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ph", ph);
    cJSON_AddStringToObject(o, "name", name);
    if (cat) cJSON_AddStringToObject(o, "cat", cat);
    cJSON_AddNumberToObject(o, "pid", t->tgid);
    cJSON_AddNumberToObject(o, "tid", t->tid);
    add_ts(o, "ts", ts);
    return o;
}

static void emit(struct ptrace *p, cJSON *o, int64_t ts)
{
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        fprintf(stderr, "clonemu: out of memory\n");
        abort();
    }
    p->ev = grow(p->ev, &p->cap_ev, p->nev + 1, sizeof *p->ev);
    p->ev[p->nev] = (struct pev){ts, p->nev, text};
    p->nev++;
}

static void slice(struct ptrace *p, const struct ptask *t, const char *name, const char *cat,
                  int64_t ts, int64_t end, cJSON *args)
{
    cJSON *o = tev("X", name, cat, t, ts);
    add_ts(o, "dur", end > ts ? end - ts : 0);
    if (args) cJSON_AddItemToObject(o, "args", args);
    emit(p, o, ts);
}

static void instant(struct ptrace *p, const struct ptask *t, const char *name, const char *cat,
                    int64_t ts, cJSON *args)
{
    cJSON *o = tev("i", name, cat, t, ts);
    cJSON_AddStringToObject(o, "s", "t");
    if (args) cJSON_AddItemToObject(o, "args", args);
    emit(p, o, ts);
}

/* One arrow: 's' on from's track at t0, 'f' on to's track at t1. The
 * end binds to the slice enclosing t1 when enclosing, else to the next. */
static void flow(struct ptrace *p, const char *name, const struct ptask *from, int64_t t0,
                 const struct ptask *to, int64_t t1, bool enclosing)
{
    int id = ++p->next_flow;
    cJSON *s = tev("s", name, "flow", from, t0);
    cJSON_AddNumberToObject(s, "id", id);
    emit(p, s, t0);
    cJSON *f = tev("f", name, "flow", to, t1 < t0 ? t0 : t1);
    cJSON_AddNumberToObject(f, "id", id);
    if (enclosing) cJSON_AddStringToObject(f, "bp", "e");
    emit(p, f, t1 < t0 ? t0 : t1);
}

/* Close an open block at time t: the syscall that blocked (name NULL when
 * no syscall event follows, e.g. the task died asleep) and its blocked
 * part. */
static void block_close(struct ptrace *p, struct ptask *t, const char *name, cJSON *args,
                        int64_t now)
{
    int64_t wake = t->woke ? t->tw : now;
    char what[48];
    snprintf(what, sizeof what, "%s (blocked)", t->on);
    slice(p, t, name ? name : what, "syscall", t->tb, now, args);
    snprintf(what, sizeof what, "blocked: %s", t->on);
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "on", t->on);
    cJSON_AddStringToObject(a, "ended_by", t->woke ? "wake" : name ? "resume" : "exit");
    slice(p, t, what, "blocked", t->tb, wake, a);
    t->blocked = t->woke = false;
}

/* --- one function per event kind --------------------------------------- */

static void on_syscall(struct ptrace *p, const cJSON *ev, struct ptask *t, int64_t now)
{
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "args", ev_str(ev, "args"));
    const cJSON *ret = cJSON_GetObjectItemCaseSensitive(ev, "ret");
    if (ret) cJSON_AddItemToObject(args, "ret", cJSON_Duplicate(ret, 0));
    if (*ev_str(ev, "err")) cJSON_AddStringToObject(args, "err", ev_str(ev, "err"));
    const char *name = ev_str(ev, "name");
    if (t->blocked)
        block_close(p, t, name, args, now);
    else
        slice(p, t, name, "syscall", now, now, args);
}

static void on_signal_generate(struct ptrace *p, const cJSON *ev, struct ptask *t, int64_t now)
{
    const char *sig = ev_str(ev, "sig");
    p->sigs = grow_i(p->sigs, &p->cap_sigs, p->nsigs + 1, sizeof *p->sigs);
    struct psig *s = &p->sigs[p->nsigs++];
    memset(s, 0, sizeof *s);
    snprintf(s->sig, sizeof s->sig, "%s", sig);
    s->from = (int)ev_int(ev, "from", 0);
    s->target = t->tid;
    s->tgid = t->tgid;
    s->group = !strcmp(ev_str(ev, "to"), "process");
    s->t = now;
    char name[48];
    snprintf(name, sizeof name, "%s generated", sig);
    cJSON *a = cJSON_CreateObject();
    cJSON_AddNumberToObject(a, "from", s->from);
    cJSON_AddStringToObject(a, "to", ev_str(ev, "to"));
    cJSON_AddNumberToObject(a, "si_code", (double)ev_int(ev, "si_code", 0));
    instant(p, t, name, "signal", now, a);
}

/* The oldest generated, undelivered sig for t (thread- or group-directed);
 * removed from the list. */
static bool sig_take(struct ptrace *p, const char *sig, const struct ptask *t, struct psig *out)
{
    for (int i = 0; i < p->nsigs; i++) {
        struct psig *s = &p->sigs[i];
        if (strcmp(s->sig, sig) || !(s->target == t->tid || (s->group && s->tgid == t->tgid)))
            continue;
        *out = *s;
        memmove(s, s + 1, (size_t)(p->nsigs - i - 1) * sizeof *s);
        p->nsigs--;
        return true;
    }
    return false;
}

static void on_signal_end(struct ptrace *p, const cJSON *ev, struct ptask *t, int64_t now,
                          const char *what)
{
    const char *sig = ev_str(ev, "sig");
    char name[48];
    snprintf(name, sizeof name, "%s %s", sig, what);
    cJSON *a = cJSON_CreateObject();
    static const char *const keys[] = {"handler", "action", "why"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (*ev_str(ev, keys[i])) cJSON_AddStringToObject(a, keys[i], ev_str(ev, keys[i]));
    instant(p, t, name, "signal", now, a);
    struct psig s;
    if (!sig_take(p, sig, t, &s) || strcmp(what, "delivered") != 0) return;
    struct ptask *from = s.from ? task_find(p, s.from) : NULL;
    if (from) flow(p, sig, from, s.t, t, now, true);
}

static void on_clone(struct ptrace *p, const cJSON *ev, struct ptask *t, int64_t now)
{
    int child = (int)ev_int(ev, "child", 0);
    if (child <= 0) return;
    struct ptask *c = task_add(p, child, (int)ev_int(ev, "child_tgid", child), t->comm);
    t = task_find(p, (int)ev_int(ev, "tid", 0)); /* task_add may move the array */
    if (t) flow(p, ev_str(ev, "call"), t, now, c, now, false);
}

static void on_task_exit(struct ptrace *p, const cJSON *ev, struct ptask *t, int64_t now)
{
    if (t->blocked) block_close(p, t, NULL, NULL, now);
    char name[48];
    if (*ev_str(ev, "signal"))
        snprintf(name, sizeof name, "exit: killed by %s", ev_str(ev, "signal"));
    else
        snprintf(name, sizeof name, "exit %lld", ev_int(ev, "code", 0));
    instant(p, t, name, "task", now, NULL);
}

static void on_event(struct ptrace *p, const cJSON *ev)
{
    const char *kind = ev_str(ev, "kind");
    int tid = (int)ev_int(ev, "tid", 0), tgid = (int)ev_int(ev, "tgid", 0);
    int64_t now = ev_int(ev, "t_ns", 0);
    if (tid <= 0) return; /* ns_destroy and other task-less events */
    if (!strcmp(kind, "task_new")) {
        task_add(p, tid, tgid, p->comm);
        return;
    }
    struct ptask *t = task_of(p, tid, tgid);
    if (!strcmp(kind, "syscall"))
        on_syscall(p, ev, t, now);
    else if (!strcmp(kind, "block")) {
        if (t->blocked) block_close(p, t, NULL, NULL, now);
        t->blocked = true;
        t->woke = false;
        t->tb = now;
        snprintf(t->on, sizeof t->on, "%s", ev_str(ev, "on"));
    } else if (!strcmp(kind, "wake")) {
        if (t->blocked && !t->woke) t->woke = true, t->tw = now;
        struct ptask *by = t->fw ? task_find(p, t->fw_by) : NULL;
        if (by) flow(p, "futex wake", by, t->fw_t, t, now, true);
        t->fw = false;
    } else if (!strcmp(kind, "futex_wake")) {
        t->fw = true;
        t->fw_by = (int)ev_int(ev, "by", 0);
        t->fw_t = now;
    } else if (!strcmp(kind, "clone"))
        on_clone(p, ev, t, now);
    else if (!strcmp(kind, "exec")) {
        const char *path = ev_str(ev, "path"), *b = strrchr(path, '/');
        snprintf(t->comm, sizeof t->comm, "%s", b ? b + 1 : path);
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "path", path);
        instant(p, t, "exec", "task", now, a);
    } else if (!strcmp(kind, "exit"))
        on_task_exit(p, ev, t, now);
    else if (!strcmp(kind, "signal_generate"))
        on_signal_generate(p, ev, t, now);
    else if (!strcmp(kind, "signal_deliver"))
        on_signal_end(p, ev, t, now, "delivered");
    else if (!strcmp(kind, "signal_ignored"))
        on_signal_end(p, ev, t, now, "ignored");
    else if (!strcmp(kind, "signal_fatal"))
        instant(p, t, "fatal signal", "signal", now, NULL);
    else if (!strcmp(kind, "fault")) {
        char name[48];
        snprintf(name, sizeof name, "fault: %s", ev_str(ev, "sig"));
        instant(p, t, name, "task", now, NULL);
    }
}

static int pev_cmp(const void *a, const void *b)
{
    const struct pev *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void metadata(FILE *f, const char *what, int pid, int tid, const char *name, int sort)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ph", "M");
    cJSON_AddStringToObject(o, "name", what);
    cJSON_AddNumberToObject(o, "pid", pid);
    cJSON_AddNumberToObject(o, "tid", tid);
    cJSON *a = cJSON_AddObjectToObject(o, "args");
    if (name)
        cJSON_AddStringToObject(a, "name", name);
    else
        cJSON_AddNumberToObject(a, "sort_index", sort);
    char *text = cJSON_PrintUnformatted(o);
    fprintf(f, ",\n%s", text);
    cJSON_free(text);
    cJSON_Delete(o);
}

int viz_perfetto_write(FILE *f, const struct viz_log *log, const char *comm)
{
    struct ptrace p = {.comm = comm ? comm : "task"};
    for (int i = 0; i < log->n; i++)
        on_event(&p, log->ev[i]);
    for (int i = 0; i < p.ntasks; i++) /* still asleep at the end of the log */
        if (p.tasks[i].blocked) {
            const cJSON *last = log->n ? log->ev[log->n - 1] : NULL;
            block_close(&p, &p.tasks[i], NULL, NULL, last ? ev_int(last, "t_ns", 0) : 0);
        }
    qsort(p.ev, (size_t)p.nev, sizeof *p.ev, pev_cmp);
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"clonemu\","
          "\"clock\":\"virtual: 1 ns per guest basic block\"},\"traceEvents\":[\n",
          f);
    fputs("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":0,\"tid\":0,\"args\":{\"name\":"
          "\"clonemu\"}}",
          f);
    for (int i = 0; i < p.ntasks; i++) {
        const struct ptask *t = &p.tasks[i];
        if (task_find(&p, t->tid) != t) continue; /* a reused tid: its last task names it */
        char name[48];
        if (t->tid == t->tgid) {
            snprintf(name, sizeof name, "%s %d", t->comm, t->tgid);
            metadata(f, "process_name", t->tgid, t->tid, name, 0);
            metadata(f, "process_sort_index", t->tgid, t->tid, NULL, t->tgid);
        }
        snprintf(name, sizeof name, "%s %d", t->comm, t->tid);
        metadata(f, "thread_name", t->tgid, t->tid, name, 0);
        metadata(f, "thread_sort_index", t->tgid, t->tid, NULL, t->tid);
    }
    for (long i = 0; i < p.nev; i++) {
        fprintf(f, ",\n%s", p.ev[i].text);
        cJSON_free(p.ev[i].text);
    }
    fputs("\n]}\n", f);
    free(p.ev);
    free(p.tasks);
    free(p.sigs);
    return ferror(f) ? -1 : 0;
}

int viz_perfetto_file(const char *path, const struct viz_log *log, const char *comm)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        fprintf(stderr, "clonemu: %s: %s\n", path, strerror(errno));
        return 1;
    }
    int rc = viz_perfetto_write(f, log, comm);
    if (f != stdout ? fclose(f) != 0 : fflush(f) != 0) rc = -1;
    if (rc) fprintf(stderr, "clonemu: writing %s failed\n", path);
    return rc ? 1 : 0;
}
