/* Unit test of pid namespaces (issue 5): the numbers every syscall shows at
 * the caller's level, CLONE_NEWPID and unshare(CLONE_NEWPID), the init of a
 * namespace (orphans, SIGNAL_UNKILLABLE, its death killing the namespace),
 * clone3 set_tid at every level, the refusal rules of CLONE-RULES.md rows
 * 20/31/34 and U9, and the ns_* events. Through the real syscall front-ends
 * with x86-64 numbers, on the CPU-less model host. */
#include <stdio.h>
#include <string.h>

#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

enum {
    NR_GETPID = 39,
    NR_CLONE = 56,
    NR_FORK = 57,
    NR_EXIT = 60,
    NR_WAIT4 = 61,
    NR_KILL = 62,
    NR_GETPPID = 110,
    NR_GETTID = 186,
    NR_WAITID = 247,
    NR_UNSHARE = 272,
    NR_CLONE3 = 435,
};

#define ARGS   0x10000ULL
#define TIDS   0x11000ULL
#define STATUS 0x12000ULL
#define STACK  0x20000ULL

static struct km K;
static struct km_sink sink;
static char last_rule[64];
static int n_create, n_enter, n_destroy, n_zap;
static char last_create_type[16];

static void sink_emit(void *p, const struct km_event *e)
{
    (void)p;
    const struct km_field *f;
    if (strcmp(e->kind, "clone_refused") == 0 && (f = km_ev_field(e, "rule")) && f->s)
        snprintf(last_rule, sizeof last_rule, "%s", f->s);
    if (strcmp(e->kind, "ns_create") == 0) {
        n_create++;
        if ((f = km_ev_field(e, "type")) && f->s)
            snprintf(last_create_type, sizeof last_create_type, "%s", f->s);
    }
    if (strcmp(e->kind, "ns_enter") == 0) n_enter++;
    if (strcmp(e->kind, "ns_destroy") == 0) n_destroy++;
    if (strcmp(e->kind, "pidns_zap") == 0) n_zap++;
}

static struct task *boot(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    sink = (struct km_sink){.emit = sink_emit};
    km_ev_add_sink(&K, &sink);
    last_rule[0] = 0;
    n_create = n_enter = n_destroy = n_zap = 0;
    return t;
}

static i64 sys(struct task *t, u32 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
    const u64 a[6] = {a0, a1, a2, a3, a4, 0};
    return km_syscall(&K, t, nr, a);
}

static struct task *task_of(i64 global)
{
    return global > 0 ? km_find_task(&K, (int)global) : NULL;
}

/* fork from t; the child as a task (found by its number in t's view). */
static struct task *do_fork(struct task *t, i64 *r)
{
    *r = sys(t, NR_FORK, 0, 0, 0, 0, 0);
    return *r > 0 ? km_find_task_vnr(&K, t, (int)*r) : NULL;
}

