/* Unit test of exit and wait semantics (kernel/exit.c): fork + exit + wait4
 * statuses, WNOHANG, blocking waits woken by the child's exit, ECHILD cases,
 * __WCLONE/__WALL and exit signals, waitid with its siginfo, exit_group from
 * a non-leader thread, threads exiting alone, orphans reparented to init or
 * a child subreaper, CLONE_CHILD_CLEARTID, vfork, kill. Each task is driven
 * by calling km_syscall "as" that task (x86-64 numbers); no CPU is needed. */
#include <stdio.h>
#include <string.h>

#include "kernel-model/internal.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

/* x86-64 syscall numbers */
enum {
    NR_GETPID = 39,
    NR_CLONE = 56,
    NR_FORK = 57,
    NR_VFORK = 58,
    NR_EXIT = 60,
    NR_WAIT4 = 61,
    NR_KILL = 62,
    NR_GETPPID = 110,
    NR_PRCTL = 157,
    NR_EXIT_GROUP = 231,
    NR_WAITID = 247,
};
#define PR_SET_CHILD_SUBREAPER 36

/* Guest addresses in the initial process' RW memory (copied by fork). */
#define ST    0x10000ULL /* wait status */
#define SI    0x10100ULL /* siginfo (128 bytes) */
#define CTID  0x10200ULL
#define STACK 0x20000ULL

#define THREAD_FLAGS (LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD)

struct ctx {
    struct km k;
    struct task *p; /* the initial process */
    struct km_sink sink;
    int zombie_tid[64]; /* "zombie" events, in order */
    int nzombie;
};

static struct ctx the_ctx;

static void sink_emit(void *v, const struct km_event *e)
{
    struct ctx *c = v;
    if (strcmp(e->kind, "zombie") == 0 && c->nzombie < 64) c->zombie_tid[c->nzombie++] = e->tid;
}

static struct ctx *boot(void)
{
    struct ctx *c = &the_ctx;
    memset(c, 0, sizeof *c);
    c->p = fake_boot(&c->k, &km_abi_x86_64);
    c->sink.emit = sink_emit;
    c->sink.ctx = c;
    km_ev_add_sink(&c->k, &c->sink);
    return c;
}

static int zombies_of(struct ctx *c, int tid)
{
    int n = 0;
    for (int i = 0; i < c->nzombie; i++)
        n += c->zombie_tid[i] == tid;
    return n;
}

static i64 sys(struct ctx *c, struct task *t, u32 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
    const u64 a[6] = {a0, a1, a2, a3, a4, 0};
    return km_syscall(&c->k, t, nr, a);
}

static struct task *task_of(struct ctx *c, i64 tid)
{
    return tid > 0 ? km_find_task(&c->k, (int)tid) : NULL;
}

/* clone(flags) as t, returning the child (NULL on failure) */
static struct task *clone_as(struct ctx *c, struct task *t, u64 flags, u64 ctid)
{
    u64 sp = (flags & LX_CLONE_VM) ? STACK : 0;
    return task_of(c, sys(c, t, NR_CLONE, flags, sp, 0, ctid, 0));
}

static struct task *fork_as(struct ctx *c, struct task *t)
{
    return task_of(c, sys(c, t, NR_FORK, 0, 0, 0, 0, 0));
}

static struct task *thread_as(struct ctx *c, struct task *t)
{
    return clone_as(c, t, THREAD_FLAGS, 0);
}

static void exit_as(struct ctx *c, struct task *t, int code)
{
    CHECK(sys(c, t, NR_EXIT, (u64)code, 0, 0, 0, 0) == KM_NORET, "exit must not return");
}

static void exit_group_as(struct ctx *c, struct task *t, int code)
{
    CHECK(sys(c, t, NR_EXIT_GROUP, (u64)code, 0, 0, 0, 0) == KM_NORET,
          "exit_group must not return");
}

static i64 wait4_as(struct ctx *c, struct task *t, i64 pid, u32 options)
{
    mm_write_u32(t->mm, ST, 0xdeadbeef);
    return sys(c, t, NR_WAIT4, (u64)pid, ST, options, 0, 0);
}

static u32 status_of(struct task *t)
{
    u32 v = 0;
    mm_read_u32(t->mm, ST, &v);
    return v;
}

