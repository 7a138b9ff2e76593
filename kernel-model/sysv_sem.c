/* System V semaphores (ipc/sem.c): semaphore sets keyed per ipc namespace,
 * semget/semop/semtimedop/semctl with Linux's checks in Linux's order,
 * blocking operations that retry when the set changes, and SEM_UNDO
 * adjustments kept in an undo list that CLONE_SYSVSEM shares and that is
 * applied when its last user exits (exit_sem) or unshares it. Not
 * modelled: IPC_STAT/IPC_SET/IPC_INFO/SEM_STAT/SEM_INFO (EINVAL). */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "kernel-model/sys.h"

#include <stdint.h>
#include <stdlib.h>

#define SEMMSL      32000 /* semaphores per set */
#define SEMMNI      32000 /* sets per namespace */
#define SEMOPM      500   /* operations per semop */
#define SEMVMX      32767 /* largest value */
#define SEMAEM      SEMVMX
#define SEQ_MUL     32768 /* ipcid = seq * SEQ_MULTIPLIER + index */
#define IPC_PRIVATE 0
#define IPC_CREAT   01000
#define IPC_EXCL    02000
#define IPC_NOWAIT  04000
#define SEM_UNDO    0x1000
enum { IPC_RMID = 0, GETPID = 11, GETVAL, GETALL, GETNCNT, GETZCNT, SETVAL, SETALL };

struct sem_array {
    int id, key, nsems, wait_key; /* wait_key: a resource id to block on */
    u32 mode, uid, gid, cuid, cgid;
    u16 *val;
    int *pid; /* global pid of the last operation */
    struct sem_waiter {
        int tid, num, op; /* a sleeper (global tid) and the operation it waits on */
    } * waiters;
    int nwaiters;
    struct sem_array *next;
};

struct sem_undo {
    int semid, nsems;
    int16_t *adj;
    struct sem_undo *next;
};

static struct ipc_ns *task_ipcns(const struct task *t)
{
    return t->ns ? (struct ipc_ns *)t->ns->ns[KM_NS_IPC] : NULL;
}

struct km_ns *ipcns_new(struct km *k, const struct task *by, bool initial, struct user_ns *owner)
{
    struct ipc_ns *n = km_zalloc(sizeof *n);
    km_ns_setup(k, &n->ns, KM_NS_IPC, by, initial, owner);
    return &n->ns;
}

static void sem_free(struct sem_array *s)
{
    free(s->waiters);
    free(s->val);
    free(s->pid);
    free(s);
}

void ipcns_free_sets(struct ipc_ns *ns)
{
    while (ns->sems) {
        struct sem_array *s = ns->sems;
        ns->sems = s->next;
        sem_free(s);
    }
}

static struct sem_array *sem_find_id(struct ipc_ns *ns, int id)
{
    for (struct sem_array *s = ns ? ns->sems : NULL; s; s = s->next)
        if (s->id == id) return s;
    return NULL;
}

/* ipcperms: the owner's, the group's or the others' bits (or
 * CAP_IPC_OWNER over the namespace's owner). want: 4 read, 2 write. */
static bool sem_may(const struct task *t, const struct ipc_ns *ns, const struct sem_array *s,
                    u32 want)
{
    const struct cred *c = t->cred;
    u32 m = s->mode;
    u32 bits = (c->euid == s->cuid || c->euid == s->uid)   ? m >> 6
               : (c->egid == s->cgid || c->egid == s->gid) ? m >> 3
                                                           : m;
    if ((bits & want & 7) == (want & 7)) return true;
    return km_ns_capable(c, ns->ns.owner, 15 /* CAP_IPC_OWNER */);
}

/* --- undo lists -------------------------------------------------------- */

struct sysvsem *sysvsem_new(struct km *k)
{
    struct sysvsem *s = km_zalloc(sizeof *s);
    s->refs = 1;
    s->id = km_new_res_id(k);
    return s;
}

struct sysvsem *sysvsem_clone(struct km *k, struct task *parent, bool share)
{
    if (!share) return sysvsem_new(k);
    parent->sysvsem->has_list = true; /* get_undo_list: allocated to be shared */
    parent->sysvsem->refs++;
    return parent->sysvsem;
}

