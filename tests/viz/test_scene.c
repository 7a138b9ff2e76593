/* Scene and layout tests (issue 7, must show 1): record a sample's events
 * with `clonemu run --events`, fold them, and check the scene at chosen
 * events: boxes, threads, parent edges, shared/copied resource nodes,
 * states, masks, the signal route. Tids are taken from the events
 * themselves; the checks are relations (same id = shared, copy_of, parent).
 *
 * usage: test_scene CLONEMU SAMPLES_DIR (SAMPLES_DIR/<arch>/<name>) */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "viz/dot.h"
#include "viz/layout.h"
#include "viz/scene.h"

static int failures;
static const char *clonemu, *samples;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void record(struct viz_log *log, const char *arch, const char *name)
{
    char path[256], cmd[1024], err[256];
    snprintf(path, sizeof path, "/tmp/test_scene.%d.%s.%s.jsonl", (int)getpid(), arch, name);
    snprintf(cmd, sizeof cmd, "%s run --events=%s %s/%s/%s > /dev/null 2>&1", clonemu, path,
             samples, arch, name);
    if (system(cmd) == -1 || viz_log_load(log, path, err, sizeof err) != 0) {
        fprintf(stderr, "cannot record %s/%s: %s\n", arch, name, err);
        exit(1);
    }
    unlink(path);
}

/* Index of the n-th (0-based) event of kind whose string field key is val
 * (key NULL: any). -1 if none. */
static int find(const struct viz_log *log, int from, const char *kind, const char *key,
                const char *val)
{
    for (int i = from < 0 ? 0 : from; i < log->n; i++) {
        if (strcmp(viz_ev_kind(log->ev[i]), kind)) continue;
        if (!key) return i;
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(log->ev[i], key);
        if (cJSON_IsString(f) && !strcmp(f->valuestring, val)) return i;
    }
    return -1;
}

static int ev_int(const cJSON *ev, const char *key)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(ev, key);
    return cJSON_IsNumber(f) ? (int)f->valuedouble : -1;
}

static int group_threads(const struct viz_scene *s, int tgid)
{
    int n = 0;
    for (int i = 0; i < s->ntasks; i++)
        n += s->tasks[i].tgid == tgid;
    return n;
}

static int live_nodes(const struct viz_scene *s, int kind)
{
    int n = 0;
    for (int i = 0; i < s->nres; i++)
        n += s->res[i].kind == kind && viz_res_users(s, kind, s->res[i].id) > 0;
    return n;
}

/* The first clone that made a new process (child_tgid == child). */
static int find_fork(const struct viz_log *log, int from)
{
    for (int i = from; i < log->n; i++)
        if (!strcmp(viz_ev_kind(log->ev[i]), "clone") &&
            ev_int(log->ev[i], "child") == ev_int(log->ev[i], "child_tgid"))
            return i;
    return -1;
}

#define SIGBIT(n) (1ULL << ((n)-1))
enum { USR1 = 10, SEGV = 11 };