static void test_newpid_views(void)
{
    struct task *t = boot();
    i64 r = sys(t, NR_CLONE, LX_CLONE_NEWPID | LX_SIGCHLD, 0, 0, 0, 0);
    struct task *c = task_of(r); /* t is in the initial ns: its view is global */
    CHECK(c && c->pidns->level == 1 && c->pids[1] == 1, "NEWPID child is pid 1 of a level-1 ns");
    CHECK(c && strcmp(last_create_type, "pid") == 0 && n_create == 1, "one ns_create (pid)");
    if (!c) return;
    CHECK(sys(c, NR_GETPID, 0, 0, 0, 0, 0) == 1, "child getpid() == 1");
    CHECK(sys(c, NR_GETTID, 0, 0, 0, 0, 0) == 1, "child gettid() == 1");
    CHECK(sys(c, NR_GETPPID, 0, 0, 0, 0, 0) == 0, "child getppid() == 0 (parent outside)");
    CHECK(c->tg->unkillable, "the namespace init is SIGNAL_UNKILLABLE");
    i64 gr;
    struct task *g = do_fork(c, &gr);
    CHECK(gr == 2 && g && sys(g, NR_GETPID, 0, 0, 0, 0, 0) == 2, "grandchild is pid 2 (%lld)",
          (long long)gr);
    CHECK(g && sys(g, NR_GETPPID, 0, 0, 0, 0, 0) == 1, "grandchild's parent is 1");
    CHECK(g && km_pid_vnr(t, g) == g->tid && g->tid >= 1000, "outside, the grandchild is global");
    CHECK(sys(c, NR_KILL, (u64)t->tid, 0, 0, 0, 0) == -LX_ESRCH, "the parent is invisible inside");
    CHECK(sys(t, NR_KILL, (u64)g->tid, 0, 0, 0, 0) == 0, "the grandchild is visible outside");
    /* CLONE_PARENT from a namespace init: no siblings of init (row 19) */
    CHECK(sys(c, NR_CLONE, LX_CLONE_PARENT | LX_SIGCHLD, 0, 0, 0, 0) == -LX_EINVAL &&
              strcmp(last_rule, "parent_of_init") == 0,
          "CLONE_PARENT from a pid-ns init: %s", last_rule);
    /* wait in the namespace: the init's view (2), status of exit(7) */
    sys(g, NR_EXIT, 7, 0, 0, 0, 0);
    i64 w = sys(c, NR_WAIT4, (u64)-1, STATUS, 0, 0, 0);
    u32 st = 0;
    mm_read_u32(c->mm, STATUS, &st);
    CHECK(w == 2 && st == 7 << 8, "init's wait4 returns 2 with status 7 (%lld, %#x)", (long long)w,
          st);
    fake_shutdown(&K);
}

static void test_orphans_and_signals(void)
{
    struct task *t = boot();
    i64 r = sys(t, NR_CLONE, LX_CLONE_NEWPID | LX_SIGCHLD, 0, 0, 0, 0);
    struct task *init = task_of(r);
    i64 r2, r3;
    struct task *g = do_fork(init, &r2);
    struct task *gg = g ? do_fork(g, &r3) : NULL;
    if (!init || !g || !gg) {
        CHECK(false, "setup");
        return;
    }
    sys(g, NR_EXIT, 0, 0, 0, 0, 0); /* gg is orphaned */
    CHECK(gg->real_parent == init, "the orphan is adopted by the namespace init, not by pid 1");
    CHECK(sys(gg, NR_GETPPID, 0, 0, 0, 0, 0) == 1, "the orphan's getppid() is 1");
    /* SIGNAL_UNKILLABLE: no handler, so signals from inside are dropped */
    CHECK(sys(gg, NR_KILL, 1, LX_SIGTERM, 0, 0, 0) == 0 && init->state < TASK_ZOMBIE,
          "SIGTERM from inside does not kill the init");
    CHECK(sys(gg, NR_KILL, 1, LX_SIGKILL, 0, 0, 0) == 0 && init->state < TASK_ZOMBIE,
          "SIGKILL from inside does not kill the init");
    CHECK(sys(t, NR_KILL, (u64)init->tid, LX_SIGTERM, 0, 0, 0) == 0 && init->state < TASK_ZOMBIE,
          "SIGTERM from the parent namespace is dropped too (not SIGKILL/SIGSTOP)");
    /* SIGKILL from the parent namespace: the init dies and takes gg along */
    CHECK(sys(t, NR_KILL, (u64)init->tid, LX_SIGKILL, 0, 0, 0) == 0 && init->state == TASK_ZOMBIE,
          "SIGKILL from the parent namespace kills the init");
    CHECK(gg->state == TASK_DEAD && n_zap == 1, "the init's death killed and reaped the namespace");
    CHECK(!init->pidns->adding, "no more processes can join the dead namespace");
    u32 st = 0;
    i64 w = sys(t, NR_WAIT4, (u64)r, STATUS, 0, 0, 0);
    mm_read_u32(t->mm, STATUS, &st);
    CHECK(w == r && (st & 0x7f) == LX_SIGKILL, "the parent reaps the init killed by SIGKILL");
    fake_shutdown(&K);
}