static struct sem_undo *undo_find(struct sysvsem *l, const struct sem_array *s, bool alloc)
{
    for (struct sem_undo *u = l->undo; u; u = u->next)
        if (u->semid == s->id) return u;
    if (!alloc) return NULL;
    struct sem_undo *u = km_zalloc(sizeof *u);
    u->semid = s->id;
    u->nsems = s->nsems;
    u->adj = km_zalloc((size_t)s->nsems * sizeof *u->adj);
    u->next = l->undo;
    l->undo = u;
    l->has_list = true;
    return u;
}

/* Forget the adjustments of semaphore semnum (-1: all) of set s in every
 * undo list (SETVAL/SETALL), found through the tasks. */
static void undo_clear(struct km *k, const struct sem_array *s, int semnum)
{
    for (struct task *t = k->tasks; t; t = t->all_next) {
        if (!t->sysvsem) continue;
        struct sem_undo *u = undo_find(t->sysvsem, s, false);
        for (int i = 0; u && i < u->nsems; i++)
            if (semnum < 0 || i == semnum) u->adj[i] = 0;
    }
}

/* exit_sem: the last user of an undo list applies its adjustments to the
 * sets that still exist in its ipc namespace. */
void sysvsem_exit(struct km *k, struct task *t)
{
    struct sysvsem *l = t->sysvsem;
    if (!l) return;
    t->sysvsem = NULL;
    if (--l->refs > 0) return;
    struct ipc_ns *ns = task_ipcns(t);
    while (l->undo) {
        struct sem_undo *u = l->undo;
        l->undo = u->next;
        struct sem_array *s = sem_find_id(ns, u->semid);
        bool changed = false;
        for (int i = 0; s && i < u->nsems && i < s->nsems; i++) {
            if (!u->adj[i]) continue;
            int v = s->val[i] + u->adj[i];
            s->val[i] = (u16)(v < 0 ? 0 : v > SEMVMX ? SEMVMX : v); /* clamped, as Linux */
            s->pid[i] = t->tid;
            changed = true;
        }
        if (changed) {
            km_ev_begin(k, "sem_undo", t);
            km_ev_int(k, "semid", s->id);
            km_ev_end(k);
            km_wake_all(k, KM_WAIT_SEM, (u64)s->wait_key);
        }
        free(u->adj);
        free(u);
    }
    free(l);
}

/* --- semget ------------------------------------------------------------ */

static i64 sys_semget(struct km *k, struct task *t, const u64 a[6])
{
    int key = (int)a[0], nsems = (int)a[1], flg = (int)a[2];
    struct ipc_ns *ns = task_ipcns(t);
    if (!ns) return -LX_ENOSYS;
    if (nsems < 0 || nsems > SEMMSL) return -LX_EINVAL;
    if (key != IPC_PRIVATE) {
        for (struct sem_array *s = ns->sems; s; s = s->next) {
            if (s->key != key) continue;
            if ((flg & IPC_CREAT) && (flg & IPC_EXCL)) return -LX_EEXIST;
            if (nsems > s->nsems) return -LX_EINVAL;
            if (!sem_may(t, ns, s, (u32)(flg >> 6) & 7)) return -LX_EACCES;
            return s->id;
        }
        if (!(flg & IPC_CREAT)) return -LX_ENOENT;
    }
    if (!nsems) return -LX_EINVAL;
    /* the lowest free index, a new sequence number */
    int idx = 0, count = 0;
    for (bool used = true; used; idx += used) {
        used = false;
        for (struct sem_array *s = ns->sems; s; s = s->next)
            if (s->id % SEQ_MUL == idx) used = true;
    }
    for (struct sem_array *s = ns->sems; s; s = s->next)
        count++;
    if (count >= SEMMNI) return -LX_ENOSPC;
    struct sem_array *s = km_zalloc(sizeof *s);
    s->id = (ns->next_seq++ % (0x7fffffff / SEQ_MUL)) * SEQ_MUL + idx;
    s->key = key;
    s->nsems = nsems;
    s->wait_key = km_new_res_id(k);
    s->mode = (u32)flg & 0777;
    s->uid = s->cuid = t->cred->euid;
    s->gid = s->cgid = t->cred->egid;
    s->val = km_zalloc((size_t)nsems * sizeof *s->val);
    s->pid = km_zalloc((size_t)nsems * sizeof *s->pid);
    struct sem_array **pp = &ns->sems;
    while (*pp)
        pp = &(*pp)->next;
    *pp = s;
    km_ev_begin(k, "sem_create", t);
    km_ev_int(k, "semid", s->id);
    km_ev_int(k, "nsems", nsems);
    km_ev_int(k, "ipc_ns", ns->ns.id);
    km_ev_end(k);
    return s->id;
}

