/* POSIX host file system for the kernel model (hostfs_posix.h).
 *
 * Every host call's errno is converted here, through one table, to a
 * negative Linux errno: the model never sees host errno values. Handles are
 * host fds opened O_CLOEXEC (clonemu never execs host programs, and guest
 * close-on-exec is modelled by the fd table, not by the host). A handle
 * that has been read as a directory keeps a DIR* (on a dup of the fd) in a
 * small table indexed by fd; d_off values are that stream's telldir()
 * cookies, and SEEK_SET on such a handle seeks the stream to one of them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "emu/hostfs_posix.h"

struct hostfs_handle {
    bool open; /* opened through this hostfs (closed by fini) */
    DIR *dir;  /* directory stream, once readdir was used */
};

/* A directory the paths are confined to (hostfs_posix_add_root). */
struct hostfs_root {
    char *prefix; /* the directory's host path, no trailing slash ("" for /) */
    size_t len;
    int fd; /* O_PATH of it */
};

#define HOSTFS_MAX_ROOTS 4

struct hostfs_posix {
    struct hostfs_handle *h; /* indexed by host fd */
    int nh;
    struct hostfs_root roots[HOSTFS_MAX_ROOTS];
    int nroots; /* 0: not confined, paths are used as given */
};

/* --- errno ------------------------------------------------------------ */

static const struct {
    int host, lx;
} hostfs_errnos[] = {
    {EPERM, LX_EPERM},
    {ENOENT, LX_ENOENT},
    {ESRCH, LX_ESRCH},
    {EINTR, LX_EINTR},
    {EIO, LX_EIO},
    {ENXIO, LX_ENXIO},
    {E2BIG, LX_E2BIG},
    {ENOEXEC, LX_ENOEXEC},
    {EBADF, LX_EBADF},
    {ECHILD, LX_ECHILD},
    {EAGAIN, LX_EAGAIN},
    {ENOMEM, LX_ENOMEM},
    {EACCES, LX_EACCES},
    {EFAULT, LX_EFAULT},
    {ENOTBLK, LX_ENOTBLK},
    {EBUSY, LX_EBUSY},
    {EEXIST, LX_EEXIST},
    {EXDEV, LX_EXDEV},
    {ENODEV, LX_ENODEV},
    {ENOTDIR, LX_ENOTDIR},
    {EISDIR, LX_EISDIR},
    {EINVAL, LX_EINVAL},
    {ENFILE, LX_ENFILE},
    {EMFILE, LX_EMFILE},
    {ENOTTY, LX_ENOTTY},
    {ETXTBSY, LX_ETXTBSY},
    {EFBIG, LX_EFBIG},
    {ENOSPC, LX_ENOSPC},
    {ESPIPE, LX_ESPIPE},
    {EROFS, LX_EROFS},
    {EMLINK, LX_EMLINK},
    {EPIPE, LX_EPIPE},
    {EDOM, LX_EDOM},
    {ERANGE, LX_ERANGE},
    {EDEADLK, LX_EDEADLK},
    {ENAMETOOLONG, LX_ENAMETOOLONG},
    {ENOLCK, LX_ENOLCK},
    {ENOSYS, LX_ENOSYS},
    {ENOTEMPTY, LX_ENOTEMPTY},
    {ELOOP, LX_ELOOP},
    {ENODATA, LX_ENODATA},
    {EOVERFLOW, LX_EOVERFLOW},
    {ENOTSOCK, LX_ENOTSOCK},
    {EOPNOTSUPP, LX_EOPNOTSUPP},
    {ETIMEDOUT, LX_ETIMEDOUT},
};

int hostfs_errno_to_lx(int host_errno)
{
    if (host_errno == EWOULDBLOCK) return -LX_EAGAIN; /* same value on Linux, maybe not elsewhere */
    for (size_t i = 0; i < sizeof hostfs_errnos / sizeof hostfs_errnos[0]; i++)
        if (hostfs_errnos[i].host == host_errno) return -hostfs_errnos[i].lx;
    return -LX_EIO;
}

