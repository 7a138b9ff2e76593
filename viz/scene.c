/* Events -> scene (scene.h). One function per event kind; every field read
 * is named in docs/events.md. */
#include "viz/scene.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-model/uapi.h"

const char *const viz_res_kind_name[VIZ_NRES] = {"mm",      "files", "fs",     "sighand",
                                                 "sysvsem", "io",    "nsproxy"};
const char *const viz_state_name[] = {"runnable", "running", "blocked", "stopped",
                                      "zombie",   "exited",  "reaped"};

static void *grow(void *p, int *cap, int need, size_t size)
{
    if (need <= *cap) return p;
    int n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(p, (size_t)n * size);
    if (!q) {
        fprintf(stderr, "clonemu viz: out of memory\n");
        abort();
    }
    memset((char *)q + (size_t)*cap * size, 0, (size_t)(n - *cap) * size);
    *cap = n;
    return q;
}

void viz_scene_init(struct viz_scene *s)
{
    memset(s, 0, sizeof *s);
    s->seq = -1;
    s->sig.seq = -1;
}

void viz_scene_free(struct viz_scene *s)
{
    free(s->tasks);
    free(s->groups);
    free(s->res);
    free(s->pidns);
    memset(s, 0, sizeof *s);
}

static void *dup_array(const void *p, int n, size_t size)
{
    if (!n) return NULL;
    void *q = malloc((size_t)n * size);
    if (!q) {
        fprintf(stderr, "clonemu viz: out of memory\n");
        abort();
    }
    return memcpy(q, p, (size_t)n * size);
}

void viz_scene_copy(struct viz_scene *dst, const struct viz_scene *src)
{
    viz_scene_free(dst);
    *dst = *src;
    dst->tasks = dup_array(src->tasks, src->ntasks, sizeof *src->tasks);
    dst->groups = dup_array(src->groups, src->ngroups, sizeof *src->groups);
    dst->res = dup_array(src->res, src->nres, sizeof *src->res);
    dst->cap_tasks = src->ntasks;
    dst->cap_groups = src->ngroups;
    dst->cap_res = src->nres;
    dst->pidns = dup_array(src->pidns, src->npidns, sizeof *src->pidns);
    dst->cap_pidns = src->npidns;
}

/* --- event fields ------------------------------------------------------ */

static const cJSON *field(const cJSON *ev, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(ev, key);
}

static long long ev_int(const cJSON *ev, const char *key, long long dflt)
{
    const cJSON *f = field(ev, key);
    if (cJSON_IsNumber(f)) return (long long)f->valuedouble;
    return dflt;
}

static const char *ev_str(const cJSON *ev, const char *key)
{
    const cJSON *f = field(ev, key);
    return cJSON_IsString(f) ? f->valuestring : "";
}

