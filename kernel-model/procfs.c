/* The modelled procfs (see procfs.h): path lookup, generated status /
 * stat / comm contents in Linux's format (fs/proc/array.c, base.c), and
 * directory listings of a process, its task/ and fd/ directories. */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "kernel-model/procfs.h"
#include "kernel-model/procfs_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define PN_NOT_MINE 1

enum { DT_DIR_ = 4, DT_REG_ = 8, DT_LNK_ = 10 };

enum pn_kind {
    PN_SELF_LINK,        /* /proc/self, not followed */
    PN_THREAD_SELF_LINK, /* /proc/thread-self, not followed */
    PN_PID_DIR,          /* /proc/<pid> */
    PN_TID_DIR,          /* /proc/<pid>/task/<tid> */
    PN_TASK_DIR,         /* /proc/<pid>/task */
    PN_FD_DIR,
    PN_STATUS,
    PN_STAT,
    PN_COMM,
    PN_EXE,
    PN_FD, /* fd/<n> */
    PN_UID_MAP,
    PN_GID_MAP,
    PN_SETGROUPS,
    PN_NS_DIR,  /* ns/ */
    PN_NS_LINK, /* ns/<name>: fd is the entry's index (km_ns_link_name) */
    PN_VIEW,    /* a namespace view (ns_views.c): fd is the NSV_* number */
    PN_TIMENS,  /* timens_offsets (writable), fd NSV_TIMENS */
    PN_CWD,     /* cwd: magic link to the task's working directory */
    PN_ROOT,    /* root: magic link to its root, "/" (the model has no chroot) */
    PN_MAPS,    /* procfs_mm.c: maps, statm, cmdline, environ, limits */
    PN_STATM,
    PN_CMDLINE,
    PN_ENVIRON,
    PN_LIMITS,
    PN_SYSCTL, /* /proc/sys/kernel/<name>: fd is the index in sysctl_names */
};

/* The /proc/sys files the model answers (each its own limit), read-only:
 * pid_max is KM_PID_MAX (alloc_pid and clone3's set_tid check use it),
 * threads-max the --max-tasks limit (MAX_THREADS when there is none),
 * tainted 0 (the model has no modules, oopses or warnings to taint it;
 * LTP's library checks it around every test that asks for it),
 * core_pattern Linux's default "core" (the model marks a core-dumping
 * signal's wait status when RLIMIT_CORE allows, but writes no file). The
 * directories /proc/sys and /proc/sys/kernel are not listed. */
static const char *const sysctl_names[] = {"pid_max", "threads-max", "tainted", "core_pattern"};
#define SYSCTL_N    ((int)(sizeof sysctl_names / sizeof sysctl_names[0]))
#define MAX_THREADS 0x3fffffff /* FUTEX_TID_MASK, kernel/fork.c */

/* A looked-up procfs node. task is the thread the node describes: the task
 * with pid <pid> at process level, the thread <tid> under task/. */
struct pn {
    enum pn_kind kind;
    struct task *task;
    bool tid_level;
    int fd;
    char canon[96]; /* the path with self/thread-self replaced by numbers */
};

void *procfs_xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p) {
        fprintf(stderr, "clonemu: out of host memory (procfs)\n");
        abort();
    }
    return p;
}

/* A task has a /proc entry while it lives; a zombie leader keeps its entry
 * (and its place in task/) until it is reaped, as in Linux, while exited
 * non-leader threads are gone at once (release_task). */
static bool pn_visible(const struct task *x)
{
    if (!x || !x->tg || x->state == TASK_DEAD) return false;
    return x->state < TASK_ZOMBIE || x == x->tg->leader;
}

/* The next path component of *p (no leading '/'): -1 if too long. */
static int pn_comp(const char **p, char *c, size_t n)
{
    const char *s = *p;
    while (*s == '/')
        s++;
    size_t len = 0;
    while (s[len] && s[len] != '/')
        len++;
    if (len >= n) return -1;
    memcpy(c, s, len);
    c[len] = '\0';
    *p = s + len;
    while (**p == '/')
        (*p)++;
    return (int)len;
}

/* Linux's name_to_int: decimal, no sign, no leading zero. -1 otherwise. */
static int pn_number(const char *c)
{
    if (!c[0] || (c[0] == '0' && c[1]) || strlen(c) > 9) return -1;
    int v = 0;
    for (; *c; c++) {
        if (*c < '0' || *c > '9') return -1;
        v = v * 10 + (*c - '0');
    }
    return v;
}