/* -errno of the last failed host call. */
static int hostfs_err(void)
{
    return hostfs_errno_to_lx(errno);
}

/* --- handle table ------------------------------------------------------ */

static struct hostfs_handle *handle_at(struct hostfs_posix *c, int fd, bool grow)
{
    if (fd < 0) return NULL;
    if (fd >= c->nh) {
        if (!grow) return NULL;
        int n = c->nh ? c->nh : 16;
        while (n <= fd)
            n *= 2;
        struct hostfs_handle *nt = realloc(c->h, (size_t)n * sizeof *nt);
        if (!nt) return NULL;
        memset(nt + c->nh, 0, (size_t)(n - c->nh) * sizeof *nt);
        c->h = nt;
        c->nh = n;
    }
    return &c->h[fd];
}

/* A host fd the guest now holds open: its handle, or -ENOMEM (fd closed). */
static int handle_open(struct hostfs_posix *c, int fd)
{
    struct hostfs_handle *h = handle_at(c, fd, true);
    if (!h) {
        close(fd);
        return -LX_ENOMEM;
    }
    h->open = true;
    h->dir = NULL;
    return fd;
}

static void handle_drop_dir(struct hostfs_posix *c, int fd)
{
    struct hostfs_handle *h = handle_at(c, fd, false);
    if (h && h->dir) {
        closedir(h->dir); /* closes the dup, not fd */
        h->dir = NULL;
    }
}

/* --- open flags -------------------------------------------------------- */

static const struct {
    u32 lx;
    int host;
} hostfs_oflags[] = {
    {LX_O_CREAT, O_CREAT},     {LX_O_EXCL, O_EXCL},           {LX_O_NOCTTY, O_NOCTTY},
    {LX_O_TRUNC, O_TRUNC},     {LX_O_APPEND, O_APPEND},       {LX_O_NONBLOCK, O_NONBLOCK},
    {LX_O_DSYNC, O_DSYNC},     {LX_O_DIRECTORY, O_DIRECTORY}, {LX_O_NOFOLLOW, O_NOFOLLOW},
    {LX_O_NOATIME, O_NOATIME}, {LX_O_PATH, O_PATH},           {LX_O_LARGEFILE, O_LARGEFILE},
};

/* LX_O_* -> host O_*. O_DIRECT is dropped (it only changes caching, and
 * its alignment rules would fail guest reads for no modelled reason);
 * O_CLOEXEC is always set (see the top comment). */
static int hostfs_oflags_in(u32 lx)
{
    int host = O_CLOEXEC;
    switch (lx & LX_O_ACCMODE) {
    case LX_O_RDONLY: host |= O_RDONLY; break;
    case LX_O_WRONLY: host |= O_WRONLY; break;
    default: host |= O_RDWR; break;
    }
    for (size_t i = 0; i < sizeof hostfs_oflags / sizeof hostfs_oflags[0]; i++)
        if (lx & hostfs_oflags[i].lx) host |= hostfs_oflags[i].host;
    return host;
}

/* --- confinement -------------------------------------------------------- */

/* Once a root is added, every path must name something under one: the
 * longest root prefix the path starts with (at a component boundary) is
 * cut off and the rest is walked one component at a time from the root's
 * fd with O_PATH|O_NOFOLLOW|O_DIRECTORY, so no symlink and no ".." of the
 * host is ever followed: the model's walk (kernel-model/fs.c) has already
 * resolved them in the guest's view, and one that appears since (another
 * host process racing us) gives ELOOP/ENOTDIR instead of an escape. */
struct hostfs_at {
    int dfd;          /* the parent directory (a root's fd is not ours to close) */
    bool own;         /* dfd is to be closed by hostfs_at_done */
    char last[256];   /* the final component; "." for the root itself */
    const char *path; /* unconfined: the path itself, dfd AT_FDCWD */
};

static void hostfs_at_done(struct hostfs_at *a)
{
    if (a->own) close(a->dfd);
    a->own = false;
}

