/* Futexes (futex(2)), robust lists and set_tid_address.
 *
 * A blocked FUTEX_WAIT is a struct futex_waiter on its key's hash bucket
 * (FIFO) plus km_block(KM_WAIT_FUTEX, hash of the key). Wakers complete the wait
 * with km_wake(k, t, true, 0), so the syscall is never re-run after a wake;
 * on a deadline the scheduler completes it with -LX_ETIMEDOUT and calls
 * futex_cancel_wait(). Values, timeouts and robust-list entries are read
 * with the guest's byte order through the mm API. */
#include "kernel-model/futex.h"
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"

#include <stdlib.h>

#include "kernel-model/sys.h"

/* Linux FUTEX_WAKE_OP encoding (val3). */
#define LX_FUTEX_OP_SET         0
#define LX_FUTEX_OP_ADD         1
#define LX_FUTEX_OP_OR          2
#define LX_FUTEX_OP_ANDN        3
#define LX_FUTEX_OP_XOR         4
#define LX_FUTEX_OP_OPARG_SHIFT 8
#define LX_FUTEX_OP_CMP_EQ      0
#define LX_FUTEX_OP_CMP_NE      1
#define LX_FUTEX_OP_CMP_LT      2
#define LX_FUTEX_OP_CMP_LE      3
#define LX_FUTEX_OP_CMP_GT      4
#define LX_FUTEX_OP_CMP_GE      5

#define NS_PER_SEC 1000000000ULL

/* --- keys ------------------------------------------------------------ */

/* The key of the u32 futex at uaddr in mm (get_futex_key,
 * kernel/futex/core.c). A PRIVATE futex is keyed by (mm id, address)
 * without looking at the memory: waking one on unmapped memory finds no
 * waiter and returns 0, as in Linux. A shared futex pins its page first
 * (get_user_pages_fast): EFAULT unless the address is mapped writable, or
 * readable when write access is not needed (write: FUTEX_WRITE, uaddr2 of
 * requeue and wake_op), and never on a read-only private anonymous page.
 * Shared futexes in MAP_SHARED memory key by backing +
 * offset so processes sharing the pages meet; others by (mm id, address).
 * Not modelled: EFAULT for a file page beyond the end of its file. */
static int futex_key_of(struct mm *mm, u64 uaddr, bool private_futex, bool write,
                        struct futex_key *key)
{
    if (uaddr & 3) return -LX_EINVAL; /* Linux: futex words are naturally aligned */
    if (!mm) return -LX_EFAULT;
    memset(key, 0, sizeof *key);
    key->id = (u64)mm->id;
    key->off = uaddr;
    if (private_futex) return 0;
    const struct vma *v = mm_find_vma(mm, uaddr);
    bool writable = v && (v->prot & LX_PROT_WRITE);
    if (!v || !(writable || (!write && (v->prot & LX_PROT_READ)))) return -LX_EFAULT;
    /* a read-only private anonymous page can never change, so Linux
     * refuses it even for a read-only use */
    if (!writable && (v->flags & LX_MAP_ANONYMOUS) && !(v->flags & LX_MAP_SHARED))
        return -LX_EFAULT;
    if ((v->flags & LX_MAP_SHARED) && v->backing) {
        key->id = 0;
        key->shared = true;
        key->base = v->backing;
        key->off = v->offset + (uaddr - v->start);
    }
    return 0;
}

static bool futex_key_eq(const struct futex_key *a, const struct futex_key *b)
{
    return a->shared == b->shared && a->base == b->base && a->id == b->id && a->off == b->off;
}

/* A u64 summary of a key for t->wait.key (the scheduler and traces only:
 * collisions are harmless because matching uses the full key). */
static u64 futex_key_hash(const struct futex_key *key)
{
    u64 h = key->shared ? (u64)(uintptr_t)key->base : key->id * 0x9e3779b97f4a7c15ULL;
    h ^= key->off + 0x7f4a7c15ULL + (h << 6) + (h >> 2);
    return h ? h : 1; /* 0 means "any key" to km_wake_all */
}