static i64 waitid_as(struct ctx *c, struct task *t, int idtype, i64 id, u32 options)
{
    u8 junk[128];
    memset(junk, 0xff, sizeof junk);
    mm_write(t->mm, SI, junk, sizeof junk);
    return sys(c, t, NR_WAITID, (u64)idtype, (u64)id, SI, options, 0);
}

static u32 si_field(struct task *t, int off)
{
    u32 v = 0;
    mm_read_u32(t->mm, SI + (u64)off, &v);
    return v;
}

static void shutdown(struct ctx *c)
{
    fake_shutdown(&c->k);
}

/* --- tests -------------------------------------------------------------- */

static void test_fork_exit_wait4(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *ch = fork_as(c, p);
    CHECK(ch && ch->real_parent == p, "fork failed");
    if (!ch) {
        shutdown(c);
        return;
    }
    int tid = ch->tid;
    CHECK(sys(c, ch, NR_GETPPID, 0, 0, 0, 0, 0) == p->tg->tgid, "getppid of the child");
    exit_as(c, ch, 42);
    CHECK(ch->state == TASK_ZOMBIE && zombies_of(c, tid) == 1, "child is not a zombie after exit");
    i64 r = wait4_as(c, p, tid, 0);
    CHECK(r == tid && status_of(p) == 42 << 8, "wait4 returned %lld status %#x", (long long)r,
          status_of(p));
    CHECK(ch->state == TASK_DEAD && p->children == NULL, "the child was not reaped");
    CHECK(wait4_as(c, p, -1, 0) == -LX_ECHILD, "second wait must be ECHILD");
    /* exit codes are truncated to 8 bits */
    ch = fork_as(c, p);
    exit_as(c, ch, 0x1ff);
    r = wait4_as(c, p, -1, 0);
    CHECK(r == ch->tid && status_of(p) == 0xff00, "exit(0x1ff): status %#x", status_of(p));
    shutdown(c);
}

static void test_wnohang_and_block(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *ch = fork_as(c, p);
    int tid = ch->tid;
    CHECK(wait4_as(c, p, -1, LX_WNOHANG) == 0, "WNOHANG with a live child must return 0");
    CHECK(wait4_as(c, p, tid, LX_WNOHANG) == 0, "WNOHANG for the live child's pid must return 0");
    CHECK(p->state == TASK_RUNNABLE, "WNOHANG must not block");
    i64 r = wait4_as(c, p, -1, 0);
    CHECK(r == KM_BLOCKED && p->state == TASK_BLOCKED && p->wait.kind == KM_WAIT_CHILD,
          "a wait for a live child must block (%lld)", (long long)r);
    exit_as(c, ch, 3);
    CHECK(p->state == TASK_RUNNABLE, "the child's exit must wake the parent");
    r = km_syscall_resume(&c->k, p);
    CHECK(r == tid && status_of(p) == 3 << 8, "resumed wait4 returned %lld status %#x",
          (long long)r, status_of(p));
    CHECK(ch->state == TASK_DEAD, "resumed wait must reap");
    shutdown(c);
}

static void test_echild(void)
{
    struct ctx *c = boot();
    struct task *p = c->p;
    CHECK(wait4_as(c, p, -1, 0) == -LX_ECHILD, "no children: wait4 ECHILD");
    CHECK(wait4_as(c, p, -1, LX_WNOHANG) == -LX_ECHILD, "no children: WNOHANG is still ECHILD");
    CHECK(waitid_as(c, p, LX_P_ALL, 0, LX_WEXITED) == -LX_ECHILD, "no children: waitid ECHILD");
    CHECK(wait4_as(c, p, 12345, 0) == -LX_ECHILD, "unknown pid: ECHILD");
    /* A thread is not a child: waiting for its tid is ECHILD, even __WALL. */
    struct task *th = thread_as(c, p);
    CHECK(th != NULL, "thread creation failed");
    if (th) {
        CHECK(wait4_as(c, p, th->tid, 0) == -LX_ECHILD, "wait4(thread tid) must be ECHILD");
        CHECK(wait4_as(c, p, th->tid, LX_WALL) == -LX_ECHILD, "wait4(thread, __WALL) ECHILD");
        CHECK(wait4_as(c, p, -1, LX_WALL) == -LX_ECHILD, "a thread is no child for wait4(-1)");
        exit_as(c, th, 0);
        CHECK(wait4_as(c, p, th->tid, LX_WALL) == -LX_ECHILD, "exited thread: still ECHILD");
    }
    CHECK(wait4_as(c, p, -1, 0x100) == -LX_EINVAL, "wait4 with an unknown option is EINVAL");
    CHECK(waitid_as(c, p, LX_P_ALL, 0, LX_WNOHANG) == -LX_EINVAL,
          "waitid without WEXITED/WSTOPPED/WCONTINUED is EINVAL");
    shutdown(c);
}

