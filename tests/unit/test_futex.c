/* Unit test of futexes (kernel-model/futex.c) and the small syscalls
 * (kernel-model/sys_misc.c), driven through their handler tables with no
 * CPU: the fake host boots one x86-64 process, km_clone adds threads and
 * forked processes, and the checks read task state and guest memory. */
#include "kernel-model/futex.h"
#include "kernel-model/sys.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

#include <stdio.h>
#include <string.h>

#define FA       0x10000ULL /* futex words in the private RW region */
#define FB       0x10040ULL
#define TS       0x10100ULL /* a struct timespec */
#define BUF      0x10200ULL
#define UNMAPPED 0x110000ULL /* the end of the RW region km_bare_boot maps */
#define SHM      0x400000ULL
#define PRIV     LX_FUTEX_PRIVATE_FLAG

/* --- harness --------------------------------------------------------- */

static i64 sc(struct km *k, struct task *t, enum lx_sysno n, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4,
              u64 a5)
{
    const struct km_sys_entry *segs[] = {km_sys_futex, km_sys_misc, km_sys_signal, km_sys_cred};
    u64 a[6] = {a0, a1, a2, a3, a4, a5};
    for (int s = 0; s < 4; s++)
        for (const struct km_sys_entry *e = segs[s]; e->sysno != LX_SYS_NONE; e++)
            if (e->sysno == n) return e->fn(k, t, a);
    printf("no handler for %s\n", lx_sysno_name(n));
    return -LX_ENOSYS;
}

static i64 futex(struct km *k, struct task *t, u64 uaddr, int op, u32 val, u64 ts, u64 uaddr2,
                 u32 val3)
{
    return sc(k, t, LX_SYS_futex, uaddr, (u64)(u32)op, val, ts, uaddr2, val3);
}

static void put32(struct task *t, u64 addr, u32 v)
{
    CHECK_EQ(mm_write_u32(t->mm, addr, v), 0);
}
static u32 get32(struct task *t, u64 addr)
{
    u32 v = 0;
    CHECK_EQ(mm_read_u32(t->mm, addr, &v), 0);
    return v;
}
static void put64(struct task *t, u64 addr, u64 v)
{
    CHECK_EQ(mm_write_u64(t->mm, addr, v), 0);
}
static u64 get64(struct task *t, u64 addr)
{
    u64 v = 0;
    CHECK_EQ(mm_read_u64(t->mm, addr, &v), 0);
    return v;
}
static void put_ts(struct task *t, u64 addr, i64 sec, i64 nsec)
{
    put64(t, addr, (u64)sec);
    put64(t, addr + 8, (u64)nsec);
}

static struct task *spawn(struct km *k, struct task *parent, bool thread)
{
    struct kernel_clone_args ca = {.kind = KM_CLONE_CLONE};
    if (thread)
        ca.flags = LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND | LX_CLONE_THREAD |
                   LX_CLONE_SYSVSEM;
    else
        ca.exit_signal = LX_SIGCHLD;
    i64 tid = km_clone(k, parent, &ca);
    if (tid <= 0) {
        printf("km_clone failed: %lld\n", (long long)tid);
        return NULL;
    }
    return km_find_task(k, (int)tid);
}

/* Woken by a futex wake: runnable, completing with 0. */
static bool woken(const struct task *t)
{
    return t->state == TASK_RUNNABLE && t->wait.has_result && t->wait.result == 0;
}

/* --- futex ------------------------------------------------------------- */

static void test_wait_errors(struct km *k, struct task *t)
{
    put32(t, FA, 5);
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAIT | PRIV, 4, 0, 0, 0), -LX_EAGAIN);
    CHECK_EQ(futex(k, t, FA + 2, LX_FUTEX_WAIT | PRIV, 5, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(futex(k, t, 0x900000, LX_FUTEX_WAIT | PRIV, 5, 0, 0, 0), -LX_EFAULT);
    put_ts(t, TS, 0, 1000000000);
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAIT | PRIV, 5, TS, 0, 0), -LX_EINVAL);
    put_ts(t, TS, -1, 0);
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAIT | PRIV, 5, TS, 0, 0), -LX_EINVAL);
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAIT | PRIV, 5, 0x900000, 0, 0), -LX_EFAULT);
    put_ts(t, TS, 0, 0); /* zero relative timeout: times out at once */
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAIT | PRIV, 5, TS, 0, 0), -LX_ETIMEDOUT);
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAIT_BITSET | PRIV, 5, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAKE_BITSET | PRIV, 1, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(futex(k, t, FA, 6 /* FUTEX_LOCK_PI */, 0, 0, 0, 0), -LX_ENOSYS);
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAKE | LX_FUTEX_CLOCK_REALTIME, 1, 0, 0, 0), -LX_ENOSYS);
    CHECK(k->nr_futex_waiters == 0);
}