/* --- the waiter list --------------------------------------------------- */

static struct futex_bucket *futex_bucket_of(struct km *k, const struct futex_key *key)
{
    if (!k->futex_hash) k->futex_hash = km_zalloc(KM_FUTEX_HASH_SIZE * sizeof *k->futex_hash);
    return &k->futex_hash[futex_key_hash(key) & (KM_FUTEX_HASH_SIZE - 1)];
}

/* w goes to the tail of its key's bucket (FIFO per key). */
static void futex_append(struct km *k, struct futex_waiter *w)
{
    struct futex_bucket *b = futex_bucket_of(k, &w->key);
    w->next = NULL;
    w->prev = b->tail;
    if (b->tail)
        b->tail->next = w;
    else
        b->head = w;
    b->tail = w;
    w->task->futex_w = w;
    k->nr_futex_waiters++;
}

static void futex_unlink(struct km *k, struct futex_waiter *w)
{
    struct futex_bucket *b = futex_bucket_of(k, &w->key);
    if (w->prev)
        w->prev->next = w->next;
    else
        b->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        b->tail = w->prev;
    w->next = w->prev = NULL;
    if (w->task->futex_w == w) w->task->futex_w = NULL;
    k->nr_futex_waiters--;
}

void futex_cancel_wait(struct km *k, struct task *t)
{
    struct futex_waiter *w = t->futex_w;
    if (!w) return;
    futex_unlink(k, w);
    free(w);
}

void futex_free_all(struct km *k)
{
    /* the tasks may be freed already (km_destroy): only the records go */
    for (int i = 0; k->futex_hash && i < KM_FUTEX_HASH_SIZE; i++)
        for (struct futex_waiter *w = k->futex_hash[i].head, *n; w; w = n) {
            n = w->next;
            free(w);
        }
    k->nr_futex_waiters = 0;
    free(k->futex_hash);
    k->futex_hash = NULL;
}

static void futex_ev_wake(struct km *k, struct task *waker, struct task *woken,
                          const struct futex_key *key)
{
    if (!km_ev_enabled(k)) return;
    km_ev_begin(k, "futex_wake", woken);
    km_ev_int(k, "by", waker ? waker->tid : 0);
    km_ev_str(k, "key", key->shared ? "shared" : "private");
    km_ev_hex(k, "off", key->off);
    km_ev_str(k, "policy", "fifo");
    km_ev_end(k);
}

/* Wake up to nr waiters on key whose bitset meets bitset, oldest first.
 * As in Linux, nr <= 0 still wakes one (the count is checked after). */
static int futex_wake_key(struct km *k, struct task *waker, const struct futex_key *key, int nr,
                          u32 bitset)
{
    int woken = 0;
    for (struct futex_waiter *w = futex_bucket_of(k, key)->head, *n; w; w = n) {
        n = w->next;
        if (!futex_key_eq(&w->key, key) || !(w->bitset & bitset)) continue;
        futex_unlink(k, w);
        struct task *t = w->task;
        free(w);
        futex_ev_wake(k, waker, t, key);
        km_wake(k, t, true, 0);
        if (++woken >= nr) break;
    }
    return woken;
}

int futex_wake_addr(struct km *k, struct mm *mm, u64 uaddr, int nr)
{
    struct futex_key key;
    int err = futex_key_of(mm, uaddr, false, false, &key);
    if (err) return err;
    return futex_wake_key(k, NULL, &key, nr, LX_FUTEX_BITSET_MATCH_ANY);
}

/* --- timeouts ---------------------------------------------------------- */

/* Read a struct timespec {i64 sec; i64 nsec} (guest byte order) as ns.
 * Returns -LX_EINVAL for negative or out-of-range fields; a value too
 * large for u64 saturates to UINT64_MAX (never expires). */