static void pn_append(struct pn *n, const char *fmt, ...)
{
    size_t len = strlen(n->canon);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->canon + len, sizeof(n->canon) - len, fmt, ap);
    va_end(ap);
}

/* Look g up. 0 with *n filled, PN_NOT_MINE, or -LX_E*. follow: a final
 * self / thread-self is resolved to its directory. */
static int pn_lookup(struct km *k, struct task *t, const char *g, bool follow, struct pn *n)
{
    char c[64];
    memset(n, 0, sizeof(*n));
    if (strncmp(g, "/proc/", 6) != 0 || !t->tg) return PN_NOT_MINE;
    for (int i = 0; i < SYSCTL_N; i++)
        if (strncmp(g, "/proc/sys/kernel/", 17) == 0 && strcmp(g + 17, sysctl_names[i]) == 0) {
            n->kind = PN_SYSCTL;
            n->task = t; /* root's file, whoever asks (pn_owner_is_root) */
            n->fd = i;
            snprintf(n->canon, sizeof(n->canon), "%s", g);
            return 0;
        }
    const char *p = g + 6;
    if (pn_comp(&p, c, sizeof(c)) <= 0) return PN_NOT_MINE;
    bool self = false, link = false;
    struct task *x;
    if (strcmp(c, "self") == 0) {
        self = true;
        x = t->tg->leader;
        snprintf(n->canon, sizeof(n->canon), "/proc/%d", t->tg->tgid);
        link = !*p && !follow;
        n->kind = PN_SELF_LINK;
    } else if (strcmp(c, "thread-self") == 0) {
        self = true;
        x = t;
        n->tid_level = true;
        snprintf(n->canon, sizeof(n->canon), "/proc/%d/task/%d", t->tg->tgid, t->tid);
        link = !*p && !follow;
        n->kind = PN_THREAD_SELF_LINK;
    } else {
        int pid = pn_number(c);
        if (strcmp(c, "net") == 0 && strcmp(p, "dev") == 0) { /* /proc/net: self/net */
            pid = t->tg->tgid;
            self = true;
            p = g + 6;
        }
        if (pid < 0) return PN_NOT_MINE;
        x = km_find_task(k, pid);
        if (!pn_visible(x)) return -LX_ENOENT;
        snprintf(n->canon, sizeof(n->canon), "/proc/%d", pid);
    }
    if (!pn_visible(x)) return -LX_ENOENT;
    n->task = x;
    if (!*p) {
        if (!link) n->kind = n->tid_level ? PN_TID_DIR : PN_PID_DIR;
        return 0;
    }
    if (pn_comp(&p, c, sizeof(c)) < 0) return self ? PN_NOT_MINE : -LX_ENOENT;
    if (!n->tid_level && strcmp(c, "task") == 0) {
        pn_append(n, "/task");
        if (!*p) {
            n->kind = PN_TASK_DIR;
            return 0;
        }
        if (pn_comp(&p, c, sizeof(c)) < 0) return -LX_ENOENT;
        int tid = pn_number(c);
        struct task *th = tid < 0 ? NULL : km_find_task(k, tid);
        if (!pn_visible(th) || th->tg != x->tg) return -LX_ENOENT;
        n->task = th;
        n->tid_level = true;
        pn_append(n, "/%d", tid);
        if (!*p) {
            n->kind = PN_TID_DIR;
            return 0;
        }
        if (pn_comp(&p, c, sizeof(c)) < 0) return -LX_ENOENT;
    }
    pn_append(n, "/%s", c);
    if (strcmp(c, "status") == 0) {
        n->kind = PN_STATUS;
    } else if (strcmp(c, "stat") == 0) {
        n->kind = PN_STAT;
    } else if (strcmp(c, "comm") == 0) {
        n->kind = PN_COMM;
    } else if (strcmp(c, "exe") == 0) {
        n->kind = PN_EXE;
    } else if (strcmp(c, "maps") == 0) {
        n->kind = PN_MAPS;
    } else if (strcmp(c, "statm") == 0) {
        n->kind = PN_STATM;
    } else if (strcmp(c, "cmdline") == 0) {
        n->kind = PN_CMDLINE;
    } else if (strcmp(c, "environ") == 0) {
        n->kind = PN_ENVIRON;
    } else if (strcmp(c, "limits") == 0) {
        n->kind = PN_LIMITS;
    } else if (strcmp(c, "cwd") == 0 || strcmp(c, "root") == 0) {
        n->kind = c[0] == 'c' ? PN_CWD : PN_ROOT;
    } else if (strcmp(c, "uid_map") == 0 || strcmp(c, "gid_map") == 0) {
        n->kind = c[0] == 'u' ? PN_UID_MAP : PN_GID_MAP;
    } else if (strcmp(c, "setgroups") == 0) {
        n->kind = PN_SETGROUPS;
    } else if ((n->fd = nsview_index(c)) > 0) {
        n->kind = n->fd == NSV_TIMENS ? PN_TIMENS : PN_VIEW;
    } else if (strcmp(c, "net") == 0 && strcmp(p, "dev") == 0) {
        n->kind = PN_VIEW;
        n->fd = NSV_NETDEV;
        pn_append(n, "/dev");
        p += 3;
    } else if (strcmp(c, "ns") == 0) {
        n->kind = PN_NS_DIR;
        if (*p) {
            if (pn_comp(&p, c, sizeof(c)) < 0 || (n->fd = km_ns_link_index(c)) < 0)
                return -LX_ENOENT;
            n->kind = PN_NS_LINK;
            pn_append(n, "/%s", c);
        }
    } else if (strcmp(c, "fd") == 0) {
        n->kind = PN_FD_DIR;
        if (*p) {
            if (pn_comp(&p, c, sizeof(c)) < 0) return -LX_ENOENT;
            int fd = pn_number(c);
            if (fd < 0 || !n->task->files || !files_lookup(n->task, fd)) return -LX_ENOENT;
            n->kind = PN_FD;
            n->fd = fd;
            pn_append(n, "/%d", fd);
        }
    } else {
        /* Not modelled: /proc/self/... keeps its old host fallthrough. */
        return self ? PN_NOT_MINE : -LX_ENOENT;
    }
    if (*p) return n->kind == PN_FD_DIR || n->kind == PN_NS_DIR ? -LX_ENOENT : -LX_ENOTDIR;
    return 0;
}

