/* Unit test of System V semaphores (kernel-model/sysv_sem.c): semget's
 * key rules, semop's checks and sleeping, semctl, SEM_UNDO applied at exit
 * and shared by CLONE_SYSVSEM, keys per ipc namespace. x86-64 numbers. */
#include <stdio.h>
#include <string.h>

#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

enum {
    NR_CLONE = 56,
    NR_EXIT = 60,
    NR_SEMGET = 64,
    NR_SEMOP = 65,
    NR_SEMCTL = 66,
    NR_SETUID = 105,
    NR_UNSHARE = 272,
};
enum { IPC_CREAT = 01000, IPC_EXCL = 02000, IPC_NOWAIT = 04000, SEM_UNDO = 0x1000 };
enum { IPC_RMID = 0, GETVAL = 12, GETALL = 13, GETNCNT = 14, SETVAL = 16, SETALL = 17 };

#define OPS 0x10000ULL
#define ARR 0x11000ULL

static struct km K;

static i64 sys(struct task *t, u32 nr, u64 a0, u64 a1, u64 a2, u64 a3)
{
    const u64 a[6] = {a0, a1, a2, a3, 0, 0};
    return km_syscall(&K, t, nr, a);
}

/* semop on semaphore num of set id: one operation */
static i64 op1(struct task *t, i64 id, int num, int op, int flg)
{
    u8 b[6];
    lx_put16(false, b, (u16)num);
    lx_put16(false, b + 2, (u16)op);
    lx_put16(false, b + 4, (u16)flg);
    mm_write(t->mm, OPS, b, sizeof b);
    return sys(t, NR_SEMOP, (u64)id, OPS, 1, 0);
}

static i64 getval(struct task *t, i64 id, int num)
{
    return sys(t, NR_SEMCTL, (u64)id, (u64)num, GETVAL, 0);
}

static struct task *child(struct task *t, u64 flags)
{
    i64 r = sys(t, NR_CLONE, flags | LX_SIGCHLD, 0, 0, 0);
    return r > 0 ? km_find_task(&K, (int)r) : NULL;
}

static void test_semget_semctl(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    CHECK(sys(t, NR_SEMGET, 42, 2, 0600, 0) == -LX_ENOENT, "no such key without IPC_CREAT");
    i64 id = sys(t, NR_SEMGET, 42, 2, IPC_CREAT | 0600, 0);
    CHECK(id >= 0, "create");
    CHECK(sys(t, NR_SEMGET, 42, 2, 0, 0) == id, "the same key finds it");
    CHECK(sys(t, NR_SEMGET, 42, 3, 0, 0) == -LX_EINVAL, "more semaphores than it has");
    CHECK(sys(t, NR_SEMGET, 42, 1, IPC_CREAT | IPC_EXCL, 0) == -LX_EEXIST, "IPC_EXCL");
    CHECK(sys(t, NR_SEMGET, 0, 0, 0600, 0) == -LX_EINVAL, "a new set needs semaphores");
    CHECK(sys(t, NR_SEMGET, 0, 1, 0600, 0) != id, "IPC_PRIVATE: always a new set");
    CHECK(sys(t, NR_SEMCTL, (u64)id, 1, SETVAL, 5) == 0 && getval(t, id, 1) == 5, "SETVAL");
    CHECK(sys(t, NR_SEMCTL, (u64)id, 1, SETVAL, 40000) == -LX_ERANGE, "SETVAL beyond SEMVMX");
    CHECK(sys(t, NR_SEMCTL, (u64)id, 2, GETVAL, 0) == -LX_EINVAL, "semnum out of range");
    u8 two[4];
    lx_put16(false, two, 7);
    lx_put16(false, two + 2, 9);
    mm_write(t->mm, ARR, two, 4);
    CHECK(sys(t, NR_SEMCTL, (u64)id, 0, SETALL, ARR) == 0 && getval(t, id, 0) == 7 &&
              getval(t, id, 1) == 9,
          "SETALL");
    CHECK(sys(t, NR_SEMCTL, (u64)id, 0, GETALL, ARR + 8) == 0, "GETALL");
    /* semop checks */
    CHECK(op1(t, id, 5, 1, 0) == -LX_EFBIG, "semaphore number beyond the set");
    CHECK(op1(t, id, 0, 32767, 0) == -LX_ERANGE, "a value beyond SEMVMX");
    CHECK(op1(t, id, 0, -8, IPC_NOWAIT) == -LX_EAGAIN, "would sleep with IPC_NOWAIT");
    CHECK(sys(t, NR_SEMOP, (u64)id, OPS, 0, 0) == -LX_EINVAL, "no operation");
    CHECK(sys(t, NR_SEMOP, (u64)id, OPS, 501, 0) == -LX_E2BIG, "more than SEMOPM operations");
    /* another user may not remove it */
    struct task *c = child(t, 0);
    sys(c, NR_SETUID, 1000, 0, 0, 0);
    CHECK(sys(c, NR_SEMCTL, (u64)id, 0, IPC_RMID, 0) == -LX_EPERM, "IPC_RMID by another user");
    CHECK(getval(c, id, 0) == -LX_EACCES, "mode 0600: no read for others");
    CHECK(sys(t, NR_SEMCTL, (u64)id, 0, IPC_RMID, 0) == 0, "IPC_RMID by the owner");
    CHECK(getval(t, id, 0) == -LX_EINVAL, "gone");
    /* keys are per ipc namespace */
    i64 a = sys(t, NR_SEMGET, 7, 1, IPC_CREAT | 0600, 0);
    struct task *n = child(t, LX_CLONE_NEWIPC);
    CHECK(n && sys(n, NR_SEMGET, 7, 1, 0, 0) == -LX_ENOENT, "another ipc namespace: no key 7");
    CHECK(n && getval(n, a, 0) == -LX_EINVAL, "nor the set's id");
    fake_shutdown(&K);
}