static void test_unshare_newpid(void)
{
    struct task *t = boot();
    CHECK(sys(t, NR_UNSHARE, LX_CLONE_NEWPID, 0, 0, 0, 0) == 0, "unshare(CLONE_NEWPID)");
    CHECK(n_create == 1 && n_enter == 1, "ns_create and ns_enter (for children) events");
    CHECK(sys(t, NR_GETPID, 0, 0, 0, 0, 0) == t->tid, "the caller keeps its pid");
    CHECK(sys(t, NR_UNSHARE, LX_CLONE_NEWPID, 0, 0, 0, 0) == -LX_EINVAL &&
              strcmp(last_rule, "unshare_newpid_twice") == 0,
          "a second unshare(CLONE_NEWPID) is EINVAL");
    CHECK(sys(t, NR_CLONE, LX_CLONE_NEWPID | LX_SIGCHLD, 0, 0, 0, 0) == -LX_EINVAL &&
              strcmp(last_rule, "newpid_after_unshare") == 0,
          "clone(CLONE_NEWPID) after unshare(CLONE_NEWPID) is EINVAL (%s)", last_rule);
    CHECK(sys(t, NR_CLONE, LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD, STACK, 0, 0, 0) ==
                  -LX_EINVAL &&
              strcmp(last_rule, "thread_with_newuser_or_newpid") == 0,
          "a thread after unshare(CLONE_NEWPID) is EINVAL");
    i64 r1, r2;
    struct task *c1 = do_fork(t, &r1);
    struct task *c2 = do_fork(t, &r2);
    CHECK(c1 && sys(c1, NR_GETPID, 0, 0, 0, 0, 0) == 1 && r1 == c1->tid,
          "the first child is pid 1; the parent sees its global pid");
    CHECK(c2 && sys(c2, NR_GETPID, 0, 0, 0, 0, 0) == 2, "the second child is pid 2");
    CHECK(c2 && sys(c2, NR_GETPPID, 0, 0, 0, 0, 0) == 0, "their parent is outside: getppid() 0");
    if (!c1 || !c2) return;
    sys(c1, NR_EXIT, 0, 0, 0, 0, 0); /* the init exits: c2 is killed */
    CHECK(c2->state == TASK_ZOMBIE && c2->real_parent == t && c2->tg->group_exit_code == LX_SIGKILL,
          "the init's exit SIGKILLs the rest (a zombie of its outside parent)");
    i64 r3 = sys(t, NR_FORK, 0, 0, 0, 0, 0);
    CHECK(r3 == -LX_ENOMEM && strcmp(last_rule, "pidns_dead") == 0,
          "fork into the dead namespace is ENOMEM (%lld, %s)", (long long)r3, last_rule);
    fake_shutdown(&K);
}

static void put_c3(struct task *t, u64 flags, u64 set_tid_size)
{
    const u64 v[11] = {flags, 0, 0, 0, LX_SIGCHLD, 0, 0, 0, TIDS, set_tid_size, 0};
    u8 b[88];
    for (int i = 0; i < 11; i++)
        lx_put64(false, b + 8 * i, v[i]);
    mm_write(t->mm, ARGS, b, sizeof b);
}

static i64 clone3_tids(struct task *t, u64 flags, i32 t0, i32 t1)
{
    mm_write_u32(t->mm, TIDS, (u32)t0);
    mm_write_u32(t->mm, TIDS + 4, (u32)t1);
    put_c3(t, flags, t1 ? 2 : 1);
    return sys(t, NR_CLONE3, ARGS, 88, 0, 0, 0);
}