bool procfs_owns(struct km *k, struct task *t, const char *g)
{
    struct pn n;
    return pn_lookup(k, t, g, false, &n) != PN_NOT_MINE;
}

static bool pn_is_dir(enum pn_kind kind)
{
    return kind == PN_PID_DIR || kind == PN_TID_DIR || kind == PN_TASK_DIR || kind == PN_FD_DIR ||
           kind == PN_NS_DIR;
}
static bool pn_is_link(enum pn_kind kind)
{
    return kind == PN_SELF_LINK || kind == PN_THREAD_SELF_LINK || kind == PN_EXE || kind == PN_FD ||
           kind == PN_NS_LINK || kind == PN_CWD || kind == PN_ROOT;
}

/* Permission bits as Linux's procfs shows them. */
static u32 pn_mode(enum pn_kind kind)
{
    if (pn_is_dir(kind))
        return LX_S_IFDIR | (kind == PN_FD_DIR ? 0500 : kind == PN_NS_DIR ? 0511 : 0555);
    if (kind == PN_SELF_LINK || kind == PN_THREAD_SELF_LINK) return LX_S_IFLNK | 0777;
    if (pn_is_link(kind)) return LX_S_IFLNK | (kind == PN_FD ? 0700 : 0777);
    bool rw = kind == PN_COMM || kind == PN_UID_MAP || kind == PN_GID_MAP || kind == PN_SETGROUPS ||
              kind == PN_TIMENS || kind == PN_SYSCTL;
    return LX_S_IFREG | (rw ? 0644 : kind == PN_ENVIRON ? 0400 : 0444);
}

/* The caller may look at x's fd links, exe, maps, environ, ...:
 * ptrace_may_access(x, PTRACE_MODE_READ_FSCREDS). */
static bool pn_may_inspect(const struct task *t, const struct task *x)
{
    return !t->cred || cap_ptrace_may_access(t, x, true) == 0;
}

/* Opening /proc/<pid>/fd (dr-x------, owned by the task's euid, by root
 * once it is not dumpable: task_dump_owner): generic_permission, or the
 * same thread group (proc_fd_permission). CAP_DAC_* are taken in the
 * initial namespace. */
static bool pn_may_open_fd_dir(const struct task *t, const struct task *x)
{
    if (!t->cred || (t->tg && t->tg == x->tg)) return true;
    u32 owner = x->cred && (!x->mm || x->mm->dumpable == 1) ? x->cred->euid : 0;
    if (t->cred->fsuid == owner) return true;
    return km_capable(t->cred, 1 /* CAP_DAC_OVERRIDE */) ||
           km_capable(t->cred, 2 /* CAP_DAC_READ_SEARCH */);
}