static void test_undo(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    i64 id = sys(t, NR_SEMGET, 0, 1, 0600, 0);
    struct task *c = child(t, 0);
    CHECK(op1(c, id, 0, 3, SEM_UNDO) == 0 && getval(t, id, 0) == 3, "+3 with SEM_UNDO");
    sys(c, NR_EXIT, 0, 0, 0, 0);
    CHECK(getval(t, id, 0) == 0, "reverted at exit");
    /* shared undo list */
    struct task *s = child(t, LX_CLONE_SYSVSEM);
    CHECK(s && s->sysvsem == t->sysvsem, "CLONE_SYSVSEM shares the list");
    op1(s, id, 0, 2, SEM_UNDO);
    sys(s, NR_EXIT, 0, 0, 0, 0);
    CHECK(getval(t, id, 0) == 2, "not applied while the parent shares it");
    CHECK(sys(t, NR_UNSHARE, LX_CLONE_SYSVSEM, 0, 0, 0) == 0 && getval(t, id, 0) == 0,
          "unshare(CLONE_SYSVSEM) is exit_sem: applied now");
    /* SETVAL forgets the adjustments */
    op1(t, id, 0, 4, SEM_UNDO);
    sys(t, NR_SEMCTL, (u64)id, 0, SETVAL, 1);
    struct task *d = child(t, LX_CLONE_SYSVSEM);
    sys(d, NR_UNSHARE, LX_CLONE_SYSVSEM, 0, 0, 0);
    CHECK(getval(t, id, 0) == 1, "SETVAL cleared the pending +4 adjustment");
    /* sleeping */
    struct task *w = child(t, 0);
    CHECK(op1(w, id, 0, -2, 0) == KM_BLOCKED && w->state == TASK_BLOCKED, "-2 of 1 sleeps");
    CHECK(sys(t, NR_SEMCTL, (u64)id, 0, GETNCNT, 0) == 1, "GETNCNT counts it");
    CHECK(op1(t, id, 0, 1, 0) == 0 && w->state == TASK_RUNNABLE, "+1 wakes it to retry");
    CHECK(km_syscall_resume(&K, w) == 0 && getval(t, id, 0) == 0, "the retry succeeds");
    fake_shutdown(&K);
}

int main(void)
{
    test_semget_semctl();
    test_undo();
    return check_report("test_sysvsem");
}
