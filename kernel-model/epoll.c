/* epoll (fs/eventpoll.c): epoll_create/epoll_create1, epoll_ctl,
 * epoll_wait/epoll_pwait/epoll_pwait2 over the model's descriptions.
 *
 * An instance (struct km_epoll, behind a KM_FILE_EPOLL description) holds
 * its items in insertion order; an item is keyed by (description, fd) as
 * in Linux and holds no reference on the description: when the last
 * reference goes (file_put), the item leaves its instance, so closing every
 * fd of a file removes it from the interest list, while a dup keeps it.
 *
 * Readiness is asked of the description with file_poll_revents (files.c),
 * the same function poll/ppoll use. Linux queues an item on the ready list
 * from the file's wakeup callback; the model has no callbacks, so it
 * reconstructs them when it looks (ep_refresh): a pipe end records the
 * k->poll_ev count of its last event (pipe.c), and a description that was
 * not ready and is now (a pidfd whose process exited) had an event too. A
 * new event queues the item at the tail, ordered by that count, the way
 * ep_poll_callback appends to rdllist. epoll_wait then delivers as
 * ep_send_events does: each queued item is polled again, dropped if no
 * longer ready, reported otherwise; level-triggered items go back to the
 * tail, EPOLLET items wait for the next event, EPOLLONESHOT items are
 * disarmed until EPOLL_CTL_MOD.
 *
 * Waiting is poll's: km_block(KM_WAIT_POLL), woken by every file event,
 * the handler re-run with the first call's deadline. A signal ends the
 * wait with -ERESTARTNOHAND (EINTR once a handler runs; Linux's epoll_wait
 * returns EINTR also when no handler runs, e.g. after SIGSTOP/SIGCONT,
 * where the model restarts the call). */
#include "kernel-model/files.h"
#include "kernel-model/sys.h"

#include <stdio.h>
#include <stdlib.h>

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLIN        0x001u
#define EPOLLOUT       0x004u
#define EPOLLERR       0x008u
#define EPOLLHUP       0x010u
#define EPOLLRDNORM    0x040u
#define EPOLLWRNORM    0x100u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET        (1u << 31)

#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLEXCLUSIVE_OK_BITS                                                                     \
    (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS    4
#define INT_MAX_        2147483647u
#define SIG_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))

struct ep_item {
    struct km_epoll *ep;
    struct km_file *file; /* not a reference: file_put removes the item */
    int fd;
    u32 events; /* requested events (EPOLLERR|EPOLLHUP added) and private bits */
    u64 data;
    bool queued;                   /* on the ready list */
    u64 qtime;                     /* its place there: the k->poll_ev of the event that queued it */
    u64 seen;                      /* the file's event count when last looked at */
    bool was_ready;                /* ready when last looked at */
    struct ep_item *next, *prev;   /* the instance's items, insertion order */
    struct ep_item *wnext, *wprev; /* file->ep_watch */
};

struct km_epoll {
    struct km *k;
    struct km_file *file; /* its description (not a reference) */
    struct ep_item *head, *tail;
    int depth_guard; /* set while being polled (a loop would recurse) */
};

static void *ep_xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p) {
        fprintf(stderr, "clonemu: out of host memory (epoll)\n");
        abort();
    }
    return p;
}

/* --- readiness ------------------------------------------------------------ */

static u32 ep_poll_instance(struct km_epoll *ep, int depth);

/* The file's event count: pipes count their events, an epoll instance
 * takes the newest of its items', everything else has none (its events are
 * the not-ready -> ready changes ep_refresh sees). */
static u64 ep_file_stamp(const struct km_file *f, int depth)
{
    if (f->kind == KM_FILE_PIPE) return f->pipe_writer ? f->pipe->wr_ev : f->pipe->rd_ev;
    if (f->kind != KM_FILE_EPOLL || depth > EP_MAX_NESTS) return 0;
    u64 m = 0;
    for (const struct ep_item *it = f->ep->head; it; it = it->next) {
        u64 s = ep_file_stamp(it->file, depth + 1);
        if (s > m) m = s;
    }
    return m;
}