/* --- directory listings --------------------------------------------------- */

struct dl {
    struct km_dirent *e;
    int n, cap;
};

static void dl_add(struct dl *d, u64 ino, u8 type, const char *fmt, ...)
{
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 16;
        struct km_dirent *ne = procfs_xcalloc((size_t)cap, sizeof(*ne));
        if (d->n) memcpy(ne, d->e, (size_t)d->n * sizeof(*ne));
        free(d->e);
        d->e = ne;
        d->cap = cap;
    }
    struct km_dirent *e = &d->e[d->n];
    memset(e, 0, sizeof(*e));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->name, sizeof(e->name), fmt, ap);
    va_end(ap);
    e->ino = ino;
    e->type = type;
    e->off = ++d->n;
}

/* Deterministic inode numbers: (tid, node kind, fd). */
static u64 pn_ino(const struct task *x, enum pn_kind kind, int fd)
{
    return ((u64)(x ? x->tid : 0) << 24) | ((u64)kind << 16) | (u64)(fd & 0xffff);
}

static void gen_dir(const struct pn *n, struct dl *d)
{
    const struct task *x = n->task;
    dl_add(d, pn_ino(x, n->kind, 0), DT_DIR_, ".");
    dl_add(d, 1, DT_DIR_, "..");
    switch (n->kind) {
    case PN_PID_DIR:
    case PN_TID_DIR:
        /* tgid_base_stuff / tid_base_stuff order */
        if (n->kind == PN_PID_DIR) dl_add(d, pn_ino(x, PN_TASK_DIR, 0), DT_DIR_, "task");
        dl_add(d, pn_ino(x, PN_FD_DIR, 0), DT_DIR_, "fd");
        dl_add(d, pn_ino(x, PN_STATUS, 0), DT_REG_, "status");
        dl_add(d, pn_ino(x, PN_COMM, 0), DT_REG_, "comm");
        dl_add(d, pn_ino(x, PN_STAT, 0), DT_REG_, "stat");
        dl_add(d, pn_ino(x, PN_EXE, 0), DT_LNK_, "exe");
        dl_add(d, pn_ino(x, PN_MAPS, 0), DT_REG_, "maps");
        dl_add(d, pn_ino(x, PN_STATM, 0), DT_REG_, "statm");
        dl_add(d, pn_ino(x, PN_CMDLINE, 0), DT_REG_, "cmdline");
        dl_add(d, pn_ino(x, PN_ENVIRON, 0), DT_REG_, "environ");
        dl_add(d, pn_ino(x, PN_LIMITS, 0), DT_REG_, "limits");
        dl_add(d, pn_ino(x, PN_UID_MAP, 0), DT_REG_, "uid_map");
        dl_add(d, pn_ino(x, PN_GID_MAP, 0), DT_REG_, "gid_map");
        dl_add(d, pn_ino(x, PN_SETGROUPS, 0), DT_REG_, "setgroups");
        dl_add(d, pn_ino(x, PN_NS_DIR, 0), DT_DIR_, "ns");
        for (int v = NSV_MOUNTS; v <= NSV_TIMENS; v++)
            if (v != NSV_NETDEV) dl_add(d, pn_ino(x, PN_VIEW, v), DT_REG_, "%s", nsview_name(v));
        break;
    case PN_TASK_DIR:
        for (const struct task *th = x->tg->threads; th; th = th->tg_next)
            if (pn_visible(th)) dl_add(d, pn_ino(th, PN_TID_DIR, 0), DT_DIR_, "%d", th->tid);
        break;
    case PN_NS_DIR:
        for (int i = 0; i < KM_NS_LINKS; i++)
            dl_add(d, pn_ino(x, PN_NS_LINK, i), DT_LNK_, "%s", km_ns_link_name(i));
        break;
    case PN_FD_DIR:
        if (x->files)
            for (int fd = 0; fd < x->files->n; fd++)
                if (x->files->slot[fd].f) dl_add(d, pn_ino(x, PN_FD, fd), DT_LNK_, "%d", fd);
        break;
    default: break;
    }
}

/* --- path operations ---------------------------------------------------- */

/* The exe of x. A zombie leader has no mm (Linux then answers ENOENT for
 * /proc/self/exe); the model answers for its group from the caller's mm,
 * so /proc/self/exe keeps working in a group whose main thread exited. */