static uint64_t ev_hex(const cJSON *ev, const char *key)
{
    const char *v = ev_str(ev, key);
    return *v ? strtoull(v, NULL, 16) : 0;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

int viz_ev_seq(const cJSON *ev)
{
    return (int)ev_int(ev, "seq", -1);
}

const char *viz_ev_kind(const cJSON *ev)
{
    return ev_str(ev, "kind");
}

/* --- lookups ------------------------------------------------------------ */

struct viz_task *viz_scene_task(const struct viz_scene *s, int tid)
{
    for (int i = s->ntasks - 1; i >= 0; i--) /* newest first: a reused tid is the live one */
        if (s->tasks[i].tid == tid) return &s->tasks[i];
    return NULL;
}

struct viz_group *viz_scene_group(const struct viz_scene *s, int tgid)
{
    for (int i = s->ngroups - 1; i >= 0; i--)
        if (s->groups[i].tgid == tgid) return &s->groups[i];
    return NULL;
}

struct viz_res *viz_scene_res(const struct viz_scene *s, int kind, int id)
{
    for (int i = 0; i < s->nres; i++)
        if (s->res[i].kind == kind && s->res[i].id == id) return &s->res[i];
    return NULL;
}

struct viz_pidns *viz_scene_pidns(const struct viz_scene *s, int id)
{
    for (int i = 0; i < s->npidns; i++)
        if (s->pidns[i].id == id) return &s->pidns[i];
    return NULL;
}

const char *viz_task_pids_str(const struct viz_task *t, char *buf, int size)
{
    int used = 0;
    buf[0] = 0;
    for (int l = 0; l < t->nlevels && used < size; l++) {
        int w = snprintf(buf + used, (size_t)(size - used), "%s%d", l ? " / " : "", t->nspid[l]);
        if (w > 0) used += w;
    }
    return buf;
}

bool viz_task_alive(const struct viz_task *t)
{
    return t->state <= VT_STOPPED;
}

enum viz_state viz_task_state(const struct viz_scene *s, const struct viz_task *t)
{
    if (t->state != VT_RUNNABLE) return t->state;
    const struct viz_group *g = viz_scene_group(s, t->tgid);
    if (g && g->stopped) return VT_STOPPED;
    return t->tid == s->cur_tid ? VT_RUNNING : VT_RUNNABLE;
}

int viz_res_users(const struct viz_scene *s, int kind, int id)
{
    int n = 0;
    for (int i = 0; i < s->ntasks; i++)
        if (viz_task_alive(&s->tasks[i]) && s->tasks[i].res[kind] == id) n++;
    return n;
}

const char *viz_sigset_str(uint64_t mask, char *buf, int size)
{
    int used = 0;
    buf[0] = 0;
    for (int sig = 1; sig <= 64 && used < size; sig++) {
        if (!(mask & (1ULL << (sig - 1)))) continue;
        const char *n = lx_signal_name(sig);
        if (!strncmp(n, "SIG", 3)) n += 3;
        int w = snprintf(buf + used, (size_t)(size - used), "%s%s", used ? "," : "", n);
        if (w > 0) used += w;
    }
    return buf;
}

/* --- building blocks ---------------------------------------------------- */

static struct viz_task *task_add(struct viz_scene *s, int tid, int tgid, int seq)
{
    s->tasks = grow(s->tasks, &s->cap_tasks, s->ntasks + 1, sizeof *s->tasks);
    struct viz_task *t = &s->tasks[s->ntasks++];
    memset(t, 0, sizeof *t);
    t->tid = tid;
    t->tgid = tgid;
    t->born = seq;
    t->exit_code = -1;
    return t;
}

static struct viz_group *group_add(struct viz_scene *s, int tgid, int leader, int parent, int seq)
{
    s->groups = grow(s->groups, &s->cap_groups, s->ngroups + 1, sizeof *s->groups);
    struct viz_group *g = &s->groups[s->ngroups++];
    memset(g, 0, sizeof *g);
    g->tgid = tgid;
    g->leader = leader;
    g->parent = parent;
    g->born = seq;
    g->exit_code = -1;
    return g;
}

static void res_note(struct viz_scene *s, int kind, int id, int copy_of, int seq)
{
    if (id <= 0 || viz_scene_res(s, kind, id)) return;
    s->res = grow(s->res, &s->cap_res, s->nres + 1, sizeof *s->res);
    s->res[s->nres++] = (struct viz_res){.kind = kind, .id = id, .copy_of = copy_of, .born = seq};
}

static int res_kind_of(const char *name, size_t len)
{
    for (int k = 0; k < VIZ_NRES; k++)
        if (strlen(viz_res_kind_name[k]) == len && !strncmp(viz_res_kind_name[k], name, len))
            return k;
    return -1;
}

/* "mm#11,files#12" -> t->res; copied ids remember the creator's id; a
 * shared id is the creator's too (task_new does not name every kind). */
static void res_list_apply(struct viz_scene *s, struct viz_task *t, struct viz_task *creator,
                           const char *list, bool copied, int seq)
{
    const char *p = list;
    while (*p) {
        const char *hash = strchr(p, '#');
        if (!hash) break;
        int kind = res_kind_of(p, (size_t)(hash - p));
        char *end;
        long id = strtol(hash + 1, &end, 10);
        if (kind >= 0 && id > 0) {
            t->res[kind] = (int)id;
            if (!copied && creator && !creator->res[kind]) creator->res[kind] = (int)id;
            int from = copied && creator ? creator->res[kind] : 0;
            res_note(s, kind, (int)id, from == id ? 0 : from, seq);
        }
        p = *end == ',' ? end + 1 : end;
        if (end == hash + 1) break;
    }
}

/* --- one function per event kind --------------------------------------- */

static void on_task_new(struct viz_scene *s, const cJSON *ev, int tid, int tgid, int seq)
{
    struct viz_task *t = task_add(s, tid, tgid, seq);
    t->parent = (int)ev_int(ev, "parent", 0);
    t->nlevels = 1;
    t->nspid[0] = tid;
    copy_str(t->call, sizeof t->call, ev_str(ev, "how"));
    static const char *const keys[] = {"mm", "files", "fs", "sighand"};
    for (int k = 0; k < 4; k++) {
        t->res[k] = (int)ev_int(ev, keys[k], 0);
        res_note(s, k, t->res[k], 0, seq);
    }
    if (!viz_scene_group(s, tgid)) group_add(s, tgid, tid, t->parent, seq);
    snprintf(s->caption, sizeof s->caption, "task %d exists (%s)", tid, t->call);
    s->anim = VA_CLONE;
    s->anim_tid = tid;
}

/* The child's pids by level (clone's nspid; none: the global pid only)
 * and its pid namespace: one just created for this clone, else where the
 * creator's children go, else the creator's own. */
static void clone_pids(struct viz_scene *s, const cJSON *ev, struct viz_task *c,
                       const struct viz_task *cr, int tid)
{
    int ns = 0;
    if (s->pidns_new && s->pidns_new_by == tid)
        ns = s->pidns_new;
    else if (cr)
        ns = cr->pidns_children ? cr->pidns_children : cr->pidns;
    s->pidns_new = 0;
    const struct viz_pidns *p = viz_scene_pidns(s, ns);
    c->pidns = p ? ns : 0;
    c->nlevels = 1;
    c->nspid[0] = c->tid;
    const char *l = ev_str(ev, "nspid");
    for (int n = 0; *l && n <= VIZ_MAX_PIDNS_LEVEL; n++) {
        char *end;
        long v = strtol(l, &end, 10);
        if (end == l) break;
        c->nspid[n] = (int)v;
        c->nlevels = n + 1;
        l = *end == ',' ? end + 1 : end;
    }
}

static void on_ns_create(struct viz_scene *s, const cJSON *ev, int tid, int seq)
{
    if (strcmp(ev_str(ev, "type"), "pid")) {
        snprintf(s->caption, sizeof s->caption, "%d creates a %s namespace", tid,
                 ev_str(ev, "type"));
        return;
    }
    int id = (int)ev_int(ev, "id", 0);
    s->pidns = grow(s->pidns, &s->cap_pidns, s->npidns + 1, sizeof *s->pidns);
    s->pidns[s->npidns++] = (struct viz_pidns){.id = id,
                                               .level = (int)ev_int(ev, "level", 1),
                                               .parent = (int)ev_int(ev, "parent", 0),
                                               .creator = tid,
                                               .born = seq};
    s->pidns_new = id;
    s->pidns_new_by = tid;
    snprintf(s->caption, sizeof s->caption, "%d creates pid namespace #%d (level %lld)", tid, id,
             ev_int(ev, "level", 1));
}

static void on_ns_enter(struct viz_scene *s, const cJSON *ev, struct viz_task *t)
{
    const char *type = ev_str(ev, "type");
    int id = (int)ev_int(ev, "id", 0);
    if (t && !strcmp(type, "pid")) {
        if (ev_int(ev, "for_children", 0))
            t->pidns_children = viz_scene_pidns(s, id) ? id : 0;
        else
            t->pidns = viz_scene_pidns(s, id) ? id : 0;
        if (s->pidns_new_by == t->tid) s->pidns_new = 0;
    }
    snprintf(s->caption, sizeof s->caption, "%d enters %s namespace #%d (%s)%s", t ? t->tid : 0,
             type, id, ev_str(ev, "how"), ev_int(ev, "for_children", 0) ? " for its children" : "");
}

static void on_pidns_end(struct viz_scene *s, const cJSON *ev, int tid, bool zap)
{
    int id = (int)ev_int(ev, "id", 0);
    struct viz_pidns *p = viz_scene_pidns(s, id);
    if (zap) {
        if (p) p->zapped = true;
        snprintf(s->caption, sizeof s->caption,
                 "init %d of pid namespace #%d exits: %lld processes sent SIGKILL", tid, id,
                 ev_int(ev, "killed", 0));
    } else if (!strcmp(ev_str(ev, "type"), "pid")) {
        if (p) p->destroyed = true;
        snprintf(s->caption, sizeof s->caption, "pid namespace #%d is gone", id);
    } else
        snprintf(s->caption, sizeof s->caption, "%s namespace #%d is gone", ev_str(ev, "type"), id);
}

static void on_clone(struct viz_scene *s, const cJSON *ev, int tid, int seq)
{
    int child = (int)ev_int(ev, "child", 0), ctgid = (int)ev_int(ev, "child_tgid", child);
    struct viz_task *c = task_add(s, child, ctgid, seq);
    struct viz_task *cr = viz_scene_task(s, tid); /* after task_add: the array moved */
    c->creator = tid;
    c->parent = (int)ev_int(ev, "parent", 0);
    copy_str(c->call, sizeof c->call, ev_str(ev, "call"));
    copy_str(c->flags, sizeof c->flags, ev_str(ev, "flags"));
    if (cr) c->blocked = cr->blocked; /* a clone copies the creator's mask */
    clone_pids(s, ev, c, cr, tid);
    res_list_apply(s, c, cr, ev_str(ev, "shared"), false, seq);
    res_list_apply(s, c, cr, ev_str(ev, "copied"), true, seq);
    if (!viz_scene_group(s, ctgid)) group_add(s, ctgid, child, c->parent, seq);
    bool thread = ctgid == (cr ? cr->tgid : -1);
    snprintf(s->caption, sizeof s->caption, "%s: %d creates %s %d (%s)", c->call, tid,
             thread ? "thread" : "process", child, c->flags);
    s->anim = VA_CLONE;
    s->anim_tid = child;
}

static void on_exec(struct viz_scene *s, const cJSON *ev, struct viz_task *t, int seq)
{
    if (!t) return;
    int mm = (int)ev_int(ev, "mm", 0);
    if (mm > 0) {
        t->res[VR_MM] = mm;
        res_note(s, VR_MM, mm, 0, seq);
    }
    const char *path = ev_str(ev, "path"), *base = strrchr(path, '/');
    struct viz_group *g = viz_scene_group(s, t->tgid);
    if (g) copy_str(g->exe, sizeof g->exe, base ? base + 1 : path);
    snprintf(s->caption, sizeof s->caption, "%d execs %s: a new mm#%d", t->tid, path, mm);
}

static void on_task_exit(struct viz_scene *s, const cJSON *ev, struct viz_task *t)
{
    if (!t) return;
    struct viz_group *g = viz_scene_group(s, t->tgid);
    bool leader = g && g->leader == t->tid;
    t->state = leader ? VT_ZOMBIE : VT_EXITED;
    t->on[0] = 0;
    t->handler[0] = 0;
    t->pending = 0;
    const char *sig = ev_str(ev, "signal");
    if (*sig)
        copy_str(t->killed_by, sizeof t->killed_by, sig);
    else
        t->exit_code = (int)ev_int(ev, "code", 0);
    if (*sig)
        snprintf(s->caption, sizeof s->caption, "%d dies of %s (%lld threads left)", t->tid, sig,
                 ev_int(ev, "threads_left", 0));
    else
        snprintf(s->caption, sizeof s->caption, "%d exits with code %d (%lld threads left)", t->tid,
                 t->exit_code, ev_int(ev, "threads_left", 0));
    s->anim = *sig ? VA_FATAL : VA_EXIT;
    s->anim_tid = t->tid;
}

static void on_zombie(struct viz_scene *s, const cJSON *ev, int tid, int tgid)
{
    struct viz_group *g = viz_scene_group(s, tgid);
    if (!g) return;
    g->zombie = true;
    g->stopped = false;
    g->shared_pending = 0;
    const char *k = ev_str(ev, "killed_by");
    copy_str(g->killed_by, sizeof g->killed_by, k);
    g->exit_code = *k ? -1 : (int)ev_int(ev, "exit_code", 0);
    if (*k)
        snprintf(s->caption, sizeof s->caption, "process %d is a zombie, killed by %s", tid, k);
    else
        snprintf(s->caption, sizeof s->caption, "process %d is a zombie, exit code %d", tid,
                 g->exit_code);
}

static void on_reap(struct viz_scene *s, const cJSON *ev, int tid, int tgid)
{
    struct viz_group *g = viz_scene_group(s, tgid);
    if (g) g->reaped = true;
    for (int i = 0; i < s->ntasks; i++)
        if (s->tasks[i].tgid == tgid && s->tasks[i].state >= VT_ZOMBIE)
            s->tasks[i].state = VT_REAPED;
    snprintf(s->caption, sizeof s->caption, "process %d reaped by %lld", tid, ev_int(ev, "by", 0));
    s->anim = VA_REAP;
    s->anim_tid = tid;
}

static void on_signal_generate(struct viz_scene *s, const cJSON *ev, int tid, int seq)
{
    struct viz_sigroute *r = &s->sig;
    memset(r, 0, sizeof *r);
    r->seq = seq;
    copy_str(r->sig, sizeof r->sig, ev_str(ev, "sig"));
    r->from = (int)ev_int(ev, "from", 0);
    r->target = tid;
    r->group = !strcmp(ev_str(ev, "to"), "process");
    if (!r->group) r->chosen = tid;
    char who[32] = "the kernel";
    if (r->from) snprintf(who, sizeof who, "%d", r->from);
    snprintf(s->caption, sizeof s->caption, "%s from %s to %s %d", r->sig, who,
             r->group ? "process" : "thread", r->group ? r->target : tid);
    s->anim = VA_SIGNAL;
    s->anim_tid = tid;
}

static void on_signal_target(struct viz_scene *s, const cJSON *ev)
{
    struct viz_sigroute *r = &s->sig;
    const char *p = ev_str(ev, "candidates");
    r->ncand = 0;
    while (*p && r->ncand < (int)(sizeof r->cand / sizeof r->cand[0])) {
        char *end;
        struct viz_cand *c = &r->cand[r->ncand];
        c->tid = (int)strtol(p, &end, 10);
        if (end == p || *end != ':') break;
        size_t n = strcspn(end + 1, ",");
        snprintf(c->status, sizeof c->status, "%.*s", (int)n, end + 1);
        r->ncand++;
        p = end + 1 + n;
        if (*p == ',') p++;
    }
    r->chosen = (int)ev_int(ev, "chosen", 0);
    copy_str(r->why, sizeof r->why, ev_str(ev, "why"));
    int nblocked = 0;
    for (int i = 0; i < r->ncand; i++)
        nblocked += !strcmp(r->cand[i].status, "blocked");
    if (r->chosen)
        snprintf(s->caption, sizeof s->caption, "%s: %d of %d threads block it; %d is chosen",
                 r->sig, nblocked, r->ncand, r->chosen);
    else
        snprintf(s->caption, sizeof s->caption, "%s: every thread blocks it; pending for the group",
                 r->sig);
    s->anim = VA_SIGNAL;
    s->anim_tid = r->chosen;
}

static void on_signal_deliver(struct viz_scene *s, const cJSON *ev, struct viz_task *t)
{
    if (!t) return;
    const char *sig = ev_str(ev, "sig"), *action = ev_str(ev, "action");
    if (!strcmp(s->sig.sig, sig)) {
        s->sig.delivered = true;
        s->sig.chosen = t->tid;
    }
    if (*action) {
        snprintf(s->caption, sizeof s->caption, "%s in %d: %s", sig, t->tid, action);
        bool fatal = strstr(action, "terminate") != NULL;
        if (!strcmp(s->sig.sig, sig)) s->sig.fatal = fatal;
        s->anim = fatal ? VA_FATAL : VA_DELIVER;
    } else {
        copy_str(t->handler, sizeof t->handler, sig);
        snprintf(s->caption, sizeof s->caption, "%s delivered to %d: its handler runs", sig,
                 t->tid);
        s->anim = VA_DELIVER;
    }
    s->anim_tid = t->tid;
}

static void on_sigstate(const struct viz_scene *s, const cJSON *ev, struct viz_task *t)
{
    if (!t) return;
    t->blocked = ev_hex(ev, "blocked");
    t->pending = ev_hex(ev, "pending");
    struct viz_group *g = viz_scene_group(s, t->tgid);
    if (g) g->shared_pending = ev_hex(ev, "shared_pending");
}

static void on_block(struct viz_scene *s, const cJSON *ev, struct viz_task *t, bool block)
{
    if (!t || !viz_task_alive(t)) return;
    if (block) {
        t->state = VT_BLOCKED;
        copy_str(t->on, sizeof t->on, ev_str(ev, "on"));
        snprintf(s->caption, sizeof s->caption, "%d blocks on %s", t->tid, t->on);
        s->anim = VA_BLOCK;
        s->anim_tid = t->tid;
    } else {
        t->state = VT_RUNNABLE;
        snprintf(s->caption, sizeof s->caption, "%d wakes (%s)", t->tid, t->on);
        t->on[0] = 0;
    }
}

static void on_group_stop(struct viz_scene *s, const cJSON *ev, int tgid, bool stop)
{
    struct viz_group *g = viz_scene_group(s, tgid);
    if (g) g->stopped = stop;
    if (stop)
        snprintf(s->caption, sizeof s->caption, "process %d stops (%s)", tgid, ev_str(ev, "sig"));
    else
        snprintf(s->caption, sizeof s->caption, "process %d continues", tgid);
}

static void on_exec_take_over(struct viz_scene *s, const cJSON *ev, struct viz_task *t)
{
    if (!t) return;
    struct viz_group *g = viz_scene_group(s, t->tgid);
    int from = (int)ev_int(ev, "from_tid", 0);
    struct viz_task *old = viz_scene_task(s, from);
    if (old && old != t) old->state = VT_EXITED;
    if (g) g->leader = t->tid;
    snprintf(s->caption, sizeof s->caption, "exec: thread takes over leader %d's pid", from);
}

void viz_scene_apply(struct viz_scene *s, const cJSON *ev)
{
    const char *kind = viz_ev_kind(ev);
    int seq = viz_ev_seq(ev), tid = (int)ev_int(ev, "tid", 0), tgid = (int)ev_int(ev, "tgid", 0);
    struct viz_task *t = viz_scene_task(s, tid);
    s->seq = seq;
    if (!strcmp(kind, "sigstate")) { /* the sets after the step just shown: no new caption */
        on_sigstate(s, ev, t);
        return;
    }
    s->cur_tid = tid;
    copy_str(s->kind, sizeof s->kind, kind);
    s->anim = VA_NONE;
    s->anim_tid = 0;
    snprintf(s->caption, sizeof s->caption, "%s", kind);
    if (!strcmp(kind, "task_new"))
        on_task_new(s, ev, tid, tgid, seq);
    else if (!strcmp(kind, "clone"))
        on_clone(s, ev, tid, seq);
    else if (!strcmp(kind, "exec"))
        on_exec(s, ev, t, seq);
    else if (!strcmp(kind, "exec_take_over"))
        on_exec_take_over(s, ev, t);
    else if (!strcmp(kind, "exit"))
        on_task_exit(s, ev, t);
    else if (!strcmp(kind, "zombie"))
        on_zombie(s, ev, tid, tgid);
    else if (!strcmp(kind, "reap"))
        on_reap(s, ev, tid, tgid);
    else if (!strcmp(kind, "reparent")) {
        struct viz_group *g = viz_scene_group(s, tgid);
        if (g) g->parent = (int)ev_int(ev, "to", 0);
        snprintf(s->caption, sizeof s->caption, "%d is reparented to %lld", tid,
                 ev_int(ev, "to", 0));
    } else if (!strcmp(kind, "block") || !strcmp(kind, "wake"))
        on_block(s, ev, t, kind[0] == 'b');
    else if (!strcmp(kind, "signal_generate"))
        on_signal_generate(s, ev, tid, seq);
    else if (!strcmp(kind, "signal_target"))
        on_signal_target(s, ev);
    else if (!strcmp(kind, "signal_deliver"))
        on_signal_deliver(s, ev, t);
    else if (!strcmp(kind, "signal_fatal")) {
        s->sig.fatal = true;
        s->anim = VA_FATAL;
        s->anim_tid = tid;
        snprintf(s->caption, sizeof s->caption, "%s kills process %d", ev_str(ev, "sig"), tgid);
    } else if (!strcmp(kind, "signal_ignored")) {
        s->sig.ignored = true;
        snprintf(s->caption, sizeof s->caption, "%s ignored by %d: %s", ev_str(ev, "sig"), tid,
                 ev_str(ev, "why"));
    } else if (!strcmp(kind, "sigreturn")) {
        if (t) {
            snprintf(s->caption, sizeof s->caption, "%d returns from its %s handler", tid,
                     t->handler);
            t->handler[0] = 0;
        }
    } else if (!strcmp(kind, "sigstate"))
        on_sigstate(s, ev, t);
    else if (!strcmp(kind, "ns_create"))
        on_ns_create(s, ev, tid, seq);
    else if (!strcmp(kind, "ns_enter"))
        on_ns_enter(s, ev, t);
    else if (!strcmp(kind, "ns_destroy") || !strcmp(kind, "pidns_zap"))
        on_pidns_end(s, ev, tid, kind[0] == 'p');
    else if (!strcmp(kind, "group_stop") || !strcmp(kind, "group_continue"))
        on_group_stop(s, ev, tgid, kind[6] == 's');
    else if (!strcmp(kind, "syscall")) {
        char ret[32];
        if (cJSON_IsString(field(ev, "ret")))
            copy_str(ret, sizeof ret, ev_str(ev, "ret"));
        else
            snprintf(ret, sizeof ret, "%lld", ev_int(ev, "ret", 0));
        snprintf(s->caption, sizeof s->caption, "%d: %s(%s) = %s %s", tid, ev_str(ev, "name"),
                 ev_str(ev, "args"), ret, ev_str(ev, "err"));
    }
}

/* --- recorded runs ---------------------------------------------------- */

bool viz_log_add_line(struct viz_log *log, const char *line)
{
    cJSON *ev = cJSON_Parse(line);
    if (!cJSON_IsObject(ev)) {
        cJSON_Delete(ev);
        return false;
    }
    log->ev = grow(log->ev, &log->cap, log->n + 1, sizeof *log->ev);
    log->ev[log->n++] = ev;
    return true;
}

int viz_log_load(struct viz_log *log, const char *path, char *err, int errlen)
{
    memset(log, 0, sizeof *log);
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        snprintf(err, (size_t)errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        if (line[0] == '\n') continue;
        if (!viz_log_add_line(log, line)) {
            snprintf(err, (size_t)errlen, "%s:%ld: not a JSON object", path, lineno);
            rc = -1;
            break;
        }
    }
    free(line);
    if (f != stdin) fclose(f);
    if (rc == 0 && log->n == 0) {
        snprintf(err, (size_t)errlen, "%s: no events", path);
        rc = -1;
    }
    if (rc) viz_log_free(log);
    return rc;
}

void viz_log_free(struct viz_log *log)
{
    for (int i = 0; i < log->n; i++)
        cJSON_Delete(log->ev[i]);
    free(log->ev);
    memset(log, 0, sizeof *log);
}

bool viz_ev_is_step(const cJSON *ev)
{
    return strcmp(viz_ev_kind(ev), "syscall") != 0;
}

bool viz_ev_is_major(const cJSON *ev)
{
    static const char *const major[] = {
        "task_new", "clone", "exec",       "signal_generate", "signal_deliver", "signal_fatal",
        "zombie",   "reap",  "group_stop", "group_continue",  "unshare",        "vfork_release"};
    const char *k = viz_ev_kind(ev);
    for (size_t i = 0; i < sizeof major / sizeof major[0]; i++)
        if (!strcmp(k, major[i])) return true;
    return false;
}

int viz_log_index_of(const struct viz_log *log, int seq)
{
    int idx = -1;
    for (int i = 0; i < log->n && viz_ev_seq(log->ev[i]) <= seq; i++)
        idx = i;
    return idx;
}

void viz_scene_at(struct viz_scene *s, const struct viz_log *log, int index)
{
    viz_scene_free(s);
    viz_scene_init(s);
    for (int i = 0; i <= index && i < log->n; i++)
        viz_scene_apply(s, log->ev[i]);
}