/* ep_item_poll: the file's revents in epoll's bits, masked by the item. */
static u32 ep_item_poll(struct ep_item *it, int depth)
{
    struct km_file *f = it->file;
    u32 rev;
    if (f->kind == KM_FILE_EPOLL) {
        rev = depth > EP_MAX_NESTS ? 0 : ep_poll_instance(f->ep, depth + 1);
    } else {
        rev = (u32)file_poll_revents(f, 0xffff);
        if (rev & EPOLLIN) rev |= EPOLLRDNORM; /* what Linux's poll methods add */
        if (rev & EPOLLOUT) rev |= EPOLLWRNORM;
    }
    return rev & it->events;
}

static void ep_queue(struct ep_item *it, u64 when)
{
    it->queued = true;
    it->qtime = when ? when : ++it->ep->k->poll_ev;
}

/* The wakeup callbacks the model does not have: queue every armed item
 * whose file had an event since we last looked and is ready for it. */
static void ep_refresh(struct km_epoll *ep, int depth)
{
    for (struct ep_item *it = ep->head; it; it = it->next) {
        u64 st = ep_file_stamp(it->file, depth);
        bool ready = ep_item_poll(it, depth) != 0;
        bool event = st != it->seen || (ready && !it->was_ready);
        if (event && ready && !it->queued) ep_queue(it, st != it->seen ? st : 0);
        it->seen = st;
        it->was_ready = ready;
    }
}

/* The queued items in ready-list order (qtime, then insertion order). */
static int ep_ready_list(struct km_epoll *ep, struct ep_item ***out)
{
    int n = 0;
    for (struct ep_item *it = ep->head; it; it = it->next)
        n += it->queued;
    struct ep_item **v = ep_xcalloc((size_t)n, sizeof *v);
    int i = 0;
    for (struct ep_item *it = ep->head; it; it = it->next)
        if (it->queued) {
            int j = i++;
            while (j > 0 && v[j - 1]->qtime > it->qtime) { /* stable insertion sort */
                v[j] = v[j - 1];
                j--;
            }
            v[j] = it;
        }
    *out = v;
    return n;
}

/* __ep_eventpoll_poll: an instance is readable if a queued item still is;
 * queued items found not ready leave the list. */
static u32 ep_poll_instance(struct km_epoll *ep, int depth)
{
    if (ep->depth_guard) return 0;
    ep->depth_guard = 1;
    ep_refresh(ep, depth);
    struct ep_item **v;
    int n = ep_ready_list(ep, &v);
    u32 res = 0;
    for (int i = 0; i < n && !res; i++) {
        if (ep_item_poll(v[i], depth))
            res = EPOLLIN | EPOLLRDNORM;
        else
            v[i]->queued = false;
    }
    free(v);
    ep->depth_guard = 0;
    return res;
}

int epoll_poll_revents(struct km_file *f, int events)
{
    return (int)ep_poll_instance(f->ep, 0) & (events | LX_POLLERR | LX_POLLHUP);
}

/* --- items ---------------------------------------------------------------- */

static void ep_item_free(struct ep_item *it)
{
    struct km_epoll *ep = it->ep;
    if (it->prev)
        it->prev->next = it->next;
    else
        ep->head = it->next;
    if (it->next)
        it->next->prev = it->prev;
    else
        ep->tail = it->prev;
    if (it->wprev)
        it->wprev->wnext = it->wnext;
    else
        it->file->ep_watch = it->wnext;
    if (it->wnext) it->wnext->wprev = it->wprev;
    free(it);
}

void epoll_file_release(struct km_file *f)
{
    while (f->ep_watch) /* eventpoll_release_file */
        ep_item_free(f->ep_watch);
    if (f->kind == KM_FILE_EPOLL && f->ep) { /* ep_clear_and_put */
        while (f->ep->head)
            ep_item_free(f->ep->head);
        free(f->ep);
        f->ep = NULL;
    }
}

static struct ep_item *ep_find(struct km_epoll *ep, const struct km_file *f, int fd)
{
    for (struct ep_item *it = ep->head; it; it = it->next)
        if (it->file == f && it->fd == fd) return it;
    return NULL;
}

/* ep_insert / ep_modify end: queue the item if it is ready now. */
static void ep_arm(struct ep_item *it)
{
    it->seen = ep_file_stamp(it->file, 0);
    it->was_ready = ep_item_poll(it, 0) != 0;
    if (it->was_ready && !it->queued) ep_queue(it, 0);
}