static const char *pn_exe(struct km *k, struct task *t, struct task *x)
{
    if (!x->mm && x->tg == t->tg) x = t;
    return x->mm ? fs_task_exe(k, x) : NULL;
}

/* Lookup for the path operations: NOT_MINE is a caller bug (procfs_owns). */
static int pn_lookup_owned(struct km *k, struct task *t, const char *g, bool follow, struct pn *n)
{
    int r = pn_lookup(k, t, g, follow, n);
    if (r == PN_NOT_MINE) {
        fprintf(stderr, "clonemu: procfs asked about a path it does not own: %s\n", g);
        abort();
    }
    return r;
}

static bool pn_is_root(const struct task *t)
{
    return !t->cred || t->cred->euid == 0;
}

/* Linux's open checks: EISDIR for a directory opened for writing, ENOTDIR
 * for O_DIRECTORY on a file, EACCES for writing a read-only file unless
 * root (who gets EINVAL from write instead). */
int procfs_open(struct km *k, struct task *t, const char *g, u32 flags, struct km_file **out)
{
    struct pn n;
    int r = pn_lookup_owned(k, t, g, true, &n);
    if (r < 0) return r;
    if ((flags & LX_O_CREAT) && (flags & LX_O_EXCL)) return -LX_EEXIST;
    bool wr = (flags & LX_O_ACCMODE) != LX_O_RDONLY;
    bool dir = pn_is_dir(n.kind);
    if ((n.kind == PN_EXE || n.kind == PN_NS_LINK || n.kind == PN_CWD || n.kind == PN_ROOT ||
         n.kind == PN_MAPS || n.kind == PN_ENVIRON) &&
        !pn_may_inspect(t, n.task))
        return -LX_EACCES;
    if (n.kind == PN_FD_DIR && !pn_may_open_fd_dir(t, n.task)) return -LX_EACCES;
    if (dir && wr) return -LX_EISDIR;
    if (n.kind == PN_ENVIRON && !n.task->mm) return -LX_ESRCH; /* __mem_open: no mm */
    if (!dir && (flags & LX_O_DIRECTORY)) return -LX_ENOTDIR;
    if (n.kind == PN_EXE || n.kind == PN_FD || n.kind == PN_CWD || n.kind == PN_ROOT)
        return -LX_ENOENT; /* not followable */
    /* user namespace files: proc_id_map_open / proc_setgroups_open */
    int ns_file = n.kind == PN_UID_MAP     ? 1
                  : n.kind == PN_GID_MAP   ? 2
                  : n.kind == PN_SETGROUPS ? 3
                                           : 0;
    if (wr && ns_file) {
        r = userns_may_open_map(t, n.task, ns_file == 3);
        if (r < 0) return r;
    } else if (wr && !pn_is_root(t) && !(n.kind == PN_COMM && t->tg == n.task->tg) &&
               !(n.kind == PN_TIMENS && pn_may_inspect(t, n.task))) {
        return -LX_EACCES;
    }
    struct km_ns *ns = NULL;
    enum km_ns_type ns_type = KM_NS_UTS;
    if (n.kind == PN_NS_LINK) { /* an nsfs file: setns(2) takes it */
        if (wr) return -LX_EACCES;
        if (!km_ns_link_target(n.task, n.fd, &ns, &ns_type)) return -LX_ENOENT;
    }
    struct km_file *f = file_new(dir ? KM_FILE_PROCDIR : KM_FILE_PROC, flags, n.canon);
    struct procfs_data *d = procfs_xcalloc(1, sizeof(*d));
    f->proc = d;
    d->tid = n.task->tid;
    d->is_tgid_dir = n.kind == PN_PID_DIR;
    if (n.kind == PN_NS_LINK) {
        d->is_ns = true;
        d->ns = ns ? km_ns_get(ns) : NULL;
        d->ns_type = ns_type;
    }
    if (!dir) { /* directories list at the first getdents64 (procfs_readdir) */
        struct sb b = {procfs_xcalloc(1, 1024), 0, 1024};
        if (n.kind == PN_STATUS) gen_status(k, n.task, &b);
        if (n.kind == PN_STAT) gen_stat(n.task, &b);
        if (n.kind == PN_COMM) gen_comm(n.task, &b);
        if (n.kind == PN_MAPS) gen_maps(k, n.task, &b);
        if (n.kind == PN_STATM) gen_statm(n.task, &b);
        if (n.kind == PN_CMDLINE) gen_cmdline(n.task, &b);
        if (n.kind == PN_ENVIRON) gen_environ(n.task, &b);
        if (n.kind == PN_LIMITS) gen_limits(n.task, &b);
        if (n.kind == PN_SYSCTL && n.fd == 0) sb_printf(&b, "%d\n", KM_PID_MAX);
        if (n.kind == PN_SYSCTL && n.fd == 2) sb_printf(&b, "0\n");
        if (n.kind == PN_SYSCTL && n.fd == 3) sb_printf(&b, "core\n");
        if (n.kind == PN_SYSCTL && n.fd == 1)
            sb_printf(&b, "%llu\n",
                      k->opt.max_tasks && k->opt.max_tasks < MAX_THREADS
                          ? (unsigned long long)k->opt.max_tasks
                          : (unsigned long long)MAX_THREADS);
        if (ns_file) {
            char m[LX_UID_GID_MAP_MAX * 34];
            userns_show_file(t, n.task, ns_file, m, sizeof m);
            sb_printf(&b, "%s", m);
        }
        if (n.kind == PN_VIEW || n.kind == PN_TIMENS) {
            char v[4096];
            nsview_show(n.task, n.fd, v, sizeof v);
            sb_printf(&b, "%s", v);
        }
        d->is_timens = n.kind == PN_TIMENS;
        d->ns_file = ns_file;
        d->is_comm = n.kind == PN_COMM;
        d->buf = b.p;
        d->len = b.len;
    }
    *out = f;
    return 0;
}