/* The default demo: three threads, two block SIGUSR1, kill(getpid()). */
static void test_group_delivery(const char *arch)
{
    struct viz_log log;
    record(&log, arch, "sig_group_delivery");
    struct viz_scene s;
    viz_scene_init(&s);
    int main_tid = ev_int(log.ev[0], "tid");

    /* After the second thread clone: one box, three threads, one mm. */
    int c1 = find(&log, 0, "clone", NULL, NULL), c2 = find(&log, c1 + 1, "clone", NULL, NULL);
    CHECK(c1 > 0 && c2 > c1);
    viz_scene_at(&s, &log, c2);
    CHECK(s.ngroups == 1 && s.ntasks == 3 && group_threads(&s, main_tid) == 3);
    CHECK(s.tasks[1].res[VR_MM] == s.tasks[0].res[VR_MM]);
    CHECK(s.tasks[2].res[VR_SIGHAND] == s.tasks[0].res[VR_SIGHAND]);
    CHECK(s.tasks[1].res[VR_IO] != s.tasks[0].res[VR_IO]); /* io is copied per thread */
    CHECK(live_nodes(&s, VR_MM) == 1 && viz_res_users(&s, VR_MM, s.tasks[0].res[VR_MM]) == 3);
    CHECK(viz_task_state(&s, &s.tasks[0]) == VT_RUNNING && s.cur_tid == main_tid);
    CHECK(!strncmp(s.tasks[1].call, "clone", 5) && strstr(s.tasks[1].flags, "CLONE_THREAD"));

    /* The kill: signal_target names 3 candidates, 2 blocked, the chosen
     * one does not block SIGUSR1; the group's pending set then holds it. */
    int tg = find(&log, 0, "signal_target", "sig", "SIGUSR1");
    CHECK(tg > 0);
    viz_scene_at(&s, &log, tg);
    CHECK(s.sig.group && !strcmp(s.sig.sig, "SIGUSR1") && s.sig.from == main_tid);
    CHECK(s.sig.ncand == 3);
    int nblocked = 0;
    for (int i = 0; i < s.sig.ncand; i++) {
        const struct viz_task *t = viz_scene_task(&s, s.sig.cand[i].tid);
        CHECK(t != NULL);
        bool b = !strcmp(s.sig.cand[i].status, "blocked");
        nblocked += b;
        if (t) CHECK(b == ((t->blocked & SIGBIT(USR1)) != 0)); /* sigstate agrees */
    }
    CHECK(nblocked == 2);
    const struct viz_task *chosen = viz_scene_task(&s, s.sig.chosen);
    CHECK(chosen && chosen->tid != main_tid && !(chosen->blocked & SIGBIT(USR1)));
    int st = find(&log, tg, "sigstate", NULL, NULL);
    viz_scene_at(&s, &log, st);
    CHECK(viz_scene_group(&s, main_tid)->shared_pending & SIGBIT(USR1));

    /* Delivery: the chosen thread runs the handler, the group set is empty. */
    int dl = find(&log, tg, "signal_deliver", "sig", "SIGUSR1");
    viz_scene_at(&s, &log, find(&log, dl, "sigstate", NULL, NULL));
    const struct viz_task *h = viz_scene_task(&s, s.sig.chosen);
    CHECK(h && !strcmp(h->handler, "SIGUSR1") && s.sig.delivered);
    CHECK(h && (h->blocked & SIGBIT(USR1))); /* blocked while its handler runs */
    CHECK(viz_scene_group(&s, main_tid)->shared_pending == 0);

    /* The fork: a second box whose parent is the main thread; mm, files,
     * fs, sighand copied (copy_of the parent's), nsproxy shared. */
    int fk = find_fork(&log, 0);
    CHECK(fk > dl);
    viz_scene_at(&s, &log, fk);
    int child = ev_int(log.ev[fk], "child");
    const struct viz_group *cg = viz_scene_group(&s, child);
    const struct viz_task *ct = viz_scene_task(&s, child), *mt = viz_scene_task(&s, main_tid);
    CHECK(s.ngroups == 2 && cg && cg->parent == main_tid && ct && mt);
    for (int k = VR_MM; k <= VR_SIGHAND; k++) {
        CHECK(ct->res[k] != mt->res[k]);
        CHECK(viz_scene_res(&s, k, ct->res[k])->copy_of == mt->res[k]);
    }
    CHECK(ct->res[VR_NSPROXY] == mt->res[VR_NSPROXY]);
    CHECK(live_nodes(&s, VR_MM) == 2);
    CHECK(ct->blocked == mt->blocked); /* the mask is inherited */

    struct viz_layout L;
    viz_layout_init(&L);
    viz_layout_build(&L, &s, &(struct viz_layout_opts){0});
    const struct viz_lgroup *pl = viz_layout_group(&L, &s, main_tid);
    const struct viz_lgroup *cl = viz_layout_group(&L, &s, child);
    CHECK(pl && cl && cl->depth == pl->depth + 1 && cl->box.y > pl->box.y + pl->box.h);
    CHECK(&L.groups[cl->parent] == pl);
    const struct viz_lres *mmn = viz_layout_res(&L, &s, VR_MM, mt->res[VR_MM]);
    CHECK(mmn && mmn->box.x >= L.tree_w && mmn->users == 1);      /* the threads have exited */
    CHECK(viz_layout_res(&L, &s, VR_IO, mt->res[VR_IO]) == NULL); /* io hidden by default */

    /* The child's fault kills its whole group: both threads exit, the box
     * is a zombie killed by SIGSEGV while the parent waits for it. */
    int zb = find(&log, fk, "zombie", NULL, NULL);
    viz_scene_at(&s, &log, zb);
    cg = viz_scene_group(&s, child);
    CHECK(cg->zombie && !strcmp(cg->killed_by, "SIGSEGV") && group_threads(&s, child) == 2);
    for (int i = 0; i < s.ntasks; i++)
        if (s.tasks[i].tgid == child) {
            CHECK(!viz_task_alive(&s.tasks[i]) && !strcmp(s.tasks[i].killed_by, "SIGSEGV"));
        }
    CHECK(viz_scene_task(&s, main_tid)->state == VT_BLOCKED &&
          !strcmp(viz_scene_task(&s, main_tid)->on, "child"));
    CHECK(live_nodes(&s, VR_MM) == 1);
    int rp = find(&log, zb, "reap", NULL, NULL);
    viz_scene_at(&s, &log, rp);
    CHECK(viz_scene_group(&s, child)->reaped && viz_scene_task(&s, child)->state == VT_REAPED);
    viz_layout_build(&L, &s, &(struct viz_layout_opts){0});
    CHECK(viz_layout_group(&L, &s, child) == NULL && L.ngroups == 1);

    /* DOT of the kill moment names the three threads and one mm node. */
    viz_scene_at(&s, &log, tg);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    viz_dot_write(f, &s, NULL);
    fclose(f);
    char want[64];
    snprintf(want, sizeof want, "r_mm_%d [", s.tasks[0].res[VR_MM]);
    CHECK(strstr(buf, "subgraph cluster_p") && strstr(buf, want) && strstr(buf, "shared x3"));
    free(buf);

    viz_layout_free(&L);
    viz_scene_free(&s);
    viz_log_free(&log);
}