/* --- semop / semtimedop -------------------------------------------------- */

struct sembuf {
    u16 num;
    int16_t op, flg;
};

/* The sleepers of s (count_semcnt): forget t's entry, or record it. */
static void sem_waiter_drop(struct sem_array *s, int tid)
{
    for (int i = 0; i < s->nwaiters; i++)
        if (s->waiters[i].tid == tid) s->waiters[i--] = s->waiters[--s->nwaiters];
}

static void sem_waiter_add(struct sem_array *s, int tid, int num, int op)
{
    struct sem_waiter *w = km_zalloc((size_t)(s->nwaiters + 1) * sizeof *w);
    if (s->nwaiters) memcpy(w, s->waiters, (size_t)s->nwaiters * sizeof *w);
    free(s->waiters);
    s->waiters = w;
    s->waiters[s->nwaiters++] = (struct sem_waiter){tid, num, op};
}

/* perform_atomic_semop: 0 done, 1 must wait (*blocking: the operation),
 * or -LX_E*; nothing changes unless every operation can be done. */
static int sem_try(struct task *t, struct sem_array *s, const struct sembuf *ops, int n,
                   int *blocking)
{
    struct sem_undo *u = NULL;
    for (int i = 0; i < n; i++)
        if (ops[i].flg & SEM_UNDO) u = undo_find(t->sysvsem, s, false);
    int val[SEMOPM], adj[SEMOPM];
    for (int i = 0; i < n; i++) {
        int v = s->val[ops[i].num], ad = u ? u->adj[ops[i].num] : 0;
        for (int j = 0; j < i; j++) /* earlier operations on the same semaphore */
            if (ops[j].num == ops[i].num) {
                v = val[j];
                ad = adj[j];
            }
        *blocking = i;
        if (ops[i].op == 0 && v != 0) return 1;
        v += ops[i].op;
        if (v < 0) return 1;
        if (v > SEMVMX) return -LX_ERANGE;
        if (ops[i].flg & SEM_UNDO) {
            ad -= ops[i].op;
            if (ad < -SEMAEM - 1 || ad > SEMAEM) return -LX_ERANGE;
        }
        val[i] = v;
        adj[i] = ad;
    }
    bool undo = false;
    for (int i = 0; i < n; i++)
        undo |= (ops[i].flg & SEM_UNDO) != 0;
    if (undo && !u) u = undo_find(t->sysvsem, s, true);
    for (int i = 0; i < n; i++) {
        s->val[ops[i].num] = (u16)val[i];
        s->pid[ops[i].num] = t->tid;
        if (ops[i].flg & SEM_UNDO) u->adj[ops[i].num] = (int16_t)adj[i];
    }
    return 0;
}