static void test_wait_wake_fifo(struct km *k, struct task *th[4])
{
    put32(th[0], FA, 7);
    put_ts(th[0], TS, 1, 500);
    k->now_ns = 1000;
    CHECK_EQ(futex(k, th[1], FA, LX_FUTEX_WAIT | PRIV, 7, TS, 0, 0), KM_BLOCKED);
    CHECK_EQ(th[1]->state, TASK_BLOCKED);
    CHECK_EQ(th[1]->wait.kind, KM_WAIT_FUTEX);
    CHECK_EQ(th[1]->wait.deadline_ns, 1000 + 1000000000 + 500);
    CHECK_EQ(th[1]->wait.timeout_result, -LX_ETIMEDOUT);
    CHECK_EQ(futex(k, th[2], FA, LX_FUTEX_WAIT | PRIV, 7, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(th[2]->wait.deadline_ns, 0);
    CHECK_EQ(futex(k, th[3], FA, LX_FUTEX_WAIT, 7, 0, 0, 0),
             KM_BLOCKED); /* shared op, private mem */
    CHECK_EQ(th[1]->wait.key, th[3]->wait.key);
    CHECK_EQ(futex(k, th[0], FB, LX_FUTEX_WAKE | PRIV, 10, 0, 0, 0), 0); /* other word */
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE | PRIV, 2, 0, 0, 0), 2);
    CHECK(woken(th[1]) && woken(th[2]));
    CHECK_EQ(th[3]->state, TASK_BLOCKED);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE | PRIV, 5, 0, 0, 0), 1);
    CHECK(woken(th[3]));
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE | PRIV, 5, 0, 0, 0), 0);

    /* cancel (the scheduler's timeout path) drops the record */
    CHECK_EQ(futex(k, th[1], FA, LX_FUTEX_WAIT | PRIV, 7, 0, 0, 0), KM_BLOCKED);
    futex_cancel_wait(k, th[1]);
    km_wake(k, th[1], true, -LX_ETIMEDOUT);
    CHECK(k->nr_futex_waiters == 0);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE | PRIV, 5, 0, 0, 0), 0);
    k->now_ns = 0;
}

static void test_bitset(struct km *k, struct task *th[4])
{
    put32(th[0], FA, 1);
    CHECK_EQ(futex(k, th[1], FA, LX_FUTEX_WAIT_BITSET | PRIV, 1, 0, 0, 0x1), KM_BLOCKED);
    CHECK_EQ(th[1]->wait.bitset, 0x1);
    CHECK_EQ(futex(k, th[2], FA, LX_FUTEX_WAIT_BITSET | PRIV, 1, 0, 0, 0x2), KM_BLOCKED);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE_BITSET | PRIV, 10, 0, 0, 0x2), 1);
    CHECK(woken(th[2]));
    CHECK_EQ(th[1]->state, TASK_BLOCKED);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE | PRIV, 10, 0, 0, 0), 1); /* MATCH_ANY */
    CHECK(woken(th[1]));

    /* absolute timeouts: monotonic, and realtime with FUTEX_CLOCK_REALTIME */
    k->now_ns = 5000000000ULL;
    put_ts(th[0], TS, 6, 0);
    CHECK_EQ(futex(k, th[1], FA, LX_FUTEX_WAIT_BITSET | PRIV, 1, TS, 0, ~0u), KM_BLOCKED);
    CHECK_EQ(th[1]->wait.deadline_ns, 6000000000ULL);
    put_ts(th[0], TS, 4, 0);
    CHECK_EQ(futex(k, th[2], FA, LX_FUTEX_WAIT_BITSET | PRIV, 1, TS, 0, ~0u), -LX_ETIMEDOUT);
    u64 rt = KM_REALTIME_EPOCH_NS + 7000000000ULL;
    put_ts(th[0], TS, (i64)(rt / 1000000000ULL), (i64)(rt % 1000000000ULL));
    CHECK_EQ(
        futex(k, th[2], FA, LX_FUTEX_WAIT_BITSET | PRIV | LX_FUTEX_CLOCK_REALTIME, 1, TS, 0, ~0u),
        KM_BLOCKED);
    CHECK_EQ(th[2]->wait.deadline_ns, 7000000000ULL);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE | PRIV, 10, 0, 0, 0), 2);
    k->now_ns = 0;
}