/* CLONE_PARENT: G's box hangs under T (its real parent) beside C, with
 * C recorded as its creator. */
static void test_clone_parent(const char *arch)
{
    struct viz_log log;
    record(&log, arch, "clone_parent");
    int top = ev_int(log.ev[0], "tid");
    int cp = -1;
    for (int i = 0; i < log.n; i++) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(log.ev[i], "flags");
        if (!strcmp(viz_ev_kind(log.ev[i]), "clone") && cJSON_IsString(f) &&
            strstr(f->valuestring, "CLONE_PARENT|")) {
            cp = i;
            break;
        }
    }
    CHECK(cp > 0);
    struct viz_scene s;
    viz_scene_init(&s);
    viz_scene_at(&s, &log, cp);
    int c = ev_int(log.ev[cp], "tid"), g = ev_int(log.ev[cp], "child");
    CHECK(c != top && g != c && s.ngroups == 3);
    CHECK(viz_scene_group(&s, g)->parent == top && viz_scene_task(&s, g)->creator == c);
    CHECK(viz_scene_group(&s, c)->parent == top);
    struct viz_layout L;
    viz_layout_init(&L);
    viz_layout_build(&L, &s, NULL);
    const struct viz_lgroup *lt = viz_layout_group(&L, &s, top), *lc = viz_layout_group(&L, &s, c),
                            *lg = viz_layout_group(&L, &s, g);
    CHECK(lg->depth == lc->depth && lc->depth == lt->depth + 1);
    CHECK(&L.groups[lg->parent] == lt && &L.groups[lg->creator] == lc);
    CHECK(lc->box.x + lc->box.w <= lg->box.x); /* creation order, left to right */
    viz_layout_free(&L);
    viz_scene_free(&s);
    viz_log_free(&log);
}

/* vfork: the parent is blocked on vfork until the child exits. */
static void test_vfork(const char *arch)
{
    struct viz_log log;
    record(&log, arch, "vfork_order");
    int vf = find_fork(&log, 0); /* vfork, or clone(CLONE_VM|CLONE_VFORK) on aarch64 */
    CHECK(vf > 0);
    int blk = find(&log, vf, "block", "on", "vfork"),
        rel = find(&log, vf, "vfork_release", NULL, NULL);
    CHECK(blk > vf && rel > blk);
    struct viz_scene s;
    viz_scene_init(&s);
    viz_scene_at(&s, &log, blk);
    int parent = ev_int(log.ev[vf], "tid"), child = ev_int(log.ev[vf], "child");
    CHECK(viz_scene_task(&s, parent)->state == VT_BLOCKED);
    CHECK(!strcmp(viz_scene_task(&s, parent)->on, "vfork"));
    CHECK(viz_scene_task(&s, child)->res[VR_MM] == viz_scene_task(&s, parent)->res[VR_MM]);
    viz_scene_at(&s, &log, find(&log, rel, "wake", NULL, NULL));
    CHECK(viz_scene_task(&s, parent)->state == VT_RUNNABLE);
    viz_scene_free(&s);
    viz_log_free(&log);
}