static int futex_read_timespec(struct task *t, u64 addr, u64 *ns)
{
    u8 b[16];
    if (mm_read(t->mm, addr, b, sizeof b)) return -LX_EFAULT;
    i64 sec = (i64)lx_get64(km_guest_be(t), b);
    i64 nsec = (i64)lx_get64(km_guest_be(t), b + 8);
    if (sec < 0 || nsec < 0 || (u64)nsec >= NS_PER_SEC) return -LX_EINVAL;
    if ((u64)sec > (UINT64_MAX - (u64)nsec) / NS_PER_SEC)
        *ns = UINT64_MAX;
    else
        *ns = (u64)sec * NS_PER_SEC + (u64)nsec;
    return 0;
}

/* The monotonic deadline of a wait: 0 = none, else k->now_ns-based.
 * *expired is set when the deadline is already due. */
static int futex_deadline(struct km *k, struct task *t, int cmd, bool realtime, u64 uts,
                          u64 *deadline, bool *expired)
{
    *deadline = 0;
    *expired = false;
    if (!uts) return 0;
    u64 ns;
    int err = futex_read_timespec(t, uts, &ns);
    if (err) return err;
    if (ns == UINT64_MAX) return 0; /* beyond the end of virtual time: no deadline */
    if (cmd == LX_FUTEX_WAIT) {
        /* relative, measured on the monotonic clock */
        *deadline = ns > UINT64_MAX - k->now_ns ? 0 : k->now_ns + ns;
        *expired = ns == 0;
        return 0;
    }
    /* FUTEX_WAIT_BITSET: absolute on CLOCK_MONOTONIC or CLOCK_REALTIME */
    u64 mono = ns;
    if (realtime) {
        if (ns <= KM_REALTIME_EPOCH_NS) {
            *expired = true;
            return 0;
        }
        mono = ns - KM_REALTIME_EPOCH_NS;
    } else { /* futex_init_timeout: a time namespace's monotonic clock */
        i64 off = timens_offset(t, LX_CLOCK_MONOTONIC);
        mono = off > 0 && (u64)off > ns ? 0 : ns - (u64)off;
    }
    *deadline = mono;
    *expired = mono <= k->now_ns;
    return 0;
}

/* --- operations -------------------------------------------------------- */

static i64 futex_wait(struct km *k, struct task *t, u64 uaddr, u32 val, u64 uts, u32 bitset,
                      int cmd, bool private_futex, bool realtime)
{
    /* A re-run after an unexpected wake must not leave a stale record. */
    futex_cancel_wait(k, t);
    u64 deadline;
    bool expired;
    int err = futex_deadline(k, t, cmd, realtime, uts, &deadline, &expired);
    if (err) return err;
    if (!bitset) return -LX_EINVAL;
    struct futex_key key;
    if ((err = futex_key_of(t->mm, uaddr, private_futex, false, &key))) return err;
    u32 cur;
    if (mm_read_u32(t->mm, uaddr, &cur)) return -LX_EFAULT;
    if (cur != val) return -LX_EAGAIN; /* the word changed: the caller re-checks */
    if (expired) return -LX_ETIMEDOUT;

    struct futex_waiter *w = calloc(1, sizeof *w);
    if (!w) abort(); /* host out of memory: nothing sensible to model */
    w->task = t;
    w->key = key;
    w->bitset = bitset;
    futex_append(k, w);
    if (km_ev_enabled(k)) {
        km_ev_begin(k, "futex_wait", t);
        km_ev_hex(k, "uaddr", uaddr);
        km_ev_hex(k, "val", val);
        km_ev_str(k, "key", key.shared ? "shared" : "private");
        if (bitset != LX_FUTEX_BITSET_MATCH_ANY) km_ev_hex(k, "bitset", bitset);
        if (deadline) km_ev_int(k, "deadline_ns", (i64)deadline);
        km_ev_end(k);
    }
    i64 r = km_block(k, t, KM_WAIT_FUTEX, futex_key_hash(&key), deadline, -LX_ETIMEDOUT);
    t->wait.bitset = bitset;
    return r;
}