static i64 semtimedop(struct km *k, struct task *t, u64 semid, u64 usops, u64 nsops, u64 uts)
{
    struct ipc_ns *ns = task_ipcns(t);
    if ((i64)nsops < 1) return -LX_EINVAL;
    if (nsops > SEMOPM) return -LX_E2BIG;
    struct sembuf ops[SEMOPM];
    bool be = km_guest_be(t);
    for (u64 i = 0; i < nsops; i++) {
        u8 b[6];
        if (mm_read(t->mm, usops + 6 * i, b, sizeof b) < 0) return -LX_EFAULT;
        ops[i].num = lx_get16(be, b);
        ops[i].op = (int16_t)lx_get16(be, b + 2);
        ops[i].flg = (int16_t)lx_get16(be, b + 4);
    }
    if (!t->sysvsem) t->sysvsem = sysvsem_new(k); /* a task made by hand (unit tests) */
    u64 deadline = 0;
    if (t->psys.active) { /* a re-run: the first call's deadline stands */
        deadline = t->psys.deadline_ns;
    } else if (uts) {
        u8 b[16];
        if (mm_read(t->mm, uts, b, sizeof b) < 0) return -LX_EFAULT;
        i64 sec = (i64)lx_get64(be, b), nsec = (i64)lx_get64(be, b + 8);
        if (sec < 0 || nsec < 0 || nsec >= 1000000000) return -LX_EINVAL;
        deadline = k->now_ns + (u64)sec * 1000000000u + (u64)nsec;
        if (!deadline) deadline = 1;
    }
    struct sem_array *s = (i32)semid < 0 ? NULL : sem_find_id(ns, (int)semid);
    if (!s) return t->psys.active ? -LX_EIDRM : -LX_EINVAL; /* removed while we slept */
    bool alter = false;
    for (u64 i = 0; i < nsops; i++) {
        if (ops[i].num >= s->nsems) return -LX_EFBIG;
        alter |= ops[i].op != 0;
    }
    if (!sem_may(t, ns, s, alter ? 2 : 4)) return -LX_EACCES;
    sem_waiter_drop(s, t->tid);
    int blocking = 0;
    int r = sem_try(t, s, ops, (int)nsops, &blocking);
    if (r < 0) return r;
    if (r == 0) {
        km_wake_all(k, KM_WAIT_SEM, (u64)s->wait_key); /* update_queue */
        return 0;
    }
    bool nowait = false;
    for (u64 i = 0; i < nsops; i++)
        nowait |= (ops[i].flg & IPC_NOWAIT) != 0;
    if (nowait) return -LX_EAGAIN;
    if (deadline && deadline <= k->now_ns) return -LX_EAGAIN;
    sem_waiter_add(s, t->tid, ops[blocking].num, ops[blocking].op);
    return km_block(k, t, KM_WAIT_SEM, (u64)s->wait_key, deadline, -LX_EAGAIN);
}

static i64 sys_semop(struct km *k, struct task *t, const u64 a[6])
{
    return semtimedop(k, t, a[0], a[1], a[2], 0);
}

static i64 sys_semtimedop(struct km *k, struct task *t, const u64 a[6])
{
    return semtimedop(k, t, a[0], a[1], a[2], a[3]);
}

/* --- semctl ------------------------------------------------------------- */

/* Tasks still asleep on s whose operation waits for semnum to grow
 * (GETNCNT) or to be zero (GETZCNT): count_semcnt. */
static int sem_count_waiters(struct km *k, const struct sem_array *s, int semnum, bool zero)
{
    int n = 0;
    for (int i = 0; i < s->nwaiters; i++) {
        const struct sem_waiter *w = &s->waiters[i];
        const struct task *t = km_find_task_any(k, w->tid);
        if (!t || t->state != TASK_BLOCKED || t->wait.kind != KM_WAIT_SEM ||
            t->wait.key != (u64)s->wait_key || w->num != semnum)
            continue;
        n += zero ? w->op == 0 : w->op < 0;
    }
    return n;
}