static void test_requeue(struct km *k, struct task *th[4])
{
    put32(th[0], FA, 3);
    put32(th[0], FB, 9);
    CHECK_EQ(futex(k, th[3], FB, LX_FUTEX_WAIT | PRIV, 9, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[1], FA, LX_FUTEX_WAIT | PRIV, 3, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[2], FA, LX_FUTEX_WAIT | PRIV, 3, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_CMP_REQUEUE | PRIV, 0, 1, FB, 4), -LX_EAGAIN);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_CMP_REQUEUE | PRIV, 0, (u64)-1, FB, 3), -LX_EINVAL);
    /* wake 0 of FA's waiters, move 1 (th1) to FB */
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_CMP_REQUEUE | PRIV, 0, 1, FB, 3), 1);
    CHECK_EQ(th[1]->state, TASK_BLOCKED);
    CHECK_EQ(th[1]->wait.key, th[3]->wait.key);
    CHECK(th[2]->wait.key != th[3]->wait.key);
    /* FB is now th3 then th1 (requeued waiters go last) */
    CHECK_EQ(futex(k, th[0], FB, LX_FUTEX_WAKE | PRIV, 1, 0, 0, 0), 1);
    CHECK(woken(th[3]) && th[1]->state == TASK_BLOCKED);
    /* plain REQUEUE: wake 1 on FB (th1), move th2 from FA to FB */
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_REQUEUE | PRIV, 0, 5, FB, 0), 1);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE | PRIV, 5, 0, 0, 0), 0);
    CHECK_EQ(futex(k, th[0], FB, LX_FUTEX_WAKE | PRIV, 5, 0, 0, 0), 2);
    CHECK(woken(th[1]) && woken(th[2]));
    /* REQUEUE that wakes 1 and moves 1 */
    CHECK_EQ(futex(k, th[1], FA, LX_FUTEX_WAIT | PRIV, 3, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[2], FA, LX_FUTEX_WAIT | PRIV, 3, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[3], FA, LX_FUTEX_WAIT | PRIV, 3, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_REQUEUE | PRIV, 1, 1, FB, 0), 2);
    CHECK(woken(th[1]));
    CHECK_EQ(futex(k, th[0], FB, LX_FUTEX_WAKE | PRIV, 5, 0, 0, 0), 1);
    CHECK(woken(th[2]) && th[3]->state == TASK_BLOCKED);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE | PRIV, 5, 0, 0, 0), 1);
    CHECK(woken(th[3]));
}

static void test_wake_op(struct km *k, struct task *th[4])
{
    /* op ADD 1, cmp EQ 0: old *FB == 0, so both futexes are woken */
    u32 op_add_eq0 = 1u << 28 | 0u << 24 | 1u << 12 | 0;
    put32(th[0], FA, 0);
    put32(th[0], FB, 0);
    CHECK_EQ(futex(k, th[1], FA, LX_FUTEX_WAIT | PRIV, 0, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[2], FB, LX_FUTEX_WAIT | PRIV, 0, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE_OP | PRIV, 1, 1, FB, op_add_eq0), 2);
    CHECK(woken(th[1]) && woken(th[2]));
    CHECK_EQ(get32(th[0], FB), 1);
    /* again: old value 1 != 0, only FA's waiter wakes; *FB becomes 2 */
    CHECK_EQ(futex(k, th[1], FA, LX_FUTEX_WAIT | PRIV, 0, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[2], FB, LX_FUTEX_WAIT | PRIV, 1, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE_OP | PRIV, 1, 1, FB, op_add_eq0), 1);
    CHECK(woken(th[1]) && th[2]->state == TASK_BLOCKED);
    CHECK_EQ(get32(th[0], FB), 2);
    /* OR with OPARG_SHIFT (1 << 3), cmp GT -1 (sign-extended cmparg): true */
    u32 op_or_shift = (2u | 8u) << 28 | 4u << 24 | 3u << 12 | 0xfff;
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE_OP | PRIV, 1, 1, FB, op_or_shift), 1);
    CHECK(woken(th[2]));
    CHECK_EQ(get32(th[0], FB), 10);
    /* ANDN 2, cmp NE 10: false; XOR; bad op / cmp */
    CHECK_EQ(
        futex(k, th[0], FA, LX_FUTEX_WAKE_OP | PRIV, 1, 1, FB, 3u << 28 | 1u << 24 | 2u << 12 | 10),
        0);
    CHECK_EQ(get32(th[0], FB), 8);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE_OP | PRIV, 1, 1, FB, 4u << 28 | 0xfu << 12), 0);
    CHECK_EQ(get32(th[0], FB), 8 ^ 0xf);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE_OP | PRIV, 1, 1, FB, 7u << 28), -LX_ENOSYS);
    CHECK_EQ(futex(k, th[0], FA, LX_FUTEX_WAKE_OP | PRIV, 1, 1, FB, 9u << 24), -LX_ENOSYS);
}

/* Shared futexes in MAP_SHARED memory meet across processes; private ones
 * (and shared ones in private memory) stay within one mm. */