static void pn_fill_stat(struct km *k, const struct task *x, enum pn_kind kind, int fd,
                         bool follow_ns, struct lx_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = pn_mode(kind);
    st->ino = pn_ino(x, kind, fd);
    st->nlink = pn_is_dir(kind) ? 2 : 1;
    st->uid = x && x->cred ? x->cred->euid : 0;
    st->gid = x && x->cred ? x->cred->egid : 0;
    st->blksize = 1024;
    st->dev = 0x16; /* proc's anonymous device (0:22) */
    if (kind == PN_SELF_LINK || kind == PN_THREAD_SELF_LINK || kind == PN_SYSCTL)
        st->uid = st->gid = 0;
    if (kind == PN_SYSCTL) st->ino = pn_ino(NULL, kind, fd); /* the same for every caller */
    if (kind == PN_NS_LINK && follow_ns && x) {              /* the nsfs inode behind the link */
        struct km_ns *ns;
        enum km_ns_type type;
        if (km_ns_link_target(x, fd, &ns, &type)) st->ino = km_ns_inum(ns, type);
        st->mode = LX_S_IFREG | 0444;
        st->dev = 4; /* nsfs (0:4) */
        st->uid = st->gid = 0;
    }
    i64 sec = (i64)(k->now_ns / 1000000000u), nsec = (i64)(k->now_ns % 1000000000u);
    st->atime_sec = st->mtime_sec = st->ctime_sec = sec;
    st->atime_nsec = st->mtime_nsec = st->ctime_nsec = nsec;
}

int procfs_stat(struct km *k, struct task *t, const char *g, bool follow, struct lx_stat *st)
{
    struct pn n;
    int r = pn_lookup_owned(k, t, g, follow, &n);
    if (r < 0) return r;
    pn_fill_stat(k, n.task, n.kind, n.fd, follow, st);
    if (n.kind == PN_TASK_DIR || n.kind == PN_PID_DIR) st->nlink = 2 + (u64)n.task->tg->nr_threads;
    return 0;
}

int procfs_access(struct km *k, struct task *t, const char *g, int mode)
{
    struct pn n;
    int r = pn_lookup_owned(k, t, g, true, &n);
    if (r < 0) return r;
    u32 m = pn_mode(n.kind) & 0777;
    if (pn_is_root(t)) {
        if ((mode & 1) && !(m & 0111)) return -LX_EACCES;
        return 0;
    }
    bool owner = t->cred && n.task->cred && t->cred->euid == n.task->cred->euid &&
                 n.kind != PN_SYSCTL; /* root's (pn_is_root above) */
    u32 bits = owner ? (m >> 6) & 7 : m & 7;
    return ((u32)mode & ~bits) ? -LX_EACCES : 0;
}