static void test_wclone(void)
{
    struct ctx *c = boot();
    struct task *p = c->p;
    /* exit_signal 0 */
    struct task *c0 = clone_as(c, p, 0, 0);
    int tid0 = c0->tid;
    CHECK(c0->exit_signal == 0, "clone(0): exit_signal %d", c0->exit_signal);
    CHECK(wait4_as(c, p, tid0, LX_WNOHANG) == -LX_ECHILD,
          "a clone child is not eligible without __WCLONE");
    CHECK(wait4_as(c, p, tid0, LX_WNOHANG | LX_WCLONE) == 0, "__WCLONE|WNOHANG: alive");
    exit_as(c, c0, 1);
    CHECK(wait4_as(c, p, tid0, 0) == -LX_ECHILD, "exited clone child without __WCLONE: ECHILD");
    i64 r = wait4_as(c, p, tid0, LX_WCLONE);
    CHECK(r == tid0 && status_of(p) == 1 << 8, "__WCLONE reaps the clone child (%lld)",
          (long long)r);

    /* exit_signal SIGUSR1: sent to the parent (blocked here, so pending) */
    p->blocked |= LX_SIGBIT(LX_SIGUSR1);
    struct task *c1 = clone_as(c, p, LX_SIGUSR1, 0);
    int tid1 = c1->tid;
    exit_as(c, c1, 2);
    CHECK(p->state == TASK_RUNNABLE && (p->tg->shared_pending & LX_SIGBIT(LX_SIGUSR1)),
          "the exit signal SIGUSR1 was not sent to the parent");
    CHECK(wait4_as(c, p, -1, LX_WNOHANG) == -LX_ECHILD, "SIGUSR1 child without __WCLONE: ECHILD");
    r = wait4_as(c, p, -1, LX_WALL);
    CHECK(r == tid1 && status_of(p) == 2 << 8, "__WALL reaps the SIGUSR1 child (%lld)",
          (long long)r);

    /* a SIGCHLD child is invisible to __WCLONE, visible to __WALL */
    struct task *cf = fork_as(c, p);
    int tidf = cf->tid;
    exit_as(c, cf, 4);
    CHECK(wait4_as(c, p, tidf, LX_WCLONE) == -LX_ECHILD, "fork child with __WCLONE: ECHILD");
    CHECK(wait4_as(c, p, tidf, LX_WALL) == tidf, "fork child with __WALL");
    shutdown(c);
}