static i64 futex_wake(struct km *k, struct task *t, u64 uaddr, int nr, u32 bitset,
                      bool private_futex)
{
    if (!bitset) return -LX_EINVAL;
    struct futex_key key;
    int err = futex_key_of(t->mm, uaddr, private_futex, false, &key);
    if (err) return err;
    return futex_wake_key(k, t, &key, nr, bitset);
}

/* FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake nr_wake waiters of uaddr, move up
 * to nr_requeue more to uaddr2 (appended after uaddr2's waiters, as Linux
 * appends to the new hash chain). Returns woken + requeued. */
static i64 futex_requeue(struct km *k, struct task *t, u64 uaddr, u64 uaddr2, int nr_wake,
                         int nr_requeue, bool cmp, u32 val3, bool private_futex)
{
    if (nr_wake < 0 || nr_requeue < 0) return -LX_EINVAL;
    struct futex_key k1, k2;
    int err = futex_key_of(t->mm, uaddr, private_futex, false, &k1);
    if (err) return err;
    if ((err = futex_key_of(t->mm, uaddr2, private_futex, true, &k2))) return err;
    if (cmp) {
        u32 cur;
        if (mm_read_u32(t->mm, uaddr, &cur)) return -LX_EFAULT;
        if (cur != val3) return -LX_EAGAIN;
    }
    int count = 0;
    struct futex_waiter *moved = NULL, **moved_tail = &moved;
    for (struct futex_waiter *w = futex_bucket_of(k, &k1)->head, *n; w; w = n) {
        n = w->next;
        if (count - nr_wake >= nr_requeue) break;
        if (!futex_key_eq(&w->key, &k1)) continue;
        futex_unlink(k, w);
        if (++count <= nr_wake) {
            struct task *wt = w->task;
            free(w);
            futex_ev_wake(k, t, wt, &k1);
            km_wake(k, wt, true, 0);
            continue;
        }
        w->key = k2; /* requeue: new key in the record and in the task */
        w->task->wait.key = futex_key_hash(&k2);
        w->next = NULL;
        *moved_tail = w;
        moved_tail = &w->next;
    }
    while (moved) {
        struct futex_waiter *w = moved;
        moved = w->next;
        futex_append(k, w);
    }
    return count;
}

/* Apply FUTEX_WAKE_OP's operation; -LX_ENOSYS for an unknown op. */
static int futex_op_apply(int op, u32 oldval, u32 oparg, u32 *newval)
{
    switch (op) {
    case LX_FUTEX_OP_SET: *newval = oparg; return 0;
    case LX_FUTEX_OP_ADD: *newval = oldval + oparg; return 0;
    case LX_FUTEX_OP_OR: *newval = oldval | oparg; return 0;
    case LX_FUTEX_OP_ANDN: *newval = oldval & ~oparg; return 0;
    case LX_FUTEX_OP_XOR: *newval = oldval ^ oparg; return 0;
    default: return -LX_ENOSYS;
    }
}

/* FUTEX_WAKE_OP's comparison (signed, as Linux's int oldval): 1 true, 0
 * false, -LX_ENOSYS for an unknown cmp. */
static int futex_op_cmp(int cmp, i32 oldval, i32 cmparg)
{
    switch (cmp) {
    case LX_FUTEX_OP_CMP_EQ: return oldval == cmparg;
    case LX_FUTEX_OP_CMP_NE: return oldval != cmparg;
    case LX_FUTEX_OP_CMP_LT: return oldval < cmparg;
    case LX_FUTEX_OP_CMP_LE: return oldval <= cmparg;
    case LX_FUTEX_OP_CMP_GT: return oldval > cmparg;
    case LX_FUTEX_OP_CMP_GE: return oldval >= cmparg;
    default: return -LX_ENOSYS;
    }
}

static i32 futex_sext12(u32 v)
{
    return (i32)(v & 0x800 ? v | 0xfffff000u : v & 0xfff);
}

/* FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake nr_wake on uaddr;
 * if cmp(old *uaddr2, cmparg) also wake nr_wake2 on uaddr2. */
static i64 futex_wake_op(struct km *k, struct task *t, u64 uaddr, u64 uaddr2, int nr_wake,
                         int nr_wake2, u32 val3, bool private_futex)
{
    int op = (int)(val3 >> 28) & 0xf, cmp = (int)(val3 >> 24) & 0xf;
    i32 oparg = futex_sext12(val3 >> 12), cmparg = futex_sext12(val3);
    if (op & LX_FUTEX_OP_OPARG_SHIFT) {
        oparg &= 31; /* Linux warns and masks an out-of-range shift */
        oparg = (i32)(1u << oparg);
        op &= ~LX_FUTEX_OP_OPARG_SHIFT;
    }
    struct futex_key k1, k2;
    int err = futex_key_of(t->mm, uaddr, private_futex, false, &k1);
    if (err) return err;
    if ((err = futex_key_of(t->mm, uaddr2, private_futex, true, &k2))) return err;
    u32 oldval, newval;
    if (mm_read_u32(t->mm, uaddr2, &oldval)) return -LX_EFAULT;
    if ((err = futex_op_apply(op, oldval, (u32)oparg, &newval))) return err;
    int hit = futex_op_cmp(cmp, (i32)oldval, cmparg);
    if (hit < 0) return hit;
    if (mm_write_u32(t->mm, uaddr2, newval)) return -LX_EFAULT;
    int woken = futex_wake_key(k, t, &k1, nr_wake, LX_FUTEX_BITSET_MATCH_ANY);
    if (hit) woken += futex_wake_key(k, t, &k2, nr_wake2, LX_FUTEX_BITSET_MATCH_ANY);
    return woken;
}

/* futex(uaddr, op, val, timeout | val2, uaddr2, val3) */
static i64 sys_futex(struct km *k, struct task *t, const u64 a[6])
{
    u64 uaddr = a[0], uaddr2 = a[4];
    int op = (int)a[1], cmd = op & LX_FUTEX_CMD_MASK;
    u32 val = (u32)a[2], val3 = (u32)a[5];
    bool priv = op & LX_FUTEX_PRIVATE_FLAG, realtime = op & LX_FUTEX_CLOCK_REALTIME;
    if (realtime && cmd != LX_FUTEX_WAIT && cmd != LX_FUTEX_WAIT_BITSET)
        return -LX_ENOSYS; /* Linux: CLOCK_REALTIME only for the wait ops */
    switch (cmd) {
    case LX_FUTEX_WAIT:
        return futex_wait(k, t, uaddr, val, a[3], LX_FUTEX_BITSET_MATCH_ANY, cmd, priv, realtime);
    case LX_FUTEX_WAIT_BITSET: return futex_wait(k, t, uaddr, val, a[3], val3, cmd, priv, realtime);
    case LX_FUTEX_WAKE: return futex_wake(k, t, uaddr, (int)val, LX_FUTEX_BITSET_MATCH_ANY, priv);
    case LX_FUTEX_WAKE_BITSET: return futex_wake(k, t, uaddr, (int)val, val3, priv);
    case LX_FUTEX_REQUEUE:
        return futex_requeue(k, t, uaddr, uaddr2, (int)val, (int)(u32)a[3], false, 0, priv);
    case LX_FUTEX_CMP_REQUEUE:
        return futex_requeue(k, t, uaddr, uaddr2, (int)val, (int)(u32)a[3], true, val3, priv);
    case LX_FUTEX_WAKE_OP:
        return futex_wake_op(k, t, uaddr, uaddr2, (int)val, (int)(u32)a[3], val3, priv);
    default: return -LX_ENOSYS; /* PI futexes, FUTEX_WAIT_REQUEUE_PI, futex2: not modelled */
    }
}

/* --- robust lists, set_tid_address -------------------------------------- */

static i64 sys_set_tid_address(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    t->clear_child_tid = a[0];
    return t->tid;
}

