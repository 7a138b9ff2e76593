/* Open file descriptions and fd tables. A struct files is the fd table a
 * CLONE_FILES clone shares (files_get) and a fork copies (files_dup); the
 * copy shares the descriptions, so a dup'd or inherited fd shares its
 * offset and status flags with the original, as in Linux. */
#include "kernel-model/files.h"
#include "kernel-model/procfs.h"

#include <stdio.h>
#include <stdlib.h>

static void *files_xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p) {
        fprintf(stderr, "clonemu: out of host memory (files)\n");
        abort();
    }
    return p;
}

struct km_file *file_new(enum km_file_kind kind, u32 flags, const char *path)
{
    struct km_file *f = files_xcalloc(1, sizeof(*f));
    f->refs = 1;
    f->kind = kind;
    /* Close-on-exec belongs to the fd; open-time-only flags are not kept
     * (do_dentry_open clears them, so F_GETFL never shows them). */
    f->flags = flags & ~(u32)(LX_O_CLOEXEC | LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC);
    f->h = -1;
    if (path) {
        size_t n = strlen(path) + 1;
        f->path = files_xcalloc(1, n);
        memcpy(f->path, path, n);
    }
    return f;
}

struct km_file *file_get(struct km_file *f)
{
    f->refs++;
    return f;
}

void file_put(struct km *k, struct km_file *f)
{
    if (!f) return;
    if (f->refs <= 0) {
        fprintf(stderr, "clonemu: km_file refcount underflow\n");
        abort();
    }
    if (--f->refs > 0) return;
    if (f->ep || f->ep_watch) epoll_file_release(f);
    switch (f->kind) {
    case KM_FILE_HOST:
    case KM_FILE_DIR:
        /* Handles 0..2 are the emulator's own stdio: never close them. */
        if (f->h > 2) k->host->fs->close(k->host->fs->ctx, f->h);
        break;
    case KM_FILE_PIPE: pipe_release(k, f); break;
    case KM_FILE_PIDFD:
        if (f->task) task_put(k, f->task);
        break;
    case KM_FILE_PROC:
    case KM_FILE_PROCDIR: procfs_release(f); break;
    case KM_FILE_EPOLL: break; /* epoll_file_release above */
    }
    free(f->path);
    free(f);
}

/* --- fd tables ------------------------------------------------------- */

static struct files *files_alloc(struct km *k, int n)
{
    struct files *fl = files_xcalloc(1, sizeof(*fl));
    fl->refs = 1;
    fl->id = km_new_res_id(k);
    fl->n = n;
    fl->slot = files_xcalloc((size_t)n, sizeof(*fl->slot));
    return fl;
}

/* Three HOST descriptions on handles 0, 1, 2: the hostfs treats handle
 * numbers as host fds, so these are the emulator's stdin/stdout/stderr.
 * Note: the model runs on one host thread, so a read from a terminal stdin
 * blocks the whole emulator until input arrives; accepted for now. */
struct files *files_new_stdio(struct km *k)
{
    static const char *const names[3] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    struct files *fl = files_alloc(k, KM_FDS_GROWTH);
    for (int i = 0; i < 3; i++) {
        struct km_file *f = file_new(KM_FILE_HOST, LX_O_RDWR, names[i]);
        f->h = i;
        fl->slot[i].f = f;
    }
    return fl;
}

struct files *files_get(struct files *f)
{
    f->refs++;
    return f;
}

struct files *files_dup(struct km *k, struct files *f)
{
    struct files *c = files_alloc(k, f->n);
    for (int i = 0; i < f->n; i++) {
        if (!f->slot[i].f) continue;
        c->slot[i].f = file_get(f->slot[i].f);
        c->slot[i].cloexec = f->slot[i].cloexec;
    }
    return c;
}

void files_put(struct km *k, struct files *f)
{
    if (!f) return;
    if (f->refs <= 0) {
        fprintf(stderr, "clonemu: files#%d refcount underflow\n", f->id);
        abort();
    }
    if (--f->refs > 0) return;
    for (int i = 0; i < f->n; i++) {
        struct km_file *file = f->slot[i].f;
        f->slot[i].f = NULL;
        file_put(k, file);
    }
    free(f->slot);
    free(f);
}

void files_close_on_exec(struct km *k, struct files *f)
{
    for (int i = 0; i < f->n; i++) {
        if (!f->slot[i].f || !f->slot[i].cloexec) continue;
        struct km_file *file = f->slot[i].f;
        f->slot[i].f = NULL;
        f->slot[i].cloexec = false;
        file_put(k, file);
    }
}

int files_id(const struct files *f)
{
    return f->id;
}

int files_limit(const struct task *t)
{
    if (!t->tg) return 1024;
    u64 lim = t->tg->rlim_nofile;
    return lim > 1048576 ? 1048576 : (int)lim; /* Linux's nr_open ceiling */
}

struct km_file *files_lookup(struct task *t, int fd)
{
    struct files *fl = t->files;
    if (!fl || fd < 0 || fd >= fl->n) return NULL;
    return fl->slot[fd].f;
}

