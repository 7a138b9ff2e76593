/* Private header of the file layer: open file descriptions (struct
 * km_file), fd tables (struct files), cwd/umask (struct fs_info), pipes and
 * the file syscall handlers split over files.c, fs.c, pipe.c, sys_file.c.
 * The public part (files_*, fs_*) is declared at the end of km.h. */
#ifndef CLONEMU_FILES_H
#define CLONEMU_FILES_H

#include "kernel-model/km.h"
#include "kernel-model/hostfs.h"
#include "kernel-model/sys.h"

#define KM_PIPE_SIZE  65536u /* Linux default pipe capacity */
#define KM_PIPE_BUF   4096u  /* writes up to this size are atomic */
#define KM_PATH_MAX   4096u
#define KM_FDS_GROWTH 16

enum km_file_kind {
    KM_FILE_HOST,    /* a hostfs handle (regular file, device, stdio 0/1/2) */
    KM_FILE_DIR,     /* a hostfs handle on a directory (getdents64, dirfd) */
    KM_FILE_PIPE,    /* one end of a model-internal pipe */
    KM_FILE_PIDFD,   /* a reference to a task (pidfd_open, CLONE_PIDFD) */
    KM_FILE_PROC,    /* generated procfs contents (procfs.h) */
    KM_FILE_PROCDIR, /* a procfs directory: generated entries (procfs.h) */
    KM_FILE_EPOLL,   /* an epoll instance (epoll.c) */
};

/* A model-internal pipe: a ring buffer shared by its two ends. */
struct km_pipe {
    int id;               /* nonzero; the KM_WAIT_PIPE key */
    int readers, writers; /* open read / write descriptions */
    u32 head, len;        /* ring: data starts at head, len bytes */
    u64 rd_ev, wr_ev;     /* k->poll_ev of the last event for readers / writers (epoll) */
    u8 buf[KM_PIPE_SIZE];
};

/* An open file description: shared by dup'd fds and across fork. */
struct km_file {
    int refs;
    enum km_file_kind kind;
    u32 flags;  /* LX_O_* access mode and status flags (F_GETFL) */
    char *path; /* normalised absolute guest path it was opened with, or NULL */
    int h;      /* hostfs handle (HOST, DIR) */
    /* PIPE */
    struct km_pipe *pipe;
    bool pipe_writer;
    /* PIDFD: a reference on the task (task_get) */
    struct task *task;
    bool thread_pidfd;
    /* PROC, PROCDIR: the generated data (procfs.h) */
    struct procfs_data *proc;
    /* EPOLL: the instance (epoll.c) */
    struct km_epoll *ep;
    /* the epoll items watching this description (epoll.c), not references */
    struct ep_item *ep_watch;
    /* DIR, PROCDIR: an entry getdents64 read but could not fit, returned next time */
    bool has_pending;
    struct km_dirent pending;
};

struct fd_slot {
    struct km_file *f;
    bool cloexec;
};

struct files {
    int refs, id;
    int n; /* slots allocated */
    struct fd_slot *slot;
};

struct fs_info {
    int refs, id;
    char *cwd; /* normalised absolute guest path */
    u32 umask;
};

/* --- open file descriptions (files.c) ---------------------------------- */
/* A new description with one reference. path is copied (may be NULL). */
struct km_file *file_new(enum km_file_kind kind, u32 flags, const char *path);
struct km_file *file_get(struct km_file *f);
/* Drop a reference; the last one closes the host handle, detaches the pipe
 * end (waking its waiters) or drops the pidfd's task reference. */
void file_put(struct km *k, struct km_file *f);
/* The description behind fd in t's table, or NULL (no reference taken). */
struct km_file *files_lookup(struct task *t, int fd);
/* Install f at the lowest free fd >= minfd. Consumes the caller's reference
 * on success; on failure (-LX_EMFILE) the caller still owns it. */
int files_install(struct km *k, struct task *t, struct km_file *f, bool cloexec, int minfd);
/* Install f exactly at fd, closing what was there (dup2). Consumes f, also
 * on failure (-LX_EBADF for fd outside [0, limit)). */
int files_install_at(struct km *k, struct task *t, int fd, struct km_file *f, bool cloexec);
/* RLIMIT_NOFILE of t's process (1024 if unknown). */
int files_limit(const struct task *t);
bool files_get_cloexec(struct task *t, int fd);
void files_set_cloexec(struct task *t, int fd, bool on);

