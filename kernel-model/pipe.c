/* Model-internal pipes, poll/ppoll and pidfd_open. Handlers that wait use
 * the restart protocol of km.h: check the state first, then
 * km_block(); the model re-runs the handler with the same arguments after
 * km_wake_all(). So a handler changes no state before it decides to block. */
#include "kernel-model/files.h"
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"

#include <stdlib.h>

/* Readers and writers wait on separate exclusive queues, as Linux's
 * pipe_read/pipe_write (wait_event_interruptible_exclusive): new data
 * wakes the first reader in line, new room the first writer; a reader
 * that leaves data behind passes the wake on. Closing an end wakes all. */
static u64 pipe_rd_key(const struct km_pipe *p)
{
    return (u64)p->id * 2;
}
static u64 pipe_wr_key(const struct km_pipe *p)
{
    return (u64)p->id * 2 + 1;
}

static void pipe_wake(struct km *k, struct km_pipe *p)
{
    km_wake_all(k, KM_WAIT_PIPE, pipe_rd_key(p));
    km_wake_all(k, KM_WAIT_PIPE, pipe_wr_key(p));
    km_wake_all(k, KM_WAIT_POLL, 0);
}

int pipe_create(struct km *k, u32 flags, struct km_file **rd, struct km_file **wr)
{
    struct km_pipe *p = calloc(1, sizeof(*p));
    if (!p) return -LX_ENOMEM;
    p->id = km_new_res_id(k);
    if (p->id == 0) p->id = km_new_res_id(k); /* key 0 means "any" to km_wake_all */
    p->readers = p->writers = 1;
    u32 st = flags & LX_O_NONBLOCK;
    *rd = file_new(KM_FILE_PIPE, LX_O_RDONLY | st, NULL);
    *wr = file_new(KM_FILE_PIPE, LX_O_WRONLY | st, NULL);
    (*rd)->pipe = (*wr)->pipe = p;
    (*wr)->pipe_writer = true;
    return 0;
}

/* The last reference of one end went away. */
void pipe_release(struct km *k, struct km_file *f)
{
    struct km_pipe *p = f->pipe;
    if (f->pipe_writer)
        p->writers--;
    else
        p->readers--;
    f->pipe = NULL;
    p->rd_ev = p->wr_ev = ++k->poll_ev;
    if (p->readers == 0 && p->writers == 0) {
        free(p);
        return;
    }
    pipe_wake(k, p); /* EOF for readers, EPIPE for writers */
}

i64 pipe_read(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n, bool may_block)
{
    struct km_pipe *p = f->pipe;
    if (f->pipe_writer) return -LX_EBADF;
    if (n == 0) return 0;
    if (p->len == 0) {
        if (p->writers == 0) return 0; /* EOF */
        if ((f->flags & LX_O_NONBLOCK) || !may_block) return -LX_EAGAIN;
        return km_block(k, t, KM_WAIT_PIPE, pipe_rd_key(p), 0, 0);
    }
    u32 take = n < p->len ? (u32)n : p->len;
    u32 first = KM_PIPE_SIZE - p->head;
    if (first > take) first = take;
    /* Copy out before consuming, so a bad buffer loses no data. */
    if (mm_write(t->mm, addr, p->buf + p->head, first) < 0) return -LX_EFAULT;
    if (take > first && mm_write(t->mm, addr + first, p->buf, take - first) < 0) return -LX_EFAULT;
    p->head = (p->head + take) % KM_PIPE_SIZE;
    p->len -= take;
    p->wr_ev = ++k->poll_ev;
    km_wake_one(k, KM_WAIT_PIPE, pipe_wr_key(p));
    if (p->len) km_wake_one(k, KM_WAIT_PIPE, pipe_rd_key(p));
    km_wake_all(k, KM_WAIT_POLL, 0);
    return take;
}

/* Writes up to PIPE_BUF are atomic: they wait for room for all of it. A
 * larger write takes what fits and returns a short count instead of
 * waiting for the rest (the restart protocol cannot resume half a write). */
