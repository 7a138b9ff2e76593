/* Futexes of the kernel model (futex.c): the waiter list, futex keys and
 * the hooks the scheduler and the exit path call. Private to the model. */
#ifndef CLONEMU_FUTEX_H
#define CLONEMU_FUTEX_H

#include "kernel-model/km.h"

/* The virtual wall clock: CLOCK_REALTIME = this epoch + k->now_ns
 * (2026-01-01T00:00:00Z), shared by futex.c and sys_misc.c so a
 * FUTEX_CLOCK_REALTIME deadline and clock_gettime agree. */
#ifndef KM_REALTIME_EPOCH_NS
#define KM_REALTIME_EPOCH_NS 1767225600000000000ULL
#endif

/* Linux's robust-futex word bits and walk limit. */
#define LX_FUTEX_TID_MASK    0x3fffffffu
#define LX_FUTEX_OWNER_DIED  0x40000000u
#define LX_FUTEX_WAITERS     0x80000000u
#define LX_ROBUST_LIST_LIMIT 2048
#define LX_ROBUST_HEAD_SIZE  24 /* struct robust_list_head on 64-bit */

/* A futex's identity. Private futexes (and shared futexes in private
 * memory) are (mm id, address); shared futexes in MAP_SHARED memory are
 * (backing, offset), so two processes mapping one region meet. */
struct futex_key {
    bool shared;      /* by backing (MAP_SHARED memory) */
    const void *base; /* struct mm_backing * when shared, else NULL */
    u64 id;           /* mm id when !shared */
    u64 off;          /* address when !shared, offset in backing when shared */
};

/* One blocked FUTEX_WAIT*, on the FIFO of its hash bucket in
 * k->futex_hash (as Linux's futex_hash: wakes take the oldest waiter of the
 * key first) and at task.futex_w. The task's t->wait.key holds a hash of
 * key for the scheduler and traces; matching always uses the full key. */
struct futex_waiter {
    struct task *task;
    struct futex_key key;
    u32 bitset;
    struct futex_waiter *next, *prev;
};

struct futex_bucket {
    struct futex_waiter *head, *tail;
};
#define KM_FUTEX_HASH_SIZE 1024

/* Free every waiter record (km_destroy). */
void futex_free_all(struct km *k);
/* Remove t's waiter record (timeout, signal, exit). No-op if none. */
void futex_cancel_wait(struct km *k, struct task *t);
/* Wake up to nr waiters of the futex at uaddr in mm (CLONE_CHILD_CLEARTID
 * at thread exit; the caller has already written 0). Returns the number
 * woken, or -LX_E* for a bad address. */
int futex_wake_addr(struct km *k, struct mm *mm, u64 uaddr, int nr);
/* At task exit: mark the robust futexes t holds FUTEX_OWNER_DIED and wake
 * one waiter of each that has FUTEX_WAITERS set. Guest mistakes end the
 * walk silently, as in Linux. */
void futex_exit_robust_list(struct km *k, struct task *t);

#endif