/* CLONE_NEWPID (x86_64 only: ns_newpid needs no per-arch facts here):
 * after the clone the scene holds pid namespace #id at level 1, the child
 * is pid 1 at level 1 and its global pid (clone's tid) at level 0; the
 * grandchild it forks is in the same namespace; the layout draws one
 * region around both boxes and not around the initial process. */
static void test_newpid(void)
{
    struct viz_log log;
    record(&log, "x86_64", "ns_newpid");
    int top = ev_int(log.ev[0], "tid");
    int nc = find(&log, 0, "ns_create", "type", "pid");
    int cl = find_fork(&log, nc);
    CHECK(nc > 0 && cl > nc);
    struct viz_scene s;
    viz_scene_init(&s);
    viz_scene_at(&s, &log, cl);
    int id = ev_int(log.ev[nc], "id"), child = ev_int(log.ev[cl], "child");
    const struct viz_pidns *p = viz_scene_pidns(&s, id);
    CHECK(s.npidns == 1 && p && p->level == 1 && p->creator == top);
    CHECK(p && p->parent == ev_int(log.ev[nc], "parent") && p->parent != id);
    const struct viz_task *c = viz_scene_task(&s, child), *t = viz_scene_task(&s, top);
    CHECK(t && t->nlevels == 1 && t->nspid[0] == top && t->pidns == 0);
    CHECK(c && c->pidns == id && c->nlevels == 2);
    CHECK(c && c->nspid[0] == child && c->nspid[1] == 1);
    char buf[64];
    snprintf(buf, sizeof buf, "%d / 1", child);
    CHECK(c && !strcmp(viz_task_pids_str(c, buf + 32, 32), buf));

    int gc = find_fork(&log, cl + 1); /* the child's fork: pid 2 there */
    CHECK(gc > cl && ev_int(log.ev[gc], "tid") == child);
    viz_scene_at(&s, &log, gc);
    const struct viz_task *g = viz_scene_task(&s, ev_int(log.ev[gc], "child"));
    CHECK(g && g->pidns == id && g->nlevels == 2 && g->nspid[1] == 2);

    struct viz_layout L;
    viz_layout_init(&L);
    viz_layout_build(&L, &s, NULL);
    CHECK(L.nregions == 1);
    const struct viz_lgroup *lt = viz_layout_group(&L, &s, top),
                            *lc = viz_layout_group(&L, &s, child);
    const struct viz_lgroup *lg = viz_layout_group(&L, &s, g ? g->tid : 0);
    if (L.nregions == 1 && lt && lc && lg) {
        const struct viz_box *r = &L.regions[0].box;
        CHECK(r->x < lc->box.x && r->y < lc->box.y && r->x + r->w > lg->box.x + lg->box.w &&
              r->y + r->h > lg->box.y + lg->box.h);
        CHECK(r->y > lt->box.y + lt->box.h); /* the initial process is outside */
    }

    /* The init's exit zaps the namespace; once the last user is gone it
     * is destroyed (the scene keeps it, marked). */
    int zap = find(&log, cl, "pidns_zap", NULL, NULL),
        gone = find(&log, zap, "ns_destroy", "type", "pid");
    CHECK(zap > gc && gone > zap);
    viz_scene_at(&s, &log, gone);
    p = viz_scene_pidns(&s, id);
    CHECK(p && p->zapped && p->destroyed);

    /* A snapshot copy carries the namespaces. */
    struct viz_scene copy;
    viz_scene_init(&copy);
    viz_scene_copy(&copy, &s);
    CHECK(copy.npidns == 1 && copy.pidns != s.pidns && viz_scene_pidns(&copy, id)->destroyed);
    viz_scene_free(&copy);
    viz_layout_free(&L);
    viz_scene_free(&s);
    viz_log_free(&log);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_scene CLONEMU SAMPLES_DIR\n");
        return 2;
    }
    clonemu = argv[1];
    samples = argv[2];
    static const char *const arches[] = {"x86_64", "aarch64"};
    for (int i = 0; i < 2; i++) {
        test_group_delivery(arches[i]);
        test_clone_parent(arches[i]);
        test_vfork(arches[i]);
    }
    test_newpid();
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