i64 pipe_write(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n, bool may_block)
{
    struct km_pipe *p = f->pipe;
    if (!f->pipe_writer) return -LX_EBADF;
    if (p->readers == 0) {
        km_send_signal(k, t, t, LX_SIGPIPE, false, LX_SI_USER);
        return -LX_EPIPE;
    }
    if (n == 0) return 0;
    u32 room = KM_PIPE_SIZE - p->len;
    if (room == 0 || (n <= KM_PIPE_BUF && room < n)) {
        if ((f->flags & LX_O_NONBLOCK) || !may_block) return -LX_EAGAIN;
        return km_block(k, t, KM_WAIT_PIPE, pipe_wr_key(p), 0, 0);
    }
    u32 put = n < room ? (u32)n : room;
    u8 *tmp = malloc(put);
    if (!tmp) return -LX_ENOMEM;
    if (mm_read(t->mm, addr, tmp, put) < 0) {
        free(tmp);
        return -LX_EFAULT;
    }
    u32 tail = (p->head + p->len) % KM_PIPE_SIZE;
    u32 first = KM_PIPE_SIZE - tail;
    if (first > put) first = put;
    memcpy(p->buf + tail, tmp, first);
    memcpy(p->buf, tmp + first, put - first);
    p->len += put;
    p->rd_ev = ++k->poll_ev;
    free(tmp);
    km_wake_one(k, KM_WAIT_PIPE, pipe_rd_key(p));
    if (p->len < KM_PIPE_SIZE) km_wake_one(k, KM_WAIT_PIPE, pipe_wr_key(p));
    km_wake_all(k, KM_WAIT_POLL, 0);
    return put;
}

/* --- pipe, pipe2 ------------------------------------------------------ */

static i64 pipe_do_pipe2(struct km *k, struct task *t, u64 fds_addr, u32 guest_flags)
{
    u32 flags = t->abi->open_flags_in(guest_flags);
    if (flags & ~(u32)(LX_O_CLOEXEC | LX_O_NONBLOCK | LX_O_DIRECT)) return -LX_EINVAL;
    struct km_file *rd, *wr;
    int r = pipe_create(k, flags, &rd, &wr);
    if (r < 0) return r;
    bool cloexec = flags & LX_O_CLOEXEC;
    int fd0 = files_install(k, t, rd, cloexec, 0);
    if (fd0 < 0) {
        file_put(k, rd);
        file_put(k, wr);
        return fd0;
    }
    int fd1 = files_install(k, t, wr, cloexec, 0);
    if (fd1 < 0) {
        file_put(k, wr);
        files_close_fd(k, t, fd0);
        return fd1;
    }
    u8 out[8];
    lx_put32(km_guest_be(t), out, (u32)fd0);
    lx_put32(km_guest_be(t), out + 4, (u32)fd1);
    if (mm_write(t->mm, fds_addr, out, sizeof(out)) < 0) {
        files_close_fd(k, t, fd0);
        files_close_fd(k, t, fd1);
        return -LX_EFAULT;
    }
    return 0;
}

KM_FILE_SYS(pipe)
{
    return pipe_do_pipe2(k, t, a[0], 0);
}
KM_FILE_SYS(pipe2)
{
    return pipe_do_pipe2(k, t, a[0], (u32)a[1]);
}

/* --- poll, ppoll ------------------------------------------------------ */

/* struct pollfd { i32 fd; i16 events; i16 revents; }. Writes every
 * revents back and returns the number of ready entries. */
static i64 poll_scan(struct task *t, u64 addr, u64 nfds)
{
    bool be = km_guest_be(t);
    i64 ready = 0;
    u8 *buf = malloc(nfds * 8 + 1);
    if (!buf) return -LX_ENOMEM;
    if (nfds && mm_read(t->mm, addr, buf, nfds * 8) < 0) {
        free(buf);
        return -LX_EFAULT;
    }
    for (u64 i = 0; i < nfds; i++) {
        u8 *e = buf + i * 8;
        i32 fd = (i32)lx_get32(be, e);
        int events = lx_get16(be, e + 4);
        int rev = 0;
        if (fd >= 0) {
            struct km_file *f = files_lookup(t, fd);
            rev = f ? file_poll_revents(f, events) : LX_POLLNVAL;
        }
        lx_put16(be, e + 6, (u16)rev);
        if (rev) ready++;
    }
    if (nfds && mm_write(t->mm, addr, buf, nfds * 8) < 0) ready = -LX_EFAULT;
    free(buf);
    return ready;
}