/* The text of an fd link (proc_fd_link / d_path of the description). */
static i64 pn_fd_text(struct km_file *f, char *out, size_t n)
{
    switch (f->kind) {
    case KM_FILE_PIPE: return snprintf(out, n, "pipe:[%d]", f->pipe->id);
    case KM_FILE_PIDFD: return snprintf(out, n, "anon_inode:[pidfd]");
    case KM_FILE_EPOLL: return snprintf(out, n, "anon_inode:[eventpoll]");
    default: return snprintf(out, n, "%s", f->path ? f->path : "");
    }
}

/* The guest path behind cwd or root (the guest's view: its root is "/"),
 * NULL when the caller may not look or the task has no fs (a zombie). */
static const char *pn_dir_link(struct task *t, const struct pn *p)
{
    if (!pn_may_inspect(t, p->task) || !p->task->fs) return NULL;
    return p->kind == PN_ROOT ? "/" : p->task->fs->cwd;
}

i64 procfs_readlink(struct km *k, struct task *t, const char *g, char *out, size_t n)
{
    struct pn p;
    int r = pn_lookup_owned(k, t, g, false, &p);
    if (r < 0) return r;
    i64 len;
    switch (p.kind) {
    case PN_SELF_LINK: len = snprintf(out, n, "%d", t->tg->tgid); break;
    case PN_THREAD_SELF_LINK: len = snprintf(out, n, "%d/task/%d", t->tg->tgid, t->tid); break;
    case PN_EXE: {
        if (!pn_may_inspect(t, p.task)) return -LX_EACCES;
        const char *exe = pn_exe(k, t, p.task);
        if (!exe) return -LX_ENOENT;
        len = snprintf(out, n, "%s", exe);
        break;
    }
    case PN_FD:
        if (!pn_may_inspect(t, p.task)) return -LX_EACCES;
        len = pn_fd_text(files_lookup(p.task, p.fd), out, n);
        break;
    case PN_CWD:
    case PN_ROOT: {
        const char *target = pn_dir_link(t, &p);
        if (!target) return pn_may_inspect(t, p.task) ? -LX_ENOENT : -LX_EACCES;
        len = snprintf(out, n, "%s", target);
        break;
    }
    case PN_NS_LINK: /* "uts:[4026531838]" */
        if (!pn_may_inspect(t, p.task)) return -LX_EACCES;
        len = km_ns_link_text(p.task, p.fd, out, n);
        if (len < 0) return len;
        break;
    default: return -LX_EINVAL;
    }
    return len < (i64)n ? len : (i64)n - 1;
}

int procfs_follow(struct km *k, struct task *t, const char *g, char *out, size_t n)
{
    struct pn p;
    int r = pn_lookup(k, t, g, true, &p);
    if (r == PN_NOT_MINE ||
        (r == 0 && p.kind != PN_EXE && p.kind != PN_FD && p.kind != PN_CWD && p.kind != PN_ROOT))
        return 0;
    if (r < 0) return r;
    if (!pn_may_inspect(t, p.task)) return -LX_EACCES;
    const char *target = NULL;
    if (p.kind == PN_CWD || p.kind == PN_ROOT) {
        target = pn_dir_link(t, &p);
        if (!target) return -LX_ENOENT;
    } else if (p.kind == PN_EXE) {
        target = pn_exe(k, t, p.task);
        if (!target) return -LX_ENOENT;
    } else {
        struct km_file *f = files_lookup(p.task, p.fd);
        /* Reopening through an fd link works for descriptions with a path
         * (stdio's are /dev/stdin...); pipes and pidfds are not modelled:
         * open then fails with ENOENT. */
        bool by_path = f->path && f->kind != KM_FILE_PIPE && f->kind != KM_FILE_PIDFD &&
                       f->kind != KM_FILE_EPOLL;
        if (!by_path) return 0;
        target = f->path;
    }
    if (strlen(target) + 1 > n) return -LX_ENAMETOOLONG;
    memcpy(out, target, strlen(target) + 1);
    return 1;
}

/* --- description operations ---------------------------------------------- */

i64 procfs_read(struct task *t, struct km_file *f, u64 addr, u64 n, i64 off)
{
    struct procfs_data *d = f->proc;
    if (f->kind == KM_FILE_PROCDIR) return -LX_EISDIR;
    u64 pos = off < 0 ? d->pos : (u64)off;
    if (pos >= d->len || n == 0) return 0;
    u64 c = d->len - pos < n ? d->len - pos : n;
    if (mm_write(t->mm, addr, d->buf + pos, (size_t)c) < 0) return -LX_EFAULT;
    if (off < 0) d->pos += c;
    return (i64)c;
}