static void test_set_tid_levels(void)
{
    struct task *t = boot();
    i64 r = clone3_tids(t, LX_CLONE_NEWPID, 1, 5000);
    struct task *init = task_of(r);
    CHECK(r == 5000 && init && init->pids[1] == 1, "set_tid {1, 5000} with NEWPID");
    CHECK(clone3_tids(t, LX_CLONE_NEWPID, 2, 5001) == -LX_EINVAL &&
              strcmp(last_rule, "set_tid_no_init") == 0,
          "a new namespace's first pid must be 1");
    if (!init) return;
    /* from the init: levels 1 and 0 */
    mm_write_u32(init->mm, TIDS, 5);
    r = clone3_tids(init, 0, 5, 6000);
    struct task *c = task_of(6000);
    CHECK(r == 5 && c && c->pids[1] == 5 && c->tid == 6000, "set_tid {5, 6000} from the init: %lld",
          (long long)r);
    CHECK(clone3_tids(init, 0, 5, 6001) == -LX_EEXIST && strcmp(last_rule, "set_tid_taken") == 0,
          "pid 5 is taken in the inner namespace");
    CHECK(clone3_tids(init, 0, 9, 6000) == -LX_EEXIST && strcmp(last_rule, "set_tid_taken") == 0,
          "pid 6000 is taken in the initial namespace");
    r = clone3_tids(init, LX_CLONE_NEWPID, 1, 7);
    c = km_find_task_vnr(&K, init, 7);
    CHECK(r == 7 && c && c->pidns->level == 2 && c->pids[2] == 1 && c->tid >= 1000,
          "three levels, two entries {1, 7}: the outermost pid is allocated (%lld)", (long long)r);
    fake_shutdown(&K);
    /* unshare(NEWPID): the namespace has no init yet */
    t = boot();
    sys(t, NR_UNSHARE, LX_CLONE_NEWPID, 0, 0, 0, 0);
    CHECK(clone3_tids(t, 0, 3, 0) == -LX_EINVAL && strcmp(last_rule, "set_tid_no_init") == 0,
          "after unshare, set_tid {3} has no init");
    r = clone3_tids(t, 0, 1, 4000);
    CHECK(r == 4000 && task_of(4000) && task_of(4000)->pids[1] == 1, "set_tid {1, 4000}");
    fake_shutdown(&K);
}

static void test_depth_and_events(void)
{
    struct task *t = boot();
    /* 32 nested namespaces by unshare + fork; the 33rd is ENOSPC */
    struct task *cur = t;
    for (int i = 0; i < LX_MAX_PID_NS_LEVEL && cur; i++) {
        CHECK(sys(cur, NR_UNSHARE, LX_CLONE_NEWPID, 0, 0, 0, 0) == 0, "unshare at level %d", i);
        i64 r;
        cur = do_fork(cur, &r);
    }
    CHECK(cur && cur->pidns->level == LX_MAX_PID_NS_LEVEL, "32 nested pid namespaces");
    if (cur) {
        CHECK(sys(cur, NR_GETPID, 0, 0, 0, 0, 0) == 1, "pid 1 at the deepest level");
        CHECK(sys(cur, NR_UNSHARE, LX_CLONE_NEWPID, 0, 0, 0, 0) == -LX_ENOSPC &&
                  strcmp(last_rule, "unshare_pidns_depth") == 0,
              "a 33rd level is ENOSPC");
        CHECK(sys(cur, NR_CLONE, LX_CLONE_NEWPID | LX_SIGCHLD, 0, 0, 0, 0) == -LX_ENOSPC &&
                  strcmp(last_rule, "pidns_depth") == 0,
              "clone(CLONE_NEWPID) at level 32 is ENOSPC");
    }
    fake_shutdown(&K);
    /* uts: a namespace nobody uses any more is destroyed */
    t = boot();
    CHECK(sys(t, NR_UNSHARE, LX_CLONE_NEWUTS, 0, 0, 0, 0) == 0 && n_create == 1 && n_enter == 1,
          "unshare(NEWUTS): created and entered");
    CHECK(sys(t, NR_UNSHARE, LX_CLONE_NEWUTS, 0, 0, 0, 0) == 0 && n_create == 2 && n_destroy == 1,
          "a second unshare(NEWUTS) destroys the first (%d destroyed)", n_destroy);
    fake_shutdown(&K);
}

int main(void)
{
    test_newpid_views();
    test_orphans_and_signals();
    test_unshare_newpid();
    test_set_tid_levels();
    test_depth_and_events();
    return check_report("test_pidns");
}