/* timeout_ns < 0: infinite. Note: a wake re-runs the handler, which
 * computes the deadline again from the current time, so a wake that finds
 * nothing ready extends the timeout. */
static i64 poll_do(struct km *k, struct task *t, u64 addr, u64 nfds, i64 timeout_ns)
{
    if (nfds > (u64)files_limit(t)) return -LX_EINVAL;
    i64 r = poll_scan(t, addr, nfds);
    if (r != 0 || timeout_ns == 0) return r;
    u64 deadline = timeout_ns < 0 ? 0 : k->now_ns + (u64)timeout_ns;
    return km_block(k, t, KM_WAIT_POLL, 0, deadline, 0);
}

KM_FILE_SYS(poll)
{
    i64 ms = (i32)a[2];
    return poll_do(k, t, a[0], a[1], ms < 0 ? -1 : ms * 1000000);
}

/* The signal mask argument (a[3]) is not applied yet (signal issue). */
KM_FILE_SYS(ppoll)
{
    i64 ns = -1;
    if (a[2]) {
        u8 ts[16];
        bool be = km_guest_be(t);
        if (mm_read(t->mm, a[2], ts, sizeof(ts)) < 0) return -LX_EFAULT;
        i64 sec = (i64)lx_get64(be, ts), nsec = (i64)lx_get64(be, ts + 8);
        if (sec < 0 || nsec < 0 || nsec >= 1000000000) return -LX_EINVAL;
        ns = sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX : sec * 1000000000 + nsec;
    }
    return poll_do(k, t, a[0], a[1], ns);
}

/* --- pidfd_open ------------------------------------------------------- */

/* PIDFD_NONBLOCK is O_NONBLOCK and PIDFD_THREAD is O_EXCL, in the guest's
 * open flag encoding. */
KM_FILE_SYS(pidfd_open)
{
    int pid = (int)a[0];
    u32 flags = t->abi->open_flags_in((u32)a[1]);
    if (flags & ~(u32)(LX_O_NONBLOCK | LX_O_EXCL_PIDFD_THREAD)) return -LX_EINVAL;
    if (pid <= 0) return -LX_EINVAL;
    struct task *target = km_find_task_vnr(k, t, pid);
    if (!target || target->state == TASK_DEAD) return -LX_ESRCH;
    bool thread = flags & LX_O_EXCL_PIDFD_THREAD;
    if (!thread && (!target->tg || target->tg->leader != target)) return -LX_EINVAL;
    int fd = files_install_pidfd(k, t, target, thread);
    if (fd >= 0 && (flags & LX_O_NONBLOCK)) files_lookup(t, fd)->flags |= LX_O_NONBLOCK;
    return fd;
}

/* pidfd_getfd (kernel/pid.c): a duplicate of the target's fd, close-on-
 * exec, if the caller may ptrace-attach to it (real ids); the pidfd's
 * task gone or exiting is ESRCH, an fd it does not have EBADF. */
KM_FILE_SYS(pidfd_getfd)
{
    if ((u32)a[2]) return -LX_EINVAL;
    struct km_file *pf = files_lookup(t, (int)a[0]);
    if (!pf || pf->kind != KM_FILE_PIDFD) return -LX_EBADF; /* pidfd_pid */
    struct task *x = pf->task;
    if (!x || x->state >= TASK_ZOMBIE) return -LX_ESRCH;
    int r = cap_ptrace_may_access(t, x, false);
    if (r < 0) return r;
    struct km_file *f = x->files ? files_lookup(x, (int)a[1]) : NULL;
    if (!f) return x->files ? -LX_EBADF : -LX_ESRCH;
    f = file_get(f);
    int fd = files_install(k, t, f, true, 0);
    if (fd < 0) file_put(k, f);
    return fd;
}