static void ep_insert(struct km_epoll *ep, struct km_file *f, int fd, u32 events, u64 data)
{
    struct ep_item *it = ep_xcalloc(1, sizeof *it);
    it->ep = ep;
    it->file = f;
    it->fd = fd;
    it->events = events;
    it->data = data;
    it->prev = ep->tail;
    if (ep->tail)
        ep->tail->next = it;
    else
        ep->head = it;
    ep->tail = it;
    it->wnext = f->ep_watch;
    if (f->ep_watch) f->ep_watch->wprev = it;
    f->ep_watch = it;
    ep_arm(it);
}

/* ep_loop_check: the depth of the instances below ep, or more than
 * EP_MAX_NESTS if target is among them (adding ep to target closes a loop). */
static int ep_loop_depth(const struct km_epoll *ep, const struct km_epoll *target, int depth)
{
    int result = 0;
    for (const struct ep_item *it = ep->head; it; it = it->next) {
        if (it->file->kind != KM_FILE_EPOLL) continue;
        if (it->file->ep == target || depth > EP_MAX_NESTS) return EP_MAX_NESTS + 1;
        int d = ep_loop_depth(it->file->ep, target, depth + 1) + 1;
        if (d > result) result = d;
        if (result > EP_MAX_NESTS) break;
    }
    return result;
}

/* ep_get_upwards_depth_proc: how deep ep sits below other instances. */
static int ep_up_depth(const struct km_epoll *ep, int depth)
{
    if (depth > EP_MAX_NESTS) return EP_MAX_NESTS + 1;
    int result = 0;
    for (const struct ep_item *it = ep->file->ep_watch; it; it = it->wnext) {
        int d = ep_up_depth(it->ep, depth + 1) + 1;
        if (d > result) result = d;
    }
    return result;
}

/* file_can_poll: descriptions without a poll method answer EPERM. Host
 * regular files, directories and the memory devices (/dev/null, zero,
 * full, mem, port) have none; procfs files are treated alike (Linux's
 * /proc/PID files have none; /proc/sys and mounts files do). */
static bool ep_can_poll(struct km *k, struct km_file *f)
{
    switch (f->kind) {
    case KM_FILE_PIPE:
    case KM_FILE_PIDFD:
    case KM_FILE_EPOLL: return true;
    case KM_FILE_DIR:
    case KM_FILE_PROC:
    case KM_FILE_PROCDIR: return false;
    case KM_FILE_HOST: {
        struct lx_stat st;
        if (k->host->fs->fstat(k->host->fs->ctx, f->h, &st) < 0) return true;
        u32 type = st.mode & LX_S_IFMT;
        if (type == LX_S_IFREG || type == LX_S_IFDIR) return false;
        u32 major = (u32)(((st.rdev >> 8) & 0xfff) | ((st.rdev >> 32) & ~0xfffull));
        u32 minor = (u32)((st.rdev & 0xff) | ((st.rdev >> 12) & ~0xffull));
        return !(type == LX_S_IFCHR && major == 1 && minor >= 1 && minor <= 7);
    }
    }
    return true;
}

/* --- syscalls ------------------------------------------------------------- */

static i64 ep_create(struct km *k, struct task *t, bool cloexec)
{
    struct km_file *f = file_new(KM_FILE_EPOLL, LX_O_RDWR, NULL);
    f->ep = ep_xcalloc(1, sizeof *f->ep);
    f->ep->k = k;
    f->ep->file = f;
    int fd = files_install(k, t, f, cloexec, 0);
    if (fd < 0) file_put(k, f);
    return fd;
}

static i64 sys_epoll_create(struct km *k, struct task *t, const u64 a[6])
{
    if ((i32)a[0] <= 0) return -LX_EINVAL;
    return ep_create(k, t, false);
}

/* EPOLL_CLOEXEC is O_CLOEXEC in the arch's encoding. */
static i64 sys_epoll_create1(struct km *k, struct task *t, const u64 a[6])
{
    u32 cloexec = t->abi->open_flags_out(LX_O_CLOEXEC);
    if ((u32)a[0] & ~cloexec) return -LX_EINVAL;
    return ep_create(k, t, (a[0] & cloexec) != 0);
}