static const struct hostfs_root *hostfs_root_of(const struct hostfs_posix *c, const char *path)
{
    const struct hostfs_root *best = NULL;
    for (int i = 0; i < c->nroots; i++) {
        const struct hostfs_root *r = &c->roots[i];
        if (strncmp(path, r->prefix, r->len) != 0) continue;
        if (path[r->len] != '/' && path[r->len] != '\0') continue;
        if (!best || r->len > best->len) best = r;
    }
    return best;
}

/* Split path into (parent directory fd, last component). 0 or -LX_E*:
 * EACCES for a path outside every root (a model bug: the model only makes
 * root-prefixed paths), EINVAL for a ".." component, ENOTDIR/ELOOP for a
 * component that is not a directory (a symlink included). */
static int hostfs_at(struct hostfs_posix *c, const char *path, struct hostfs_at *a)
{
    memset(a, 0, sizeof *a);
    a->dfd = AT_FDCWD;
    if (c->nroots == 0) {
        a->path = path;
        return 0;
    }
    const struct hostfs_root *root = hostfs_root_of(c, path);
    if (!root) return -LX_EACCES;
    a->dfd = root->fd;
    const char *p = path + root->len;
    strcpy(a->last, ".");
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p) break;
        size_t n = strcspn(p, "/");
        if (n >= sizeof a->last) {
            hostfs_at_done(a);
            return -LX_ENAMETOOLONG;
        }
        char comp[256];
        memcpy(comp, p, n);
        comp[n] = '\0';
        p += n;
        if (!strcmp(comp, "..")) {
            hostfs_at_done(a);
            return -LX_EINVAL;
        }
        if (!strcmp(comp, ".")) continue;
        const char *q = p;
        while (*q == '/')
            q++;
        if (!*q) { /* the final component */
            memcpy(a->last, comp, n + 1);
            break;
        }
        int nfd = openat(a->dfd, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
        int e = nfd < 0 ? hostfs_err() : 0;
        hostfs_at_done(a);
        if (nfd < 0) return e;
        a->dfd = nfd;
        a->own = true;
    }
    a->path = a->last;
    return 0;
}