static i64 sys_semctl(struct km *k, struct task *t, const u64 a[6])
{
    struct ipc_ns *ns = task_ipcns(t);
    int semnum = (int)a[1], cmd = (int)a[2] & ~0x100; /* IPC_64 */
    struct sem_array *s = (i32)a[0] < 0 ? NULL : sem_find_id(ns, (int)a[0]);
    if (cmd < IPC_RMID || (cmd > 0 && cmd < GETPID) || cmd > SETALL) return -LX_EINVAL;
    if (!s) return -LX_EINVAL;
    bool be = km_guest_be(t);
    switch (cmd) {
    case IPC_RMID: {
        const struct cred *c = t->cred;
        if (c->euid != s->cuid && c->euid != s->uid &&
            !km_ns_capable(c, ns->ns.owner, LX_CAP_SYS_ADMIN))
            return -LX_EPERM;
        for (struct sem_array **pp = &ns->sems; *pp; pp = &(*pp)->next)
            if (*pp == s) {
                *pp = s->next;
                break;
            }
        km_ev_begin(k, "sem_remove", t);
        km_ev_int(k, "semid", s->id);
        km_ev_end(k);
        km_wake_all(k, KM_WAIT_SEM, (u64)s->wait_key); /* they find it gone: EIDRM */
        sem_free(s);
        return 0;
    }
    case GETALL:
    case SETALL: {
        if (!sem_may(t, ns, s, cmd == GETALL ? 4 : 2)) return -LX_EACCES;
        for (int i = 0; i < s->nsems; i++) {
            u8 b[2];
            if (cmd == GETALL) {
                lx_put16(be, b, s->val[i]);
                if (mm_write(t->mm, a[3] + 2 * (u64)i, b, 2) < 0) return -LX_EFAULT;
            } else {
                if (mm_read(t->mm, a[3] + 2 * (u64)i, b, 2) < 0) return -LX_EFAULT;
                if (lx_get16(be, b) > SEMVMX) return -LX_ERANGE;
            }
        }
        if (cmd == SETALL) {
            for (int i = 0; i < s->nsems; i++) {
                u8 b[2];
                (void)mm_read(t->mm, a[3] + 2 * (u64)i, b, 2);
                s->val[i] = lx_get16(be, b);
                s->pid[i] = t->tid;
            }
            undo_clear(k, s, -1);
            km_wake_all(k, KM_WAIT_SEM, (u64)s->wait_key);
        }
        return 0;
    }
    default: break;
    }
    /* one semaphore */
    if (semnum < 0 || semnum >= s->nsems) return -LX_EINVAL;
    if (!sem_may(t, ns, s, cmd == SETVAL ? 2 : 4)) return -LX_EACCES;
    switch (cmd) {
    case GETVAL: return s->val[semnum];
    case GETPID: return s->pid[semnum] ? km_pid_global_to_vnr(k, t, s->pid[semnum]) : 0;
    case GETNCNT: return sem_count_waiters(k, s, semnum, false);
    case GETZCNT: return sem_count_waiters(k, s, semnum, true);
    case SETVAL: {
        int v = (int)a[3];
        if (v < 0 || v > SEMVMX) return -LX_ERANGE;
        s->val[semnum] = (u16)v;
        s->pid[semnum] = t->tid;
        undo_clear(k, s, semnum);
        km_wake_all(k, KM_WAIT_SEM, (u64)s->wait_key);
        return 0;
    }
    }
    return -LX_EINVAL;
}

/* ipc(2), the multiplexer s390x's glibc calls (the only arch here that
 * has it): s390's five-argument form (version << 16 | call, first, second,
 * third, ptr), where semtimedop's timeout comes in third (arch/s390/kernel/
 * syscalls.c). Its semaphore calls; message queues and shared memory are
 * not modelled (ENOSYS). */
static i64 sys_ipc(struct km *k, struct task *t, const u64 a[6])
{
    u64 first = a[1], second = a[2], third = a[3], ptr = a[4];
    switch (a[0] & 0xffff) {
    case 1: return semtimedop(k, t, first, ptr, second, 0); /* SEMOP */
    case 2: {                                               /* SEMGET */
        const u64 g[6] = {first, second, third, 0, 0, 0};
        return sys_semget(k, t, g);
    }
    case 3: { /* SEMCTL: the semun is read from ptr */
        u64 arg;
        if (!ptr) return -LX_EINVAL;
        if (mm_read_u64(t->mm, ptr, &arg) < 0) return -LX_EFAULT;
        const u64 c[6] = {first, second, third, arg, 0, 0};
        return sys_semctl(k, t, c);
    }
    case 4: return semtimedop(k, t, first, ptr, second, third); /* SEMTIMEDOP */
    default: return -LX_ENOSYS;
    }
}

const struct km_sys_entry km_sys_sem[] = {
    {LX_SYS_ipc, sys_ipc, "duuup"},      {LX_SYS_semget, sys_semget, "ddx"},
    {LX_SYS_semop, sys_semop, "dpu"},    {LX_SYS_semtimedop, sys_semtimedop, "dpup"},
    {LX_SYS_semctl, sys_semctl, "dddx"}, {LX_SYS_NONE, NULL, NULL},
};