static void test_waitid(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *ch = fork_as(c, p);
    int tid = ch->tid;
    exit_as(c, ch, 7);
    i64 r = waitid_as(c, p, LX_P_PID, tid, LX_WEXITED | LX_WNOWAIT);
    CHECK(r == 0, "waitid WNOWAIT returned %lld", (long long)r);
    CHECK(si_field(p, 0) == LX_SIGCHLD && si_field(p, 8) == LX_CLD_EXITED &&
              si_field(p, 16) == (u32)tid && si_field(p, 24) == 7,
          "siginfo: signo %u code %u pid %u status %u", si_field(p, 0), si_field(p, 8),
          si_field(p, 16), si_field(p, 24));
    CHECK(si_field(p, 4) == 0, "si_errno must be 0");
    CHECK(ch->state == TASK_ZOMBIE, "WNOWAIT must leave the zombie");
    r = waitid_as(c, p, LX_P_PID, tid, LX_WEXITED);
    CHECK(r == 0 && si_field(p, 16) == (u32)tid && ch->state == TASK_DEAD,
          "the second waitid must reap");
    CHECK(waitid_as(c, p, LX_P_PID, tid, LX_WEXITED) == -LX_ECHILD, "third waitid: ECHILD");
    CHECK(waitid_as(c, p, LX_P_PID, 0, LX_WEXITED) == -LX_EINVAL, "P_PID 0 is EINVAL");

    /* P_ALL */
    ch = fork_as(c, p);
    tid = ch->tid;
    exit_as(c, ch, 8);
    r = waitid_as(c, p, LX_P_ALL, 0, LX_WEXITED);
    CHECK(r == 0 && si_field(p, 16) == (u32)tid && si_field(p, 24) == 8, "P_ALL");

    /* P_PGID: the child is in the caller's process group */
    ch = fork_as(c, p);
    tid = ch->tid;
    exit_as(c, ch, 9);
    CHECK(waitid_as(c, p, LX_P_PGID, 9999, LX_WEXITED | LX_WNOHANG) == -LX_ECHILD,
          "P_PGID of another group: ECHILD");
    r = waitid_as(c, p, LX_P_PGID, p->tg->pgid, LX_WEXITED);
    CHECK(r == 0 && si_field(p, 16) == (u32)tid, "P_PGID with the group id");
    ch = fork_as(c, p);
    tid = ch->tid;
    exit_as(c, ch, 10);
    r = waitid_as(c, p, LX_P_PGID, 0, LX_WEXITED);
    CHECK(r == 0 && si_field(p, 16) == (u32)tid, "P_PGID 0 is the caller's group");

    /* WNOHANG with a live child: 0 and a zeroed siginfo */
    ch = fork_as(c, p);
    tid = ch->tid;
    r = waitid_as(c, p, LX_P_ALL, 0, LX_WEXITED | LX_WNOHANG);
    CHECK(r == 0 && si_field(p, 0) == 0 && si_field(p, 16) == 0,
          "waitid WNOHANG: signo %u pid %u, want zeroes", si_field(p, 0), si_field(p, 16));
    /* a killed child: CLD_KILLED with the signal */
    CHECK(sys(c, p, NR_KILL, (u64)tid, LX_SIGKILL, 0, 0, 0) == 0, "kill");
    r = waitid_as(c, p, LX_P_PID, tid, LX_WEXITED);
    CHECK(r == 0 && si_field(p, 8) == LX_CLD_KILLED && si_field(p, 24) == LX_SIGKILL,
          "killed: code %u status %u", si_field(p, 8), si_field(p, 24));
    shutdown(c);
}

/* exit_group from a non-leader thread: every thread dies, the group is
 * reported once, with that status. */
static void test_exit_group_from_thread(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *leader = fork_as(c, p);
    int tid = leader->tid;
    struct task *t1 = thread_as(c, leader), *t2 = thread_as(c, leader);
    CHECK(t1 && t2 && leader->tg->nr_threads == 3, "threads not created");
    if (!t1 || !t2) {
        shutdown(c);
        return;
    }
    exit_group_as(c, t2, 9);
    CHECK(leader->state == TASK_ZOMBIE && t1->state == TASK_DEAD && t2->state == TASK_DEAD &&
              leader->tg->nr_threads == 0,
          "exit_group left a thread alive");
    CHECK(zombies_of(c, tid) == 1, "the group was reported %d times", zombies_of(c, tid));
    CHECK(wait4_as(c, p, t2->tid, 0) == -LX_ECHILD, "wait for the thread's tid: ECHILD");
    i64 r = wait4_as(c, p, tid, 0);
    CHECK(r == tid && status_of(p) == 9 << 8, "wait4: %lld status %#x", (long long)r, status_of(p));
    CHECK(wait4_as(c, p, -1, 0) == -LX_ECHILD, "the group is reaped once");
    shutdown(c);
}

/* The leader exits first: the group is reported only after the last thread. */
static void test_leader_exits_first(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *leader = fork_as(c, p);
    int tid = leader->tid;
    struct task *t1 = thread_as(c, leader);
    exit_as(c, leader, 5);
    CHECK(leader->state == TASK_ZOMBIE && zombies_of(c, tid) == 0,
          "a leader with live threads must not be reported");
    CHECK(wait4_as(c, p, tid, LX_WNOHANG) == 0, "WNOHANG: the process still lives");
    CHECK(wait4_as(c, p, tid, 0) == KM_BLOCKED, "the wait must block until the last thread");
    exit_as(c, t1, 6);
    CHECK(zombies_of(c, tid) == 1 && p->state == TASK_RUNNABLE,
          "the last thread's exit reports the group and wakes the parent");
    i64 r = km_syscall_resume(&c->k, p);
    CHECK(r == tid && status_of(p) == 5 << 8, "status is the leader's exit code: %lld %#x",
          (long long)r, status_of(p));

    /* leader exit(5), then exit_group(7) from the thread: 7 wins */
    leader = fork_as(c, p);
    tid = leader->tid;
    t1 = thread_as(c, leader);
    exit_as(c, leader, 5);
    exit_group_as(c, t1, 7);
    r = wait4_as(c, p, tid, 0);
    CHECK(r == tid && status_of(p) == 7 << 8, "exit_group status after the leader's exit: %#x",
          status_of(p));
    shutdown(c);
}