int hostfs_posix_add_root(struct km_hostfs *fs, const char *dir)
{
    struct hostfs_posix *c = fs->ctx;
    if (c->nroots == HOSTFS_MAX_ROOTS) return -LX_ENOMEM;
    size_t len = strlen(dir);
    while (len > 0 && dir[len - 1] == '/')
        len--;
    int fd = open(len ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return hostfs_err();
    char *prefix = malloc(len + 1);
    if (!prefix) {
        close(fd);
        return -LX_ENOMEM;
    }
    memcpy(prefix, dir, len);
    prefix[len] = '\0';
    c->roots[c->nroots++] = (struct hostfs_root){.prefix = prefix, .len = len, .fd = fd};
    return 0;
}

/* The confined form of the path ops: AT and its flags for the final
 * component (never followed once confined). */
static int hostfs_nofollow(const struct hostfs_at *a, bool follow)
{
    return (a->dfd == AT_FDCWD && follow) ? 0 : AT_SYMLINK_NOFOLLOW;
}

/* --- ops --------------------------------------------------------------- */

static int hfs_open(void *ctx, const char *path, u32 lx_flags, u32 mode)
{
    struct hostfs_posix *c = ctx;
    struct hostfs_at a;
    int r = hostfs_at(c, path, &a);
    if (r < 0) return r;
    int fl = hostfs_oflags_in(lx_flags) | (a.dfd == AT_FDCWD ? 0 : O_NOFOLLOW);
    int fd = openat(a.dfd, a.path, fl, (mode_t)(mode & 07777));
    r = fd < 0 ? hostfs_err() : 0;
    hostfs_at_done(&a);
    if (fd < 0) return r;
    return handle_open(c, fd);
}

static int hfs_close(void *ctx, int fd)
{
    struct hostfs_posix *c = ctx;
    handle_drop_dir(c, fd);
    struct hostfs_handle *h = handle_at(c, fd, false);
    if (h) h->open = false;
    /* The host's stdio stays open: were fd 2 reused for a guest file, the
     * trace (on stderr) would write into it. */
    if (fd >= 0 && fd <= 2) return 0;
    return close(fd) < 0 ? hostfs_err() : 0;
}

static i64 hfs_read(void *ctx, int fd, void *buf, u64 n)
{
    (void)ctx;
    ssize_t r = read(fd, buf, (size_t)n);
    return r < 0 ? hostfs_err() : (i64)r;
}

static i64 hfs_write(void *ctx, int fd, const void *buf, u64 n)
{
    (void)ctx;
    ssize_t r = write(fd, buf, (size_t)n);
    return r < 0 ? hostfs_err() : (i64)r;
}

static i64 hfs_pread(void *ctx, int fd, void *buf, u64 n, i64 off)
{
    (void)ctx;
    ssize_t r = pread(fd, buf, (size_t)n, (off_t)off);
    return r < 0 ? hostfs_err() : (i64)r;
}

static i64 hfs_pwrite(void *ctx, int fd, const void *buf, u64 n, i64 off)
{
    (void)ctx;
    ssize_t r = pwrite(fd, buf, (size_t)n, (off_t)off);
    return r < 0 ? hostfs_err() : (i64)r;
}

static i64 hfs_lseek(void *ctx, int fd, i64 off, int whence)
{
    struct hostfs_posix *c = ctx;
    struct hostfs_handle *h = handle_at(c, fd, false);
    if (h && h->dir) {
        /* A directory position is a telldir cookie (see top comment). */
        if (whence != LX_SEEK_SET) return -LX_EINVAL;
        if (off == 0)
            rewinddir(h->dir);
        else
            seekdir(h->dir, (long)off);
        return off;
    }
    int hw;
    switch (whence) {
    case LX_SEEK_SET: hw = SEEK_SET; break;
    case LX_SEEK_CUR: hw = SEEK_CUR; break;
    case LX_SEEK_END: hw = SEEK_END; break;
    case 3: hw = SEEK_DATA; break;
    case 4: hw = SEEK_HOLE; break;
    default: return -LX_EINVAL;
    }
    off_t r = lseek(fd, (off_t)off, hw);
    return r < 0 ? hostfs_err() : (i64)r;
}

static void hostfs_stat_fill(const struct stat *s, struct lx_stat *st)
{
    memset(st, 0, sizeof *st);
    st->dev = (u64)s->st_dev;
    st->ino = (u64)s->st_ino;
    st->nlink = (u64)s->st_nlink;
    st->rdev = (u64)s->st_rdev;
    st->size = (u64)s->st_size;
    st->blocks = (u64)s->st_blocks;
    st->mode = (u32)s->st_mode;
    st->uid = (u32)s->st_uid;
    st->gid = (u32)s->st_gid;
    st->blksize = (u32)s->st_blksize;
    st->atime_sec = (i64)s->st_atim.tv_sec;
    st->atime_nsec = (i64)s->st_atim.tv_nsec;
    st->mtime_sec = (i64)s->st_mtim.tv_sec;
    st->mtime_nsec = (i64)s->st_mtim.tv_nsec;
    st->ctime_sec = (i64)s->st_ctim.tv_sec;
    st->ctime_nsec = (i64)s->st_ctim.tv_nsec;
}

static int hfs_fstat(void *ctx, int fd, struct lx_stat *st)
{
    (void)ctx;
    struct stat s;
    if (fstat(fd, &s) < 0) return hostfs_err();
    hostfs_stat_fill(&s, st);
    return 0;
}

static int hfs_stat(void *ctx, const char *path, struct lx_stat *st, bool follow)
{
    struct hostfs_at a;
    int r = hostfs_at(ctx, path, &a);
    if (r < 0) return r;
    struct stat s;
    r = fstatat(a.dfd, a.path, &s, hostfs_nofollow(&a, follow)) < 0 ? hostfs_err() : 0;
    hostfs_at_done(&a);
    if (r == 0) hostfs_stat_fill(&s, st);
    return r;
}

static int hfs_readdir(void *ctx, int fd, struct km_dirent *d)
{
    struct hostfs_posix *c = ctx;
    struct hostfs_handle *h = handle_at(c, fd, true);
    if (!h) return -LX_ENOMEM;
    if (!h->dir) {
        /* A dup shares the file offset, so the stream starts where the
         * handle is; closedir later closes only the dup. */
        int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (dfd < 0) return hostfs_err();
        h->dir = fdopendir(dfd);
        if (!h->dir) {
            int e = hostfs_err();
            close(dfd);
            return e;
        }
    }
    errno = 0;
    struct dirent *de = readdir(h->dir);
    if (!de) return errno ? hostfs_err() : 0;
    memset(d, 0, sizeof *d);
    d->ino = (u64)de->d_ino;
    d->type = de->d_type; /* DT_* numbers are the same on every Linux arch */
    d->off = (i64)telldir(h->dir);
    size_t len = strnlen(de->d_name, sizeof d->name - 1);
    memcpy(d->name, de->d_name, len);
    return 1;
}

static int hfs_mkdir(void *ctx, const char *path, u32 mode)
{
    struct hostfs_at a;
    int r = hostfs_at(ctx, path, &a);
    if (r < 0) return r;
    r = mkdirat(a.dfd, a.path, (mode_t)(mode & 07777)) < 0 ? hostfs_err() : 0;
    hostfs_at_done(&a);
    return r;
}

static int hfs_unlink_at(void *ctx, const char *path, int flags)
{
    struct hostfs_at a;
    int r = hostfs_at(ctx, path, &a);
    if (r < 0) return r;
    r = unlinkat(a.dfd, a.path, flags) < 0 ? hostfs_err() : 0;
    hostfs_at_done(&a);
    return r;
}

static int hfs_unlink(void *ctx, const char *path)
{
    return hfs_unlink_at(ctx, path, 0);
}

static int hfs_rmdir(void *ctx, const char *path)
{
    return hfs_unlink_at(ctx, path, AT_REMOVEDIR);
}

static int hfs_rename(void *ctx, const char *from, const char *to)
{
    struct hostfs_at a, b;
    int r = hostfs_at(ctx, from, &a);
    if (r < 0) return r;
    r = hostfs_at(ctx, to, &b);
    if (r == 0) {
        r = renameat(a.dfd, a.path, b.dfd, b.path) < 0 ? hostfs_err() : 0;
        hostfs_at_done(&b);
    }
    hostfs_at_done(&a);
    return r;
}

static i64 hfs_readlink(void *ctx, const char *path, char *buf, u64 n)
{
    struct hostfs_at a;
    int e = hostfs_at(ctx, path, &a);
    if (e < 0) return e;
    ssize_t r = readlinkat(a.dfd, a.path, buf, (size_t)n);
    e = r < 0 ? hostfs_err() : 0;
    hostfs_at_done(&a);
    return r < 0 ? e : (i64)r;
}

static int hfs_access(void *ctx, const char *path, int mode)
{
    /* F_OK/R_OK/W_OK/X_OK are 0/4/2/1 in Linux and here. */
    if (mode & ~7) return -LX_EINVAL;
    struct hostfs_at a;
    int r = hostfs_at(ctx, path, &a);
    if (r < 0) return r;
    r = faccessat(a.dfd, a.path, mode, hostfs_nofollow(&a, true)) < 0 ? hostfs_err() : 0;
    hostfs_at_done(&a);
    return r;
}

static int hfs_chmod(void *ctx, const char *path, int fd, u32 mode, bool follow)
{
    if (!path) return fchmod(fd, (mode_t)(mode & 07777)) < 0 ? hostfs_err() : 0;
    struct hostfs_at a;
    int r = hostfs_at(ctx, path, &a);
    if (r < 0) return r;
    r = fchmodat(a.dfd, a.path, (mode_t)(mode & 07777), hostfs_nofollow(&a, follow)) < 0
            ? hostfs_err()
            : 0;
    hostfs_at_done(&a);
    return r;
}

static int hfs_chown(void *ctx, const char *path, int fd, u32 uid, u32 gid, bool follow)
{
    if (!path) return fchown(fd, (uid_t)uid, (gid_t)gid) < 0 ? hostfs_err() : 0;
    struct hostfs_at a;
    int r = hostfs_at(ctx, path, &a);
    if (r < 0) return r;
    r = fchownat(a.dfd, a.path, (uid_t)uid, (gid_t)gid, hostfs_nofollow(&a, follow)) < 0
            ? hostfs_err()
            : 0;
    hostfs_at_done(&a);
    return r;
}

static int hfs_ftruncate(void *ctx, int fd, i64 len)
{
    (void)ctx;
    return ftruncate(fd, (off_t)len) < 0 ? hostfs_err() : 0;
}

/* The kernel's struct termios (x86-64 and aarch64): c_iflag, c_oflag,
 * c_cflag, c_lflag as u32, c_line, c_cc[19] = 36 bytes, little endian.
 * glibc's struct termios is larger (32 c_cc, speeds) but its first 19 c_cc
 * slots use the kernel's indices, so packing the fields gives the bytes
 * TCGETS would. (s390x, big endian, will need its own packing.) */
static int hfs_tcgets(void *ctx, int fd, u8 out[36])
{
    (void)ctx;
    struct termios tio;
    if (tcgetattr(fd, &tio) < 0) return hostfs_err();
    lx_put32(false, out + 0, (u32)tio.c_iflag);
    lx_put32(false, out + 4, (u32)tio.c_oflag);
    lx_put32(false, out + 8, (u32)tio.c_cflag);
    lx_put32(false, out + 12, (u32)tio.c_lflag);
    out[16] = (u8)tio.c_line;
    for (int i = 0; i < 19; i++)
        out[17 + i] = i < NCCS ? (u8)tio.c_cc[i] : 0;
    return 0;
}

static int hfs_gethostname(void *ctx, char *buf, size_t n)
{
    (void)ctx;
    if (n == 0) return -LX_EINVAL;
    if (gethostname(buf, n) < 0) return hostfs_err();
    buf[n - 1] = '\0';
    return 0;
}

static int hfs_memfd(void *ctx, const char *name, u32 mfd_flags)
{
    struct hostfs_posix *c = ctx;
    int fd = memfd_create(name, MFD_CLOEXEC | mfd_flags);
    if (fd < 0) return hostfs_err();
    return handle_open(c, fd);
}

static int hfs_seals(void *ctx, int fd, bool add, u32 seals)
{
    (void)ctx;
    int r = add ? fcntl(fd, F_ADD_SEALS, (int)seals) : fcntl(fd, F_GET_SEALS);
    return r < 0 ? hostfs_err() : r;
}

int hostfs_posix_init(struct km_hostfs *fs)
{
    struct hostfs_posix *c = calloc(1, sizeof *c);
    if (!c) return -LX_ENOMEM;
    *fs = (struct km_hostfs){
        .ctx = c,
        .open = hfs_open,
        .close = hfs_close,
        .read = hfs_read,
        .write = hfs_write,
        .pread = hfs_pread,
        .pwrite = hfs_pwrite,
        .lseek = hfs_lseek,
        .fstat = hfs_fstat,
        .stat = hfs_stat,
        .readdir = hfs_readdir,
        .mkdir = hfs_mkdir,
        .unlink = hfs_unlink,
        .rmdir = hfs_rmdir,
        .rename = hfs_rename,
        .readlink = hfs_readlink,
        .access = hfs_access,
        .chmod = hfs_chmod,
        .chown = hfs_chown,
        .ftruncate = hfs_ftruncate,
        .tcgets = hfs_tcgets,
        .gethostname = hfs_gethostname,
        .memfd = hfs_memfd,
        .seals = hfs_seals,
    };
    return 0;
}

void hostfs_posix_fini(struct km_hostfs *fs)
{
    struct hostfs_posix *c = fs->ctx;
    if (!c) return;
    for (int fd = 0; fd < c->nh; fd++) {
        handle_drop_dir(c, fd);
        if (c->h[fd].open && fd > 2) close(fd);
    }
    for (int i = 0; i < c->nroots; i++) {
        close(c->roots[i].fd);
        free(c->roots[i].prefix);
    }
    free(c->h);
    free(c);
    fs->ctx = NULL;
}