static void test_shared_keys(struct km *k, struct task *t)
{
    CHECK_EQ(mm_map_anon(t->mm, SHM, 0x1000, LX_PROT_READ | LX_PROT_WRITE,
                         LX_MAP_SHARED | LX_MAP_ANONYMOUS | LX_MAP_FIXED, "shm"),
             (i64)SHM);
    struct task *c = spawn(k, t, false);
    CHECK(c != NULL && c->mm != t->mm);
    if (!c) return;
    put32(t, SHM + 8, 42);
    CHECK_EQ(get32(c, SHM + 8), 42); /* same pages */
    put32(t, FA, 42);                /* private memory was copied at fork: the child's is its own */
    CHECK_EQ(get32(c, FA), 0);
    put32(c, FA, 42);
    /* shared wait in MAP_SHARED memory: woken by the other process */
    CHECK_EQ(futex(k, c, SHM + 8, LX_FUTEX_WAIT, 42, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, t, SHM + 8, LX_FUTEX_WAKE | PRIV, 1, 0, 0, 0), 0); /* private: other key */
    CHECK_EQ(futex(k, t, SHM + 8, LX_FUTEX_WAKE, 1, 0, 0, 0), 1);
    CHECK(woken(c));
    /* shared wait in private (forked, copied) memory: per mm */
    CHECK_EQ(futex(k, c, FA, LX_FUTEX_WAIT, 42, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, t, FA, LX_FUTEX_WAKE, 1, 0, 0, 0), 0);
    CHECK_EQ(futex_wake_addr(k, c->mm, FA, 1), 1);
    CHECK(woken(c));
    /* private wait in shared memory: only its own mm wakes it */
    CHECK_EQ(futex(k, c, SHM + 8, LX_FUTEX_WAIT | PRIV, 42, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(futex(k, t, SHM + 8, LX_FUTEX_WAKE | PRIV, 1, 0, 0, 0), 0);
    CHECK_EQ(futex(k, c, SHM + 8, LX_FUTEX_WAKE | PRIV, 1, 0, 0, 0), 1);
    CHECK(woken(c));
}

static void test_robust(struct km *k, struct task *th[4])
{
    struct task *o = th[1], *w = th[2];
    u64 head = 0x10400, e1 = 0x10500, e2 = 0x10600, off = 16;
    CHECK_EQ(sc(k, o, LX_SYS_set_robust_list, head, 23, 0, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, o, LX_SYS_set_robust_list, head, 24, 0, 0, 0, 0), 0);
    CHECK_EQ(sc(k, th[0], LX_SYS_get_robust_list, (u64)o->tid, BUF, BUF + 8, 0, 0, 0), 0);
    CHECK_EQ(get64(th[0], BUF), head);
    CHECK_EQ(get64(th[0], BUF + 8), 24);
    CHECK_EQ(sc(k, th[0], LX_SYS_get_robust_list, 999999, BUF, BUF + 8, 0, 0, 0), -LX_ESRCH);
    /* head -> e1 -> e2 -> head; e1's lock held by o with waiters, e2 by someone else */
    put64(o, head, e1);
    put64(o, head + 8, off);
    put64(o, head + 16, 0);
    put64(o, e1, e2);
    put64(o, e2, head);
    put32(o, e1 + off, (u32)o->tid | LX_FUTEX_WAITERS);
    put32(o, e2 + off, 12345);
    CHECK_EQ(futex(k, w, e1 + off, LX_FUTEX_WAIT, (u32)o->tid | LX_FUTEX_WAITERS, 0, 0, 0),
             KM_BLOCKED);
    futex_exit_robust_list(k, o);
    CHECK_EQ(get32(o, e1 + off), LX_FUTEX_OWNER_DIED | LX_FUTEX_WAITERS);
    CHECK_EQ(get32(o, e2 + off), 12345);
    CHECK(woken(w));
    CHECK_EQ(o->robust_list, 0); /* forgotten after the walk */
    /* a cyclic list ends at the limit; a pending op with value 0 wakes one */
    CHECK_EQ(sc(k, o, LX_SYS_set_robust_list, head, 24, 0, 0, 0, 0), 0);
    put64(o, e2, e1);
    put64(o, head + 16, e2);
    put32(o, e2 + off, 0);
    CHECK_EQ(futex(k, w, e2 + off, LX_FUTEX_WAIT, 0, 0, 0, 0), KM_BLOCKED);
    futex_exit_robust_list(k, o);
    CHECK(woken(w));
    CHECK_EQ(sc(k, o, LX_SYS_set_tid_address, BUF, 0, 0, 0, 0, 0), o->tid);
    CHECK_EQ(o->clear_child_tid, BUF);
    o->clear_child_tid = 0;
}

/* --- misc syscalls ----------------------------------------------------- */

static void read_uts(struct task *t, int field, char *out)
{
    CHECK_EQ(mm_read(t->mm, BUF + (u64)field * 65, out, 65), 0);
}

static void test_uname(struct km *k, struct task *t)
{
    char f[65];
    CHECK_EQ(sc(k, t, LX_SYS_uname, BUF, 0, 0, 0, 0, 0), 0);
    read_uts(t, 0, f);
    CHECK(strcmp(f, "Linux") == 0);
    read_uts(t, 1, f);
    CHECK(strcmp(f, "fakehost") == 0);
    read_uts(t, 2, f);
    CHECK(strcmp(f, "6.18.0-clonemu") == 0);
    read_uts(t, 4, f);
    CHECK(strcmp(f, "x86_64") == 0);
    read_uts(t, 5, f);
    CHECK(strcmp(f, "(none)") == 0);
    CHECK_EQ(sc(k, t, LX_SYS_uname, 0x900000, 0, 0, 0, 0, 0), -LX_EFAULT);

    CHECK_EQ(mm_write(t->mm, BUF + 1000, "box", 3), 0);
    CHECK_EQ(sc(k, t, LX_SYS_sethostname, BUF + 1000, 65, 0, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_sethostname, BUF + 1000, 3, 0, 0, 0, 0), 0);
    CHECK_EQ(sc(k, t, LX_SYS_uname, BUF, 0, 0, 0, 0, 0), 0);
    read_uts(t, 1, f);
    CHECK(strcmp(f, "box") == 0);
    CHECK_EQ(sc(k, t, LX_SYS_setdomainname, BUF + 1000, 2, 0, 0, 0, 0), 0);
    CHECK_EQ(sc(k, t, LX_SYS_uname, BUF, 0, 0, 0, 0, 0), 0);
    read_uts(t, 5, f);
    CHECK(strcmp(f, "bo") == 0);
    u32 euid = t->cred->euid;
    u64 caps = t->cred->cap_effective;
    t->cred->euid = 1000;
    t->cred->cap_effective = 0;
    CHECK_EQ(sc(k, t, LX_SYS_sethostname, BUF + 1000, 3, 0, 0, 0, 0), -LX_EPERM);
    t->cred->euid = euid;
    t->cred->cap_effective = caps;
}

static void test_clocks(struct km *k, struct task *t)
{
    k->now_ns = 123456789012ULL;
    CHECK_EQ(sc(k, t, LX_SYS_clock_gettime, LX_CLOCK_MONOTONIC, TS, 0, 0, 0, 0), 0);
    CHECK_EQ(get64(t, TS), 123);
    CHECK_EQ(get64(t, TS + 8), 456789012);
    CHECK_EQ(sc(k, t, LX_SYS_clock_gettime, LX_CLOCK_REALTIME, TS, 0, 0, 0, 0), 0);
    CHECK_EQ(get64(t, TS) * 1000000000ULL + get64(t, TS + 8), KM_REALTIME_EPOCH_NS + k->now_ns);
    CHECK_EQ(sc(k, t, LX_SYS_clock_gettime, LX_CLOCK_BOOTTIME, TS, 0, 0, 0, 0), 0);
    CHECK_EQ(get64(t, TS), 123);
    CHECK_EQ(sc(k, t, LX_SYS_clock_gettime, 99, TS, 0, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_clock_gettime, (u64)-6, TS, 0, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_clock_gettime, LX_CLOCK_MONOTONIC, 0x900000, 0, 0, 0, 0), -LX_EFAULT);
    CHECK_EQ(sc(k, t, LX_SYS_clock_getres, LX_CLOCK_MONOTONIC, TS, 0, 0, 0, 0), 0);
    CHECK_EQ(get64(t, TS + 8), 1);
    CHECK_EQ(sc(k, t, LX_SYS_gettimeofday, TS, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(get64(t, TS), (KM_REALTIME_EPOCH_NS + k->now_ns) / 1000000000ULL);
    CHECK_EQ(get64(t, TS + 8), 456789);
    CHECK_EQ(sc(k, t, LX_SYS_time, 0, 0, 0, 0, 0, 0),
             (KM_REALTIME_EPOCH_NS + k->now_ns) / 1000000000ULL);

    /* sleeps */
    put_ts(t, TS, 0, 0);
    CHECK_EQ(sc(k, t, LX_SYS_nanosleep, TS, 0, 0, 0, 0, 0), 0);
    put_ts(t, TS, 0, 1000000000);
    CHECK_EQ(sc(k, t, LX_SYS_nanosleep, TS, 0, 0, 0, 0, 0), -LX_EINVAL);
    put_ts(t, TS, 2, 5);
    CHECK_EQ(sc(k, t, LX_SYS_nanosleep, TS, 0, 0, 0, 0, 0), KM_BLOCKED);
    CHECK_EQ(t->wait.kind, KM_WAIT_SLEEP);
    CHECK_EQ(t->wait.deadline_ns, k->now_ns + 2000000005ULL);
    CHECK_EQ(t->wait.timeout_result, 0);
    km_wake(k, t, true, 0);
    put_ts(t, TS, 100, 0); /* absolute monotonic 100 s: in the past */
    CHECK_EQ(sc(k, t, LX_SYS_clock_nanosleep, LX_CLOCK_MONOTONIC, LX_TIMER_ABSTIME, TS, 0, 0, 0),
             0);
    put_ts(t, TS, 200, 0);
    CHECK_EQ(sc(k, t, LX_SYS_clock_nanosleep, LX_CLOCK_MONOTONIC, LX_TIMER_ABSTIME, TS, 0, 0, 0),
             KM_BLOCKED);
    CHECK_EQ(t->wait.deadline_ns, 200000000000ULL);
    km_wake(k, t, true, 0);
    u64 rt = KM_REALTIME_EPOCH_NS + 300000000000ULL;
    put_ts(t, TS, (i64)(rt / 1000000000ULL), 0);
    CHECK_EQ(sc(k, t, LX_SYS_clock_nanosleep, LX_CLOCK_REALTIME, LX_TIMER_ABSTIME, TS, 0, 0, 0),
             KM_BLOCKED);
    CHECK_EQ(t->wait.deadline_ns, 300000000000ULL);
    km_wake(k, t, true, 0);
    CHECK_EQ(sc(k, t, LX_SYS_clock_nanosleep, LX_CLOCK_THREAD_CPUTIME_ID, 0, TS, 0, 0, 0),
             -LX_EINVAL);
    k->now_ns = 0;
}

static void test_signal_state(struct km *k, struct task *t)
{
    u64 act = BUF, oact = BUF + 64;
    put64(t, act, 0x401234);
    put64(t, act + 8, LX_SA_RESTORER | LX_SA_SIGINFO);
    put64(t, act + 16, 0x405678);
    put64(t, act + 24, LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGUSR2));
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, LX_SIGUSR1, act, 0, 8, 0, 0), 0);
    CHECK_EQ(t->sighand->action[LX_SIGUSR1 - 1].handler, 0x401234);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, LX_SIGUSR1, 0, oact, 8, 0, 0), 0);
    CHECK_EQ(get64(t, oact), 0x401234);
    CHECK_EQ(get64(t, oact + 8), LX_SA_RESTORER | LX_SA_SIGINFO);
    CHECK_EQ(get64(t, oact + 16), 0x405678);
    CHECK_EQ(get64(t, oact + 24), LX_SIGBIT(LX_SIGUSR2)); /* SIGKILL dropped */
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, LX_SIGKILL, act, 0, 8, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, LX_SIGSTOP, act, 0, 8, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, LX_SIGKILL, 0, oact, 8, 0, 0), 0);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, 0, act, 0, 8, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, 65, act, 0, 8, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, LX_SIGUSR1, act, 0, 4, 0, 0), -LX_EINVAL);
    /* ignoring a pending signal discards it */
    t->pending |= LX_SIGBIT(LX_SIGUSR2);
    put64(t, act, LX_SIG_IGN);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigaction, LX_SIGUSR2, act, 0, 8, 0, 0), 0);
    CHECK_EQ(t->pending & LX_SIGBIT(LX_SIGUSR2), 0);

    u64 old = t->blocked;
    put64(t, BUF, ~0ULL);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigprocmask, LX_SIG_SETMASK, BUF, oact, 8, 0, 0), 0);
    CHECK_EQ(t->blocked, ~(LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP)));
    CHECK_EQ(get64(t, oact), old);
    put64(t, BUF, LX_SIGBIT(LX_SIGUSR1));
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigprocmask, LX_SIG_UNBLOCK, BUF, 0, 8, 0, 0), 0);
    CHECK_EQ(t->blocked & LX_SIGBIT(LX_SIGUSR1), 0);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigprocmask, 7, BUF, 0, 8, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_rt_sigprocmask, LX_SIG_BLOCK, BUF, 0, 16, 0, 0), -LX_EINVAL);
    t->blocked = old;
    CHECK_EQ(sc(k, t, LX_SYS_sigaltstack, 0, oact, 0, 0, 0, 0), 0);
    CHECK_EQ(get32(t, oact + 8), 2 /* SS_DISABLE */);

    CHECK_EQ(sc(k, t, LX_SYS_alarm, 5, 0, 0, 0, 0, 0), 0);
    k->now_ns += 2000000000ULL;
    CHECK_EQ(sc(k, t, LX_SYS_alarm, 0, 0, 0, 0, 0, 0), 3);
    CHECK_EQ(t->tg->alarm_deadline_ns, 0);
    k->now_ns = 0;
}