/* The errors in do_epoll_ctl's order: the event is read first (EFAULT),
 * then EBADF (epfd, fd), EPERM (no poll), EINVAL (fd is epfd, epfd not
 * an epoll, EPOLLEXCLUSIVE misuse), ELOOP (nesting), and the operation's
 * own EEXIST / ENOENT / EINVAL. */
static i64 sys_epoll_ctl(struct km *k, struct task *t, const u64 a[6])
{
    int op = (int)a[1], fd = (int)a[2];
    u32 events = 0;
    u64 data = 0;
    if (op != EPOLL_CTL_DEL) {
        u8 b[16];
        u32 sz = t->abi->epoll_event_size;
        if (mm_read(t->mm, a[3], b, sz) < 0) return -LX_EFAULT;
        events = lx_get32(km_guest_be(t), b);
        data = lx_get64(km_guest_be(t), b + sz - 8);
    }
    struct km_file *ef = files_lookup(t, (int)a[0]);
    if (!ef) return -LX_EBADF;
    struct km_file *tf = files_lookup(t, fd);
    if (!tf) return -LX_EBADF;
    if (!ep_can_poll(k, tf)) return -LX_EPERM;
    events &= ~EPOLLWAKEUP; /* no suspend to block (ep_take_care_of_epollwakeup) */
    if (ef == tf || ef->kind != KM_FILE_EPOLL) return -LX_EINVAL;
    if (op != EPOLL_CTL_DEL && (events & EPOLLEXCLUSIVE)) {
        if (op == EPOLL_CTL_MOD) return -LX_EINVAL;
        if (op == EPOLL_CTL_ADD &&
            (tf->kind == KM_FILE_EPOLL || (events & ~EPOLLEXCLUSIVE_OK_BITS)))
            return -LX_EINVAL;
    }
    struct km_epoll *ep = ef->ep;
    if (op == EPOLL_CTL_ADD && tf->kind == KM_FILE_EPOLL) {
        int down = ep_loop_depth(tf->ep, ep, 0);
        if (down > EP_MAX_NESTS || down + 1 + ep_up_depth(ep, 0) > EP_MAX_NESTS) return -LX_ELOOP;
    }
    struct ep_item *it = ep_find(ep, tf, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it) return -LX_EEXIST;
        ep_insert(ep, tf, fd, events | EPOLLERR | EPOLLHUP, data);
        return 0;
    case EPOLL_CTL_DEL:
        if (!it) return -LX_ENOENT;
        ep_item_free(it);
        return 0;
    case EPOLL_CTL_MOD:
        if (!it) return -LX_ENOENT;
        if (it->events & EPOLLEXCLUSIVE) return -LX_EINVAL;
        it->events = events | EPOLLERR | EPOLLHUP;
        it->data = data;
        ep_arm(it);
        return 0;
    default: return -LX_EINVAL;
    }
}

/* ep_send_events: deliver up to maxevents queued items. The count, or
 * -LX_EFAULT if not even the first event could be written (the item stays
 * queued, as ep_deliver_event puts it back). */
static i64 ep_send_events(struct km_epoll *ep, struct task *t, u64 uevents, int maxevents)
{
    ep_refresh(ep, 0);
    struct ep_item **v;
    int n = ep_ready_list(ep, &v);
    bool be = km_guest_be(t);
    u32 sz = t->abi->epoll_event_size;
    i64 res = 0;
    for (int i = 0; i < n && res < maxevents; i++) {
        struct ep_item *it = v[i];
        it->queued = false;
        u32 rev = ep_item_poll(it, 0);
        if (!rev) continue;
        u8 b[16] = {0};
        lx_put32(be, b, rev);
        lx_put64(be, b + sz - 8, it->data);
        if (mm_write(t->mm, uevents + (u64)res * sz, b, sz) < 0) {
            it->queued = true;
            if (!res) res = -LX_EFAULT;
            break;
        }
        res++;
        if (it->events & EPOLLONESHOT)
            it->events &= EP_PRIVATE_BITS;
        else if (!(it->events & EPOLLET))
            ep_queue(it, 0); /* level-triggered: back at the tail */
    }
    free(v);
    return res;
}