/* Only comm is writable (comm_write): the first 15 bytes become the name
 * of a thread of the writer's own group. Other files: EINVAL (no write
 * operation; reached only by root, others fail at open). */
i64 procfs_write(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n)
{
    struct procfs_data *d = f->proc;
    if (f->kind == KM_FILE_PROCDIR) return -LX_EISDIR;
    if (d->ns_file)
        return userns_write_file(k, t, km_find_task(k, d->tid), d->ns_file, d->pos, addr, n);
    if (d->is_timens) {
        char v[4096];
        if (n >= sizeof v) return -LX_EINVAL;
        if (mm_read(t->mm, addr, v, (size_t)n) < 0) return -LX_EFAULT;
        return timens_write_offsets(k, t, km_find_task(k, d->tid), d->pos, v, (size_t)n);
    }
    if (!d->is_comm) return -LX_EINVAL;
    char buf[16] = {0};
    size_t c = n > 15 ? 15 : (size_t)n;
    if (mm_read(t->mm, addr, buf, c) < 0) return -LX_EFAULT;
    struct task *x = km_find_task(k, d->tid);
    if (!pn_visible(x)) return -LX_ESRCH;
    if (x->tg != t->tg) return -LX_EINVAL;
    memcpy(x->comm, buf, sizeof(x->comm));
    return (i64)n;
}

/* seq_lseek: SEEK_SET and SEEK_CUR; directories rewind with SEEK_SET. */
i64 procfs_lseek(struct km_file *f, i64 off, int whence)
{
    struct procfs_data *d = f->proc;
    i64 base = whence == LX_SEEK_SET ? 0 : whence == LX_SEEK_CUR ? (i64)d->pos : -1;
    if (base < 0 || base + off < 0) return -LX_EINVAL;
    d->pos = (u64)(base + off);
    if (f->kind == KM_FILE_PROCDIR && d->pos == 0) { /* a rewind lists afresh */
        free(d->ent);
        d->ent = NULL;
        d->nent = 0;
    }
    return (i64)d->pos;
}

int procfs_fstat(struct km *k, struct km_file *f, struct lx_stat *st)
{
    if (f->proc->is_ns) { /* the namespace itself, even after its task is gone */
        pn_fill_stat(k, NULL, PN_STATUS, 0, false, st);
        st->ino = km_ns_inum(f->proc->ns, (enum km_ns_type)f->proc->ns_type);
        st->dev = 4;
        st->uid = st->gid = 0;
        return 0;
    }
    /* The node of the canonical path it was opened with (never spelled
     * with self, so any task of the model can look it up); if the task is
     * gone, a stat of the right type still answers (Linux keeps the inode). */
    struct pn n;
    struct task *x = km_find_task(k, f->proc->tid);
    if (x && x->tg && pn_lookup(k, x, f->path, true, &n) == 0) {
        pn_fill_stat(k, n.task, n.kind, n.fd, true, st);
        return 0;
    }
    pn_fill_stat(k, NULL, f->kind == KM_FILE_PROCDIR ? PN_PID_DIR : PN_STATUS, 0, false, st);
    return 0;
}

int procfs_readdir(struct km *k, struct km_file *f, struct km_dirent *d)
{
    struct procfs_data *p = f->proc;
    if (!p->ent) {
        /* Listed when first read (and again after a rewind), like Linux's
         * readdir: an fd opened on fd/ sees itself, task/ the threads of
         * that moment. A vanished task lists nothing (Linux: ENOENT). */
        struct pn n;
        struct task *x = km_find_task(k, p->tid);
        struct dl l = {0};
        if (!x || !x->tg || pn_lookup(k, x, f->path, true, &n) != 0) return 0;
        gen_dir(&n, &l);
        p->ent = l.e;
        p->nent = l.n;
    }
    if (p->pos >= (u64)p->nent) return 0;
    *d = p->ent[p->pos++];
    return 1;
}

void procfs_release(struct km_file *f)
{
    if (!f->proc) return;
    free(f->proc->buf);
    free(f->proc->ent);
    if (f->proc->ns) km_ns_put(f->proc->ns->km, f->proc->ns);
    free(f->proc);
    f->proc = NULL;
}

int procfs_tgid_dir(const struct km_file *f)
{
    return f->kind == KM_FILE_PROCDIR && f->proc && f->proc->is_tgid_dir ? f->proc->tid : 0;
}