static void test_limits_random_info(struct km *k, struct task *t)
{
    put64(t, BUF, 100);
    put64(t, BUF + 8, 200);
    CHECK_EQ(sc(k, t, LX_SYS_prlimit64, 0, 7 /* NOFILE */, BUF, BUF + 16, 0, 0), 0);
    CHECK_EQ(t->tg->rlim_nofile, 100);
    CHECK_EQ(sc(k, t, LX_SYS_prlimit64, (u64)t->tid, 7, 0, BUF + 16, 0, 0), 0);
    CHECK_EQ(get64(t, BUF + 16), 100);
    put64(t, BUF, 300);
    CHECK_EQ(sc(k, t, LX_SYS_setrlimit, 7, BUF, 0, 0, 0, 0), -LX_EINVAL); /* cur > max */
    CHECK_EQ(sc(k, t, LX_SYS_getrlimit, 9 /* AS */, BUF + 16, 0, 0, 0, 0), 0);
    CHECK_EQ(get64(t, BUF + 16), ~0ULL);
    CHECK_EQ(sc(k, t, LX_SYS_prlimit64, 0, 16, 0, BUF + 16, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_prlimit64, 999999, 7, 0, BUF + 16, 0, 0), -LX_ESRCH);

    u8 r1[40], r2[40];
    u64 rng = k->rng;
    CHECK_EQ(sc(k, t, LX_SYS_getrandom, BUF, 37, 0, 0, 0, 0), 37);
    CHECK_EQ(mm_read(t->mm, BUF, r1, 37), 0);
    k->rng = rng;
    CHECK_EQ(sc(k, t, LX_SYS_getrandom, BUF, 37, 1 /* GRND_NONBLOCK */, 0, 0, 0), 37);
    CHECK_EQ(mm_read(t->mm, BUF, r2, 37), 0);
    CHECK(memcmp(r1, r2, 37) == 0);
    CHECK(memcmp(r1, r1 + 8, 8) != 0);
    /* the bytes are the model's generator, each word little-endian */
    k->rng = rng;
    for (int w = 0; w < 5; w++) {
        u64 r = km_rand(k);
        for (int b = 0; b < 8 && w * 8 + b < 37; b++)
            CHECK_EQ(r1[w * 8 + b], (u8)(r >> (8 * b)));
    }
    /* a buffer running into an unmapped page: the bytes before it */
    CHECK_EQ(sc(k, t, LX_SYS_getrandom, UNMAPPED - 100, 5000, 0, 0, 0, 0), 100);
    CHECK_EQ(sc(k, t, LX_SYS_getrandom, UNMAPPED, 5000, 0, 0, 0, 0), -LX_EFAULT);
    CHECK_EQ(sc(k, t, LX_SYS_getrandom, BUF, 8, 8, 0, 0, 0), -LX_EINVAL);

    CHECK_EQ(sc(k, t, LX_SYS_sysinfo, BUF, 0, 0, 0, 0, 0), 0);
    int live = 0;
    for (struct task *p = k->tasks; p; p = p->all_next)
        live += p->state < TASK_ZOMBIE;
    u8 si[112];
    CHECK_EQ(mm_read(t->mm, BUF, si, sizeof si), 0);
    CHECK_EQ(lx_get16(false, si + 80), live);
    CHECK_EQ(lx_get64(false, si + 32), 4ULL << 30);
    CHECK_EQ(lx_get32(false, si + 104), 1);

    CHECK_EQ(sc(k, t, LX_SYS_sched_getaffinity, 0, 128, BUF, 0, 0, 0), 8);
    CHECK_EQ(get64(t, BUF), 1);
    CHECK_EQ(sc(k, t, LX_SYS_sched_getaffinity, 0, 4, BUF, 0, 0, 0), -LX_EINVAL);
    k->need_resched = false;
    CHECK_EQ(sc(k, t, LX_SYS_sched_yield, 0, 0, 0, 0, 0, 0), 0);
    CHECK(k->need_resched);
}