static i64 sys_set_robust_list(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    if (a[1] != LX_ROBUST_HEAD_SIZE) return -LX_EINVAL;
    t->robust_list = a[0];
    t->robust_len = a[1];
    return 0;
}

/* get_robust_list(pid, head_ptr, len_ptr): pid 0 is the caller. */
static i64 sys_get_robust_list(struct km *k, struct task *t, const u64 a[6])
{
    int pid = (int)a[0];
    struct task *p = pid ? km_find_task_vnr(k, t, pid) : t;
    if (!p) return -LX_ESRCH;
    u8 b[8];
    lx_put64(km_guest_be(t), b, LX_ROBUST_HEAD_SIZE);
    if (mm_write(t->mm, a[2], b, 8)) return -LX_EFAULT;
    lx_put64(km_guest_be(t), b, p->robust_list);
    if (mm_write(t->mm, a[1], b, 8)) return -LX_EFAULT;
    return 0;
}

static int futex_read_ptr(struct task *t, u64 addr, u64 *v)
{
    u8 b[8];
    if (mm_read(t->mm, addr, b, 8)) return -LX_EFAULT;
    *v = lx_get64(km_guest_be(t), b);
    return 0;
}

/* Linux's handle_futex_death for non-PI futexes: -1 ends the walk. */
static int futex_handle_death(struct km *k, struct task *t, u64 uaddr, bool pi, bool pending)
{
    if (uaddr & 3) return -1;
    u32 uval;
    if (mm_read_u32(t->mm, uaddr, &uval)) return -1;
    if (pending && !pi && uval == 0) {
        /* died between taking the lock and setting the tid: wake one */
        futex_wake_addr(k, t->mm, uaddr, 1);
        return 0;
    }
    if ((uval & LX_FUTEX_TID_MASK) != (u32)t->tid) return 0;
    u32 mval = (uval & LX_FUTEX_WAITERS) | LX_FUTEX_OWNER_DIED;
    if (mm_write_u32(t->mm, uaddr, mval)) return -1;
    if (km_ev_enabled(k)) {
        km_ev_begin(k, "futex_owner_died", t);
        km_ev_hex(k, "uaddr", uaddr);
        km_ev_end(k);
    }
    if (!pi && (uval & LX_FUTEX_WAITERS)) futex_wake_addr(k, t->mm, uaddr, 1);
    return 0;
}

/* Walks once: the list is forgotten afterwards (Linux's futex_cleanup), so
 * exit after exec, or a second call, does nothing. */
void futex_exit_robust_list(struct km *k, struct task *t)
{
    u64 head = t->robust_list, entry, pending;
    i64 off;
    t->robust_list = t->robust_len = 0;
    if (!head || !t->mm) return;
    u64 uoff;
    if (futex_read_ptr(t, head, &entry) || futex_read_ptr(t, head + 8, &uoff) ||
        futex_read_ptr(t, head + 16, &pending))
        return;
    off = (i64)uoff;
    bool pi = entry & 1, pending_pi = pending & 1;
    entry &= ~1ULL;
    pending &= ~1ULL;
    for (int limit = LX_ROBUST_LIST_LIMIT; entry != head;) {
        u64 next;
        int rc = futex_read_ptr(t, entry, &next);
        if (entry != pending && futex_handle_death(k, t, entry + (u64)off, pi, false) < 0) return;
        if (rc) return;
        pi = next & 1;
        entry = next & ~1ULL;
        if (!--limit) break;
    }
    if (pending) futex_handle_death(k, t, pending + (u64)off, pending_pi, true);
}

const struct km_sys_entry km_sys_futex[] = {
    {LX_SYS_futex, sys_futex, "pdxpxx"},
    {LX_SYS_set_tid_address, sys_set_tid_address, "p"},
    {LX_SYS_set_robust_list, sys_set_robust_list, "pu"},
    {LX_SYS_get_robust_list, sys_get_robust_list, "dpp"},
    {LX_SYS_NONE, NULL, NULL},
};