/* do_epoll_wait + ep_poll. timeout_ns < 0: no timeout. */
static i64 ep_wait(struct km *k, struct task *t, const u64 a[6], i64 timeout_ns)
{
    int epfd = (int)a[0], maxevents = (int)a[2];
    u32 sz = t->abi->epoll_event_size;
    if (maxevents <= 0 || (u32)maxevents > INT_MAX_ / sz) return -LX_EINVAL;
    u64 len = (u64)maxevents * sz;
    if (a[1] > t->abi->task_size || len > t->abi->task_size - a[1]) return -LX_EFAULT;
    struct km_file *f = files_lookup(t, epfd);
    if (!f) return -LX_EBADF;
    if (f->kind != KM_FILE_EPOLL) return -LX_EINVAL;
    i64 r = ep_send_events(f->ep, t, a[1], maxevents);
    if (r != 0 || timeout_ns == 0) return r;
    u64 deadline;
    if (t->psys.active) { /* a re-run: the first call's deadline stands */
        deadline = t->psys.deadline_ns;
        if (deadline && deadline <= k->now_ns) return 0;
    } else {
        deadline = timeout_ns < 0 ? 0 : k->now_ns + (u64)timeout_ns;
    }
    return km_block(k, t, KM_WAIT_POLL, 0, deadline, 0);
}

/* epoll_pwait/epoll_pwait2: set_user_sigmask for the wait; the old mask
 * comes back at once unless the wait was interrupted (then after the
 * handler runs, restore_saved_sigmask_unless(-EINTR)). */
static i64 ep_pwait(struct km *k, struct task *t, const u64 a[6], i64 timeout_ns)
{
    u64 umask = a[4];
    if (umask && !t->psys.active) {
        u64 mask;
        if (a[5] != 8) return -LX_EINVAL;
        if (mm_read_u64(t->mm, umask, &mask) < 0) return -LX_EFAULT;
        if (!t->restore_sigmask) {
            t->saved_sigmask = t->blocked;
            t->restore_sigmask = true;
        }
        t->blocked = mask & ~SIG_UNBLOCKABLE;
    }
    i64 r = ep_wait(k, t, a, timeout_ns);
    if (umask && r != KM_BLOCKED && r != -LX_ERESTARTNOHAND && r != -LX_EINTR &&
        t->restore_sigmask) {
        t->blocked = t->saved_sigmask;
        t->restore_sigmask = false;
    }
    return r;
}

static i64 ep_ms(u64 v)
{
    i64 ms = (i32)v;
    return ms < 0 ? -1 : ms * 1000000;
}

static i64 sys_epoll_wait(struct km *k, struct task *t, const u64 a[6])
{
    return ep_wait(k, t, a, ep_ms(a[3]));
}

static i64 sys_epoll_pwait(struct km *k, struct task *t, const u64 a[6])
{
    return ep_pwait(k, t, a, ep_ms(a[3]));
}

/* The timeout is a struct __kernel_timespec (poll_select_set_timeout). */
static i64 sys_epoll_pwait2(struct km *k, struct task *t, const u64 a[6])
{
    i64 ns = -1;
    if (a[3] && !t->psys.active) {
        u8 ts[16];
        bool be = km_guest_be(t);
        if (mm_read(t->mm, a[3], ts, sizeof ts) < 0) return -LX_EFAULT;
        i64 sec = (i64)lx_get64(be, ts), nsec = (i64)lx_get64(be, ts + 8);
        if (sec < 0 || nsec < 0 || nsec >= 1000000000) return -LX_EINVAL;
        ns = sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX : sec * 1000000000 + nsec;
    }
    return ep_pwait(k, t, a, ns);
}

#define E(name, fmt)                                                                               \
    {                                                                                              \
        LX_SYS_##name, sys_##name, fmt                                                             \
    }
const struct km_sys_entry km_sys_epoll[] = {
    E(epoll_create, "d"),      E(epoll_create1, "x"),    E(epoll_ctl, "FdFp"),
    E(epoll_wait, "Fpdd"),     E(epoll_pwait, "Fpddpu"), E(epoll_pwait2, "Fpdppu"),
    {LX_SYS_NONE, NULL, NULL},
};
#undef E