static void test_prctl_ids(struct km *k, struct task *t)
{
    CHECK_EQ(mm_write(t->mm, BUF, "a-very-long-thread-name", 24), 0);
    CHECK_EQ(sc(k, t, LX_SYS_prctl, 15, BUF, 0, 0, 0, 0), 0);
    CHECK(strcmp(t->comm, "a-very-long-thr") == 0);
    CHECK_EQ(sc(k, t, LX_SYS_prctl, 16, BUF + 64, 0, 0, 0, 0), 0);
    char name[16];
    CHECK_EQ(mm_read(t->mm, BUF + 64, name, 16), 0);
    CHECK(strcmp(name, "a-very-long-thr") == 0);
    CHECK_EQ(sc(k, t, LX_SYS_prctl, 36, 1, 0, 0, 0, 0), 0);
    CHECK(t->tg->is_child_subreaper);
    CHECK_EQ(sc(k, t, LX_SYS_prctl, 37, BUF, 0, 0, 0, 0), 0);
    CHECK_EQ(get32(t, BUF), 1);
    CHECK_EQ(sc(k, t, LX_SYS_prctl, 36, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(sc(k, t, LX_SYS_prctl, 9999, 0, 0, 0, 0, 0), -LX_EINVAL);

    CHECK_EQ(sc(k, t, LX_SYS_arch_prctl, 0x1002, 0x7000, 0, 0, 0, 0), 0);
    CHECK_EQ(t->tls, 0x7000);
    CHECK_EQ(sc(k, t, LX_SYS_arch_prctl, 0x1003, BUF, 0, 0, 0, 0), 0);
    CHECK_EQ(get64(t, BUF), 0x7000);
    CHECK_EQ(sc(k, t, LX_SYS_arch_prctl, 0x1001, 0, 0, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, t, LX_SYS_rseq, 0, 0, 0, 0, 0, 0), -LX_ENOSYS);

    CHECK_EQ(sc(k, t, LX_SYS_getuid, 0, 0, 0, 0, 0, 0), t->cred->uid);
    CHECK_EQ(sc(k, t, LX_SYS_getpgid, 0, 0, 0, 0, 0, 0), t->tg->tgid);
    CHECK_EQ(sc(k, t, LX_SYS_getpgrp, 0, 0, 0, 0, 0, 0), t->tg->pgid);
    CHECK_EQ(sc(k, t, LX_SYS_getsid, 0, 0, 0, 0, 0, 0), t->tg->sid);
    CHECK_EQ(sc(k, t, LX_SYS_getpgid, 999999, 0, 0, 0, 0, 0), -LX_ESRCH);
    CHECK_EQ(sc(k, t, LX_SYS_setsid, 0, 0, 0, 0, 0, 0), -LX_EPERM); /* a group leader */
    struct task *c = spawn(k, t, false), *d = spawn(k, t, false);
    CHECK(c && d);
    if (!c || !d) return;
    CHECK_EQ(c->tg->pgid, t->tg->pgid);
    CHECK_EQ(sc(k, t, LX_SYS_setpgid, (u64)c->tid, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(c->tg->pgid, c->tid);
    CHECK_EQ(sc(k, d, LX_SYS_setpgid, 0, (u64)c->tid, 0, 0, 0, 0), 0); /* join c's group */
    CHECK_EQ(d->tg->pgid, c->tid);
    CHECK_EQ(sc(k, d, LX_SYS_setpgid, 0, 77777, 0, 0, 0, 0), -LX_EPERM);       /* no such group */
    CHECK_EQ(sc(k, d, LX_SYS_setpgid, (u64)t->tid, 0, 0, 0, 0, 0), -LX_ESRCH); /* parent */
    CHECK_EQ(sc(k, d, LX_SYS_setpgid, 0, (u64)-1, 0, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sc(k, c, LX_SYS_setsid, 0, 0, 0, 0, 0, 0), -LX_EPERM); /* leads its group */
    CHECK_EQ(sc(k, t, LX_SYS_setpgid, (u64)d->tid, (u64)d->tid, 0, 0, 0, 0), 0);
    CHECK_EQ(sc(k, d, LX_SYS_setsid, 0, 0, 0, 0, 0, 0), -LX_EPERM);
    struct task *e = spawn(k, t, false);
    CHECK(e != NULL);
    if (!e) return;
    CHECK_EQ(sc(k, e, LX_SYS_setsid, 0, 0, 0, 0, 0, 0), e->tid);
    CHECK_EQ(sc(k, e, LX_SYS_getsid, 0, 0, 0, 0, 0, 0), e->tid);
    CHECK_EQ(sc(k, t, LX_SYS_getsid, (u64)e->tid, 0, 0, 0, 0, 0), e->tid);
    CHECK_EQ(sc(k, t, LX_SYS_setpgid, (u64)e->tid, 0, 0, 0, 0, 0), -LX_EPERM); /* other session */
}

int main(void)
{
    static struct km k;
    struct task *t = fake_boot(&k, &km_abi_x86_64);
    struct task *th[4] = {t, spawn(&k, t, true), spawn(&k, t, true), spawn(&k, t, true)};
    CHECK(th[1] && th[2] && th[3], "the threads were not created");
    if (failed) return check_report("test_futex");
    CHECK(th[1]->mm == t->mm);
    test_wait_errors(&k, t);
    test_wait_wake_fifo(&k, th);
    test_bitset(&k, th);
    test_requeue(&k, th);
    test_wake_op(&k, th);
    test_robust(&k, th);
    test_shared_keys(&k, t);
    test_uname(&k, t);
    test_clocks(&k, t);
    test_signal_state(&k, t);
    test_limits_random_info(&k, t);
    test_prctl_ids(&k, t);
    fake_shutdown(&k);
    return check_report("test_futex");
}