/* --- paths (fs.c) ------------------------------------------------------ */
/* The absolute guest path of path relative to dirfd (or the cwd) as
 * Linux resolves it under chroot(root): symlinks (and /proc's magic
 * links) followed, ".." of the directory reached, ELOOP after 40 links;
 * the final component is followed only if follow (or a trailing slash).
 * -LX_ENOENT for "" or a missing directory on the way, -LX_ENOTDIR,
 * -LX_EBADF / -LX_ENOTDIR for a bad dirfd, -LX_ENAMETOOLONG if it does
 * not fit in n. */
int fs_walk(struct km *k, struct task *t, int dirfd, const char *path, bool follow, char *out,
            size_t n);
/* fs_walk with the final component followed. */
int fs_guest_path(struct km *k, struct task *t, int dirfd, const char *path, char *out, size_t n);
/* The host path of the normalised absolute guest path g: under
 * k->opt.sysroot if it exists there (qemu-user's -L: the guest's "/lib/..."
 * are the target's libraries), else under k->opt.root. "/" itself is
 * always the root. -LX_ENAMETOOLONG if it does not fit. */
int fs_resolve_abs(struct km *k, const char *g, char *out, size_t outsz);
/* Copy a guest string (a path) into buf: 0 or -LX_EFAULT/-LX_ENAMETOOLONG. */
int fs_read_path(struct task *t, u64 addr, char *buf, size_t n);
/* The executable of an mm for readlink("/proc/self/exe"). The loader and
 * exec call fs_set_exe for every mm they fill; fork (mm_fork) should copy it
 * with fs_set_exe(k, child_mm, fs_exe_path(k, parent_mm)). */
void fs_set_exe(struct km *k, const struct mm *mm, const char *guest_path);
const char *fs_exe_path(struct km *k, const struct mm *mm);
/* The executable of t: its mm's, else the nearest ancestor's (a forked mm
 * nobody registered). NULL if unknown. */
const char *fs_task_exe(struct km *k, struct task *t);

/* --- pipes (pipe.c) ---------------------------------------------------- */
int pipe_create(struct km *k, u32 flags, struct km_file **rd, struct km_file **wr);
/* may_block false: -LX_EAGAIN instead of KM_BLOCKED (readv's later iovecs). */
i64 pipe_read(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n, bool may_block);
i64 pipe_write(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n, bool may_block);
void pipe_release(struct km *k, struct km_file *f);
/* poll revents of one description for the requested events. */
int file_poll_revents(struct km_file *f, int events);

/* --- epoll (epoll.c) -------------------------------------------------- */
/* poll revents of an epoll description (EPOLLIN when an item is ready). */
int epoll_poll_revents(struct km_file *f, int events);
/* The last reference of f is going: an epoll instance frees its items, a
 * watched description leaves every instance that watches it. */
void epoll_file_release(struct km_file *f);

/* --- syscall handlers not in sys_file.c --------------------------------- */
#define KM_FILE_SYS(name) i64 sys_file_##name(struct km *k, struct task *t, const u64 a[6])
KM_FILE_SYS(getdents64);
KM_FILE_SYS(access);
KM_FILE_SYS(faccessat);
KM_FILE_SYS(faccessat2);
KM_FILE_SYS(readlink);
KM_FILE_SYS(readlinkat);
KM_FILE_SYS(mkdir);
KM_FILE_SYS(mkdirat);
KM_FILE_SYS(unlink);
KM_FILE_SYS(unlinkat);
KM_FILE_SYS(rmdir);
KM_FILE_SYS(rename);
KM_FILE_SYS(renameat);
KM_FILE_SYS(renameat2);
KM_FILE_SYS(chdir);
KM_FILE_SYS(fchdir);
KM_FILE_SYS(getcwd);
KM_FILE_SYS(umask);
KM_FILE_SYS(pipe);
KM_FILE_SYS(pipe2);
KM_FILE_SYS(poll);
KM_FILE_SYS(ppoll);
KM_FILE_SYS(pidfd_open);
KM_FILE_SYS(pidfd_getfd);
KM_FILE_SYS(memfd_create);
/* memfd.c: fcntl F_ADD_SEALS / F_GET_SEALS (-LX_EINVAL for a file that
 * takes no seals), and mmap's seal check: -LX_EPERM for a shared writable
 * mapping of a write-sealed file. */
i64 memfd_fcntl(struct km *k, struct km_file *f, int cmd, u32 arg);
int memfd_mmap_check(struct km *k, struct km_file *f, int prot, int flags);

#endif