static void test_thread_exit_keeps_process(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *ch = fork_as(c, p);
    struct task *t1 = thread_as(c, ch);
    exit_as(c, t1, 0);
    CHECK(t1->state == TASK_DEAD && ch->state == TASK_RUNNABLE && ch->tg->nr_threads == 1,
          "a thread's exit must leave the process alive");
    CHECK(zombies_of(c, ch->tid) == 0, "no group report for a thread's exit");
    CHECK(wait4_as(c, p, ch->tid, LX_WNOHANG) == 0, "the process is still waitable-alive");
    CHECK(sys(c, ch, NR_GETPID, 0, 0, 0, 0, 0) == ch->tid, "the process still runs");
    shutdown(c);
}

static void test_orphans_to_init(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *a = fork_as(c, p), *b = fork_as(c, a);
    CHECK(sys(c, b, NR_GETPPID, 0, 0, 0, 0, 0) == a->tid, "getppid before");
    exit_as(c, a, 0);
    CHECK(sys(c, b, NR_GETPPID, 0, 0, 0, 0, 0) == 1, "an orphan's getppid must be 1");
    CHECK(b->real_parent == c->k.init, "the orphan's parent must be init");
    CHECK(wait4_as(c, p, a->tid, 0) == a->tid, "the parent reaps the exited middle process");
    exit_as(c, b, 0);
    CHECK(b->state == TASK_DEAD, "init reaps orphans at once");

    /* an already dead orphan is reaped by init when its parent exits */
    a = fork_as(c, p);
    b = fork_as(c, a);
    exit_as(c, b, 3);
    CHECK(b->state == TASK_ZOMBIE, "unwaited child stays a zombie");
    exit_as(c, a, 0);
    CHECK(b->state == TASK_DEAD, "a zombie orphan must be reaped by init");
    shutdown(c);
}