/* Make room for slot fd (fd < limit already checked). */
static void files_grow(struct files *fl, int fd)
{
    if (fd < fl->n) return;
    int n = fl->n;
    while (n <= fd)
        n = n < KM_FDS_GROWTH ? KM_FDS_GROWTH : n * 2;
    struct fd_slot *s = files_xcalloc((size_t)n, sizeof(*s));
    memcpy(s, fl->slot, (size_t)fl->n * sizeof(*s));
    free(fl->slot);
    fl->slot = s;
    fl->n = n;
}

int files_install(struct km *k, struct task *t, struct km_file *f, bool cloexec, int minfd)
{
    (void)k;
    struct files *fl = t->files;
    int lim = files_limit(t);
    for (int fd = minfd < 0 ? 0 : minfd; fd < lim; fd++) {
        if (fd < fl->n && fl->slot[fd].f) continue;
        files_grow(fl, fd);
        fl->slot[fd].f = f;
        fl->slot[fd].cloexec = cloexec;
        return fd;
    }
    return -LX_EMFILE;
}

int files_install_at(struct km *k, struct task *t, int fd, struct km_file *f, bool cloexec)
{
    struct files *fl = t->files;
    if (fd < 0 || fd >= files_limit(t)) {
        file_put(k, f);
        return -LX_EBADF;
    }
    files_grow(fl, fd);
    struct km_file *old = fl->slot[fd].f;
    fl->slot[fd].f = f;
    fl->slot[fd].cloexec = cloexec;
    file_put(k, old); /* after the swap: closing may wake others */
    return fd;
}

bool files_get_cloexec(struct task *t, int fd)
{
    return files_lookup(t, fd) ? t->files->slot[fd].cloexec : false;
}

void files_set_cloexec(struct task *t, int fd, bool on)
{
    if (files_lookup(t, fd)) t->files->slot[fd].cloexec = on;
}

int files_close_fd(struct km *k, struct task *t, int fd)
{
    struct km_file *f = files_lookup(t, fd);
    if (!f) return -LX_EBADF;
    t->files->slot[fd].f = NULL;
    t->files->slot[fd].cloexec = false;
    file_put(k, f);
    return 0;
}

/* --- pidfds ---------------------------------------------------------- */

/* Pidfds are always close-on-exec (pidfd_create uses O_CLOEXEC). */
int files_install_pidfd(struct km *k, struct task *t, struct task *target, bool thread_pidfd)
{
    struct km_file *f = file_new(KM_FILE_PIDFD, LX_O_RDWR, NULL);
    f->task = task_get(target);
    f->thread_pidfd = thread_pidfd;
    int fd = files_install(k, t, f, true, 0);
    if (fd < 0) file_put(k, f);
    return fd;
}

struct task *files_pidfd_task(struct km *k, struct task *t, int fd, int *err)
{
    (void)k;
    struct km_file *f = files_lookup(t, fd);
    if (!f) {
        if (err) *err = -LX_EBADF;
        return NULL;
    }
    if (f->kind != KM_FILE_PIDFD) { /* pidfd_pid: EBADF, checked natively */
        if (err) *err = -LX_EBADF;
        return NULL;
    }
    if (err) *err = 0;
    return f->task;
}

/* --- poll readiness -------------------------------------------------- */

/* A pidfd is readable once its process (or, for a thread pidfd, its
 * thread) has exited. Host files and stdio are always ready: the model
 * never calls the host's poll (a blocked stdin would freeze the single
 * host thread), so stdin simply reports POLLIN. */
int file_poll_revents(struct km_file *f, int events)
{
    int mask = 0;
    switch (f->kind) {
    case KM_FILE_HOST:
    case KM_FILE_DIR:
    case KM_FILE_PROC:
    case KM_FILE_PROCDIR: mask = LX_POLLIN | LX_POLLOUT; break;
    case KM_FILE_PIPE: {
        struct km_pipe *p = f->pipe;
        if (f->pipe_writer) { /* pipe_poll: POLLOUT and POLLERR are independent */
            if (p->readers == 0) mask |= LX_POLLERR;
            if (KM_PIPE_SIZE - p->len >= KM_PIPE_BUF) mask |= LX_POLLOUT;
        } else {
            if (p->len > 0) mask |= LX_POLLIN;
            if (p->writers == 0) mask |= LX_POLLHUP;
        }
        break;
    }
    case KM_FILE_PIDFD: {
        /* pidfd_poll: POLLIN once it exited, POLLHUP too once reaped */
        struct task *tk = f->task;
        bool done = f->thread_pidfd ? (tk->state == TASK_ZOMBIE || tk->state == TASK_DEAD)
                                    : (tk->tg && tk->tg->pidfd_poll_ready);
        if (done) mask |= LX_POLLIN;
        if (tk->state == TASK_DEAD) mask |= LX_POLLIN | LX_POLLHUP;
        break;
    }
    case KM_FILE_EPOLL: mask = epoll_poll_revents(f, events); break;
    }
    /* POLLERR, POLLHUP are reported whether asked for or not. */
    return mask & (events | LX_POLLERR | LX_POLLHUP);
}