static void test_subreaper(void)
{
    struct ctx *c = boot();
    struct task *p = c->p;
    p->tg->is_child_subreaper = true;
    struct task *a = fork_as(c, p), *b = fork_as(c, a);
    CHECK(a->tg->has_child_subreaper && b->tg->has_child_subreaper,
          "has_child_subreaper must be inherited");
    exit_as(c, a, 0);
    CHECK(sys(c, b, NR_GETPPID, 0, 0, 0, 0, 0) == p->tg->tgid && b->real_parent == p,
          "the orphan must go to the subreaper");
    CHECK(wait4_as(c, p, a->tid, 0) == a->tid, "reap the middle process");
    exit_as(c, b, 4);
    i64 r = wait4_as(c, p, -1, 0);
    CHECK(r == b->tid && status_of(p) == 4 << 8, "the subreaper reaps the orphan: %lld %#x",
          (long long)r, status_of(p));

    /* a dead orphan is reported to the subreaper */
    a = fork_as(c, p);
    b = fork_as(c, a);
    exit_as(c, b, 3);
    exit_as(c, a, 0);
    CHECK(b->state == TASK_ZOMBIE && b->real_parent == p, "zombie orphan goes to the subreaper");
    CHECK(wait4_as(c, p, b->tid, 0) == b->tid && status_of(p) == 3 << 8,
          "the subreaper reaps the zombie orphan");
    wait4_as(c, p, a->tid, 0);

    /* an orphan with exit_signal 0 is reparented with SIGCHLD
     * (reparent_leader), so a plain wait sees it */
    a = fork_as(c, p);
    b = clone_as(c, a, 0, 0);
    exit_as(c, a, 0);
    wait4_as(c, p, a->tid, 0);
    CHECK(b->real_parent == p && b->exit_signal == LX_SIGCHLD,
          "reparented orphan: exit_signal %d, want SIGCHLD", b->exit_signal);
    exit_as(c, b, 6);
    r = wait4_as(c, p, b->tid, 0);
    CHECK(r == b->tid, "plain wait4 for a reparented exit_signal-0 orphan: %lld", (long long)r);
    shutdown(c);

    /* PR_SET_CHILD_SUBREAPER marks existing descendants too
     * (propagate_has_child_subreaper) */
    c = boot();
    p = c->p;
    a = fork_as(c, p);
    b = fork_as(c, a);
    CHECK(!a->tg->has_child_subreaper, "no subreaper yet");
    CHECK(sys(c, p, NR_PRCTL, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0, "prctl");
    exit_as(c, a, 0);
    CHECK(b->real_parent == p, "after prctl, an existing grandchild goes to the subreaper");
    shutdown(c);
}

/* A thread's children go to another live thread of its group. */
static void test_reparent_to_thread(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *proc = fork_as(c, p);
    struct task *th = thread_as(c, proc);
    struct task *g = fork_as(c, th);
    CHECK(g && g->real_parent == th, "child of a thread");
    exit_as(c, th, 0);
    CHECK(g->real_parent == proc && g->exit_signal == LX_SIGCHLD,
          "the thread's child must go to a live thread of the group");
    exit_as(c, g, 2);
    CHECK(wait4_as(c, proc, g->tid, 0) == g->tid && status_of(proc) == 2 << 8,
          "the group reaps the reparented child");
    shutdown(c);
}

/* Threads of the parent group may wait for each other's children;
 * __WNOTHREAD restricts to the caller's own. */
static void test_wait_from_other_thread(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *pt = thread_as(c, p), *ch = fork_as(c, p);
    exit_as(c, ch, 1);
    CHECK(wait4_as(c, pt, -1, LX_WNOTHREAD) == -LX_ECHILD, "__WNOTHREAD: not my child");
    i64 r = wait4_as(c, pt, -1, 0);
    CHECK(r == ch->tid && status_of(pt) == 1 << 8, "a thread reaps its group's child");
    shutdown(c);
}

static void test_child_cleartid(void)
{
    struct ctx *c = boot();
    struct task *p = c->p;
    struct task *th =
        clone_as(c, p, THREAD_FLAGS | LX_CLONE_CHILD_SETTID | LX_CLONE_CHILD_CLEARTID, CTID);
    u32 v = 0;
    mm_read_u32(p->mm, CTID, &v);
    CHECK(th && v == (u32)th->tid, "CHILD_SETTID wrote %u", v);
    exit_as(c, th, 0);
    mm_read_u32(p->mm, CTID, &v);
    CHECK(v == 0, "CHILD_CLEARTID must write 0 at exit (%u)", v);

    /* also when the thread dies in its group's exit_group */
    th = clone_as(c, p, THREAD_FLAGS | LX_CLONE_CHILD_SETTID | LX_CLONE_CHILD_CLEARTID, CTID + 4);
    struct task *q = fork_as(c, p); /* a witness that keeps running */
    (void)q;
    mm_read_u32(p->mm, CTID + 4, &v);
    CHECK(th && v == (u32)th->tid, "CHILD_SETTID (2)");
    struct mm *mm = mm_get(p->mm);
    exit_group_as(c, p, 0);
    mm_read_u32(mm, CTID + 4, &v);
    CHECK(v == 0, "CHILD_CLEARTID in exit_group: %u", v);
    mm_put(mm);
    shutdown(c);
}

static void test_vfork(void)
{
    struct ctx *c = boot();
    struct task *p = c->p;
    i64 r = sys(c, p, NR_VFORK, 0, 0, 0, 0, 0);
    CHECK(r == KM_BLOCKED && p->state == TASK_BLOCKED && p->wait.kind == KM_WAIT_VFORK,
          "vfork parent must block");
    struct task *ch = NULL;
    for (struct task *t = c->k.tasks; t; t = t->all_next)
        if (t->real_parent == p && t->state == TASK_RUNNABLE) ch = t;
    CHECK(ch && ch->mm == p->mm, "vfork child must share the mm");
    if (!ch) {
        shutdown(c);
        return;
    }
    CHECK(sys(c, ch, NR_GETPPID, 0, 0, 0, 0, 0) == p->tid, "vfork child's parent");
    exit_as(c, ch, 0);
    CHECK(p->state == TASK_RUNNABLE, "the child's exit releases the vfork parent");
    r = km_syscall_resume(&c->k, p);
    CHECK(r == ch->tid, "vfork returns the child's pid: %lld", (long long)r);
    CHECK(wait4_as(c, p, ch->tid, 0) == ch->tid && status_of(p) == 0, "reap the vfork child");

    /* a vfork child killed by another process also releases the parent */
    struct task *killer = fork_as(c, p);
    r = sys(c, p, NR_VFORK, 0, 0, 0, 0, 0);
    ch = NULL;
    for (struct task *t = c->k.tasks; t; t = t->all_next)
        if (t->real_parent == p && t->state == TASK_RUNNABLE && t != killer) ch = t;
    CHECK(r == KM_BLOCKED && ch, "second vfork");
    if (ch) {
        CHECK(sys(c, killer, NR_KILL, (u64)ch->tid, LX_SIGKILL, 0, 0, 0) == 0, "kill vfork child");
        CHECK(p->state == TASK_RUNNABLE && km_syscall_resume(&c->k, p) == ch->tid,
              "a killed vfork child releases its parent");
    }
    shutdown(c);
}

static void test_kill(void)
{
    struct ctx *c = boot();
    struct task *p = c->p, *ch = fork_as(c, p);
    int tid = ch->tid;
    /* SIGCHLD's default action is ignore; signal 0 only probes */
    CHECK(sys(c, p, NR_KILL, (u64)tid, LX_SIGCHLD, 0, 0, 0) == 0, "kill SIGCHLD");
    CHECK(sys(c, p, NR_KILL, (u64)tid, 0, 0, 0, 0) == 0, "kill 0");
    CHECK(ch->state == TASK_RUNNABLE && wait4_as(c, p, tid, LX_WNOHANG) == 0,
          "SIGCHLD must not kill");
    CHECK(sys(c, p, NR_KILL, (u64)tid, LX_SIGKILL, 0, 0, 0) == 0, "kill SIGKILL");
    CHECK(ch->state == TASK_ZOMBIE, "SIGKILL must kill");
    i64 r = wait4_as(c, p, tid, 0);
    u32 st = status_of(p);
    CHECK(r == tid && (st & 0x7f) == LX_SIGKILL && !(st & 0xff00),
          "WIFSIGNALED/WTERMSIG 9 expected, status %#x", st);
    CHECK(sys(c, p, NR_KILL, (u64)tid, 0, 0, 0, 0) == -LX_ESRCH, "kill of a reaped pid: ESRCH");

    /* SIGKILL to a process whose leader already exited kills its threads
     * (sent by a non-root process: the leader's cred is already gone) */
    struct cred *user = cred_new(1000, 1000);
    cred_put(p->cred);
    p->cred = user;
    ch = fork_as(c, p);
    tid = ch->tid;
    struct task *t1 = thread_as(c, ch);
    exit_as(c, ch, 0);
    CHECK(sys(c, p, NR_KILL, (u64)tid, LX_SIGKILL, 0, 0, 0) == 0, "kill (zombie leader)");
    CHECK(t1->state == TASK_DEAD, "the live thread of a zombie-leader process must die");
    r = wait4_as(c, p, tid, LX_WNOHANG);
    CHECK(r == tid && (status_of(p) & 0x7f) == LX_SIGKILL, "killed group: %lld status %#x",
          (long long)r, status_of(p));
    shutdown(c);
}

static void test_initial_exit(void)
{
    struct ctx *c = boot();
    struct task *p = c->p;
    exit_group_as(c, p, 3);
    CHECK(c->k.initial_exited && c->k.initial_status == 3 << 8, "initial process status %#x",
          c->k.initial_status);
    CHECK(p->state == TASK_DEAD && km_all_exited(&c->k), "init reaps the initial process");
    shutdown(c);
}

int main(void)
{
    test_fork_exit_wait4();
    test_wnohang_and_block();
    test_echild();
    test_wclone();
    test_waitid();
    test_exit_group_from_thread();
    test_leader_exits_first();
    test_thread_exit_keeps_process();
    test_orphans_to_init();
    test_subreaper();
    test_reparent_to_thread();
    test_wait_from_other_thread();
    test_child_cleartid();
    test_vfork();
    test_kill();
    test_initial_exit();
    return check_report("test_exit_wait");
}
