/* File descriptor syscalls (read/write/open/close/stat/dup/fcntl/ioctl)
 * and the km_sys_file table segment, which also lists the path syscalls of
 * fs.c and the pipe/poll/pidfd syscalls of pipe.c. Front-ends decode guest
 * arguments (open flags through t->abi, struct stat through
 * t->abi->stat_encode) and call the file layer. */
#include "kernel-model/files.h"
#include "kernel-model/procfs.h"
#include "kernel-model/sys.h"

#include <stdlib.h>

#define SYS_IO_CHUNK 65536u
#define SYS_IOV_MAX  1024u

static const struct km_hostfs *sys_host(struct km *k)
{
    return k->host->fs;
}

static bool file_readable(const struct km_file *f)
{
    return (f->flags & LX_O_ACCMODE) != LX_O_WRONLY && !(f->flags & LX_O_PATH);
}
static bool file_writable(const struct km_file *f)
{
    return (f->flags & LX_O_ACCMODE) != LX_O_RDONLY && !(f->flags & LX_O_PATH);
}

/* --- read / write ------------------------------------------------------ */

/* Host reads go through a bounce buffer in chunks; a short chunk ends the
 * call (end of file, or a terminal line). */
static i64 sys_host_read(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n, i64 off)
{
    const struct km_hostfs *fs = sys_host(k);
    u8 *buf = malloc(SYS_IO_CHUNK);
    if (!buf) return -LX_ENOMEM;
    u64 done = 0;
    i64 r = 0;
    while (done < n) {
        u64 c = n - done < SYS_IO_CHUNK ? n - done : SYS_IO_CHUNK;
        r = off < 0 ? fs->read(fs->ctx, f->h, buf, c)
                    : fs->pread(fs->ctx, f->h, buf, c, off + (i64)done);
        if (r <= 0) break;
        if (mm_write(t->mm, addr + done, buf, (size_t)r) < 0) {
            r = -LX_EFAULT;
            break;
        }
        done += (u64)r;
        if ((u64)r < c) break;
    }
    free(buf);
    return done > 0 ? (i64)done : r;
}

static i64 sys_host_write(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n, i64 off)
{
    const struct km_hostfs *fs = sys_host(k);
    u8 *buf = malloc(SYS_IO_CHUNK);
    if (!buf) return -LX_ENOMEM;
    /* O_APPEND may have been set by F_SETFL after the host open. */
    if (off < 0 && (f->flags & LX_O_APPEND)) fs->lseek(fs->ctx, f->h, 0, LX_SEEK_END);
    u64 done = 0;
    i64 r = 0;
    while (done < n) {
        u64 c = n - done < SYS_IO_CHUNK ? n - done : SYS_IO_CHUNK;
        if (mm_read(t->mm, addr + done, buf, (size_t)c) < 0) {
            r = -LX_EFAULT;
            break;
        }
        r = off < 0 ? fs->write(fs->ctx, f->h, buf, c)
                    : fs->pwrite(fs->ctx, f->h, buf, c, off + (i64)done);
        if (r <= 0) break;
        done += (u64)r;
        if ((u64)r < c) break;
    }
    free(buf);
    return done > 0 ? (i64)done : r;
}

static i64 file_read(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n,
                     bool may_block)
{
    if (!file_readable(f)) return -LX_EBADF;
    switch (f->kind) {
    case KM_FILE_PIPE: return pipe_read(k, t, f, addr, n, may_block);
    case KM_FILE_HOST: return sys_host_read(k, t, f, addr, n, -1);
    case KM_FILE_PROC: return procfs_read(t, f, addr, n, -1);
    case KM_FILE_DIR:
    case KM_FILE_PROCDIR: return -LX_EISDIR;
    case KM_FILE_PIDFD:
    case KM_FILE_EPOLL: return -LX_EINVAL;
    }
    return -LX_EINVAL;
}

static i64 file_write(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 n,
                      bool may_block)
{
    if (!file_writable(f)) return -LX_EBADF;
    switch (f->kind) {
    case KM_FILE_PIPE: return pipe_write(k, t, f, addr, n, may_block);
    case KM_FILE_HOST: return sys_host_write(k, t, f, addr, n, -1);
    case KM_FILE_PROC: return procfs_write(k, t, f, addr, n);
    case KM_FILE_DIR:
    case KM_FILE_PROCDIR: return -LX_EISDIR;
    case KM_FILE_PIDFD:
    case KM_FILE_EPOLL: return -LX_EINVAL;
    }
    return -LX_EINVAL;
}

static i64 sys_file_read(struct km *k, struct task *t, const u64 a[6])
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    if (!f) return -LX_EBADF;
    return file_read(k, t, f, a[1], a[2], true);
}

static i64 sys_file_write(struct km *k, struct task *t, const u64 a[6])
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    if (!f) return -LX_EBADF;
    return file_write(k, t, f, a[1], a[2], true);
}

/* readv/writev: iovec {u64 base, u64 len}. Only the first iovec may block
 * (before anything moved); later ones stop at the first short transfer. */
static i64 sys_do_iov(struct km *k, struct task *t, const u64 a[6], bool wr)
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    u64 cnt = a[2];
    bool be = km_guest_be(t);
    if (!f) return -LX_EBADF;
    if (cnt > SYS_IOV_MAX) return -LX_EINVAL;
    u8 *iov = malloc(cnt * 16 + 1);
    if (!iov) return -LX_ENOMEM;
    i64 total = 0;
    if (cnt && mm_read(t->mm, a[1], iov, cnt * 16) < 0) total = -LX_EFAULT;
    for (u64 i = 0; total >= 0 && i < cnt; i++) {
        u64 base = lx_get64(be, iov + i * 16), len = lx_get64(be, iov + i * 16 + 8);
        if (len == 0) continue;
        i64 r = wr ? file_write(k, t, f, base, len, total == 0)
                   : file_read(k, t, f, base, len, total == 0);
        if (r == KM_BLOCKED || (r < 0 && total == 0)) {
            total = r;
            break;
        }
        if (r <= 0) break;
        total += r;
        if ((u64)r < len) break;
    }
    free(iov);
    return total;
}

static i64 sys_file_readv(struct km *k, struct task *t, const u64 a[6])
{
    return sys_do_iov(k, t, a, false);
}
static i64 sys_file_writev(struct km *k, struct task *t, const u64 a[6])
{
    return sys_do_iov(k, t, a, true);
}

static i64 sys_do_pio(struct km *k, struct task *t, const u64 a[6], bool wr)
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    i64 off = (i64)a[3];
    if (!f) return -LX_EBADF;
    if (off < 0) return -LX_EINVAL;
    if (f->kind == KM_FILE_PIPE) return -LX_ESPIPE;
    if (f->kind == KM_FILE_PROC) {
        if (wr) return file_writable(f) ? procfs_write(k, t, f, a[1], a[2]) : -LX_EBADF;
        return file_readable(f) ? procfs_read(t, f, a[1], a[2], off) : -LX_EBADF;
    }
    if (f->kind != KM_FILE_HOST) return wr ? -LX_EINVAL : -LX_EISDIR;
    if (wr) return file_writable(f) ? sys_host_write(k, t, f, a[1], a[2], off) : -LX_EBADF;
    return file_readable(f) ? sys_host_read(k, t, f, a[1], a[2], off) : -LX_EBADF;
}

static i64 sys_file_pread64(struct km *k, struct task *t, const u64 a[6])
{
    return sys_do_pio(k, t, a, false);
}
static i64 sys_file_pwrite64(struct km *k, struct task *t, const u64 a[6])
{
    return sys_do_pio(k, t, a, true);
}

/* --- open / close / lseek ---------------------------------------------- */

static i64 sys_do_openat(struct km *k, struct task *t, int dirfd, u64 path, u32 gflags, u32 mode)
{
    const struct km_hostfs *fs = sys_host(k);
    char p[KM_PATH_MAX], g[KM_PATH_MAX], h[KM_PATH_MAX];
    u32 flags = t->abi->open_flags_in(gflags);
    int r = fs_read_path(t, path, p, sizeof(p));
    /* O_NOFOLLOW and O_CREAT|O_EXCL act on a final symlink itself */
    bool follow =
        !(flags & LX_O_NOFOLLOW) && (flags & (LX_O_CREAT | LX_O_EXCL)) != (LX_O_CREAT | LX_O_EXCL);
    if (r == 0) r = fs_walk(k, t, dirfd, p, follow, g, sizeof(g));
    if (r < 0) return r;
    if (procfs_owns(k, t, g)) {
        struct km_file *pf;
        r = procfs_open(k, t, g, flags, &pf);
        if (r < 0) return r;
        int fd = files_install(k, t, pf, flags & LX_O_CLOEXEC, 0);
        if (fd < 0) file_put(k, pf);
        return fd;
    }
    r = fs_resolve_abs(k, g, h, sizeof(h));
    if (r < 0) return r;
    if (flags & LX_O_CREAT) mode &= 07777 & ~t->fs->umask;
    int hd = fs->open(fs->ctx, h, flags, mode);
    if (hd < 0) return hd;
    struct lx_stat st;
    bool dir = fs->fstat(fs->ctx, hd, &st) == 0 && (st.mode & LX_S_IFMT) == LX_S_IFDIR;
    struct km_file *f = file_new(dir ? KM_FILE_DIR : KM_FILE_HOST, flags, g);
    f->h = hd;
    int fd = files_install(k, t, f, flags & LX_O_CLOEXEC, 0);
    if (fd < 0) file_put(k, f);
    return fd;
}

static i64 sys_file_open(struct km *k, struct task *t, const u64 a[6])
{
    return sys_do_openat(k, t, LX_AT_FDCWD, a[0], (u32)a[1], (u32)a[2]);
}
static i64 sys_file_openat(struct km *k, struct task *t, const u64 a[6])
{
    return sys_do_openat(k, t, (int)a[0], a[1], (u32)a[2], (u32)a[3]);
}

static i64 sys_file_close(struct km *k, struct task *t, const u64 a[6])
{
    return files_close_fd(k, t, (int)a[0]);
}

static i64 sys_file_lseek(struct km *k, struct task *t, const u64 a[6])
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    if (!f) return -LX_EBADF;
    if (f->kind == KM_FILE_PIPE || f->kind == KM_FILE_PIDFD) return -LX_ESPIPE;
    if (a[2] > LX_SEEK_END) return -LX_EINVAL;
    if (f->kind == KM_FILE_EPOLL) return 0; /* noop_llseek */
    f->has_pending = false;                 /* a directory rewind drops the held entry */
    if (f->kind == KM_FILE_PROC || f->kind == KM_FILE_PROCDIR)
        return procfs_lseek(f, (i64)a[1], (int)a[2]);
    return sys_host(k)->lseek(sys_host(k)->ctx, f->h, (i64)a[1], (int)a[2]);
}

/* --- stat family ------------------------------------------------------- */

/* fstat of any description: host handles ask the host, pipes and pidfds
 * are synthesised (FIFO / anonymous inode). */
static int file_stat(struct km *k, struct km_file *f, struct lx_stat *st)
{
    memset(st, 0, sizeof(*st));
    switch (f->kind) {
    case KM_FILE_HOST:
    case KM_FILE_DIR: return sys_host(k)->fstat(sys_host(k)->ctx, f->h, st);
    case KM_FILE_PIPE:
        st->mode = LX_S_IFIFO | 0600;
        st->ino = (u64)f->pipe->id;
        st->nlink = 1;
        st->blksize = 4096;
        return 0;
    case KM_FILE_PIDFD:
    case KM_FILE_EPOLL:
        st->mode = 0600; /* anon_inode: no file type bits */
        st->nlink = 1;
        st->blksize = 4096;
        return 0;
    case KM_FILE_PROC:
    case KM_FILE_PROCDIR: return procfs_fstat(k, f, st);
    }
    return -LX_EINVAL;
}

/* Stat of (dirfd, path) with AT_EMPTY_PATH / AT_SYMLINK_NOFOLLOW. */
static int sys_stat_at(struct km *k, struct task *t, int dirfd, u64 path, u64 flags,
                       struct lx_stat *st)
{
    char p[KM_PATH_MAX], g[KM_PATH_MAX], h[KM_PATH_MAX];
    if (flags & ~(u64)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | 0x800 /* NO_AUTOMOUNT */ |
                       0x6000 /* AT_STATX_SYNC_TYPE */))
        return -LX_EINVAL;
    int r = fs_read_path(t, path, p, sizeof(p));
    if (r < 0) return r;
    if (p[0] == '\0' && (flags & LX_AT_EMPTY_PATH)) {
        if (dirfd == LX_AT_FDCWD) {
            p[0] = '.';
            p[1] = '\0';
        } else {
            struct km_file *f = files_lookup(t, dirfd);
            return f ? file_stat(k, f, st) : -LX_EBADF;
        }
    }
    r = fs_walk(k, t, dirfd, p, !(flags & LX_AT_SYMLINK_NOFOLLOW), g, sizeof(g));
    if (r < 0) return r;
    if (procfs_owns(k, t, g)) return procfs_stat(k, t, g, !(flags & LX_AT_SYMLINK_NOFOLLOW), st);
    r = fs_resolve_abs(k, g, h, sizeof(h));
    if (r < 0) return r;
    memset(st, 0, sizeof(*st));
    return sys_host(k)->stat(sys_host(k)->ctx, h, st, !(flags & LX_AT_SYMLINK_NOFOLLOW));
}

static i64 sys_stat_out(struct task *t, int r, const struct lx_stat *st, u64 addr)
{
    u8 buf[256];
    if (r < 0) return r;
    if (t->abi->stat_size > sizeof(buf)) abort();
    t->abi->stat_encode(st, buf);
    return mm_write(t->mm, addr, buf, t->abi->stat_size) < 0 ? -LX_EFAULT : 0;
}

static i64 sys_file_fstat(struct km *k, struct task *t, const u64 a[6])
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    struct lx_stat st;
    if (!f) return -LX_EBADF;
    return sys_stat_out(t, file_stat(k, f, &st), &st, a[1]);
}
static i64 sys_file_stat(struct km *k, struct task *t, const u64 a[6])
{
    struct lx_stat st;
    return sys_stat_out(t, sys_stat_at(k, t, LX_AT_FDCWD, a[0], 0, &st), &st, a[1]);
}
static i64 sys_file_lstat(struct km *k, struct task *t, const u64 a[6])
{
    struct lx_stat st;
    int r = sys_stat_at(k, t, LX_AT_FDCWD, a[0], LX_AT_SYMLINK_NOFOLLOW, &st);
    return sys_stat_out(t, r, &st, a[1]);
}
static i64 sys_file_newfstatat(struct km *k, struct task *t, const u64 a[6])
{
    struct lx_stat st;
    return sys_stat_out(t, sys_stat_at(k, t, (int)a[0], a[1], a[3], &st), &st, a[2]);
}

/* statx(dirfd, path, flags, mask, buf): struct statx is the same 256-byte
 * layout on every arch; all basic fields are filled whatever mask asks. */
static i64 sys_file_statx(struct km *k, struct task *t, const u64 a[6])
{
    struct lx_stat st;
    bool be = km_guest_be(t);
    int r = sys_stat_at(k, t, (int)a[0], a[1], a[2], &st);
    if (r < 0) return r;
    u8 b[256];
    memset(b, 0, sizeof(b));
    lx_put32(be, b + 0, 0x7ff); /* STATX_BASIC_STATS */
    lx_put32(be, b + 4, st.blksize);
    lx_put32(be, b + 16, (u32)st.nlink);
    lx_put32(be, b + 20, st.uid);
    lx_put32(be, b + 24, st.gid);
    lx_put16(be, b + 28, (u16)st.mode);
    lx_put64(be, b + 32, st.ino);
    lx_put64(be, b + 40, st.size);
    lx_put64(be, b + 48, st.blocks);
    const i64 tm[3][2] = {{st.atime_sec, st.atime_nsec},
                          {st.ctime_sec, st.ctime_nsec},
                          {st.mtime_sec, st.mtime_nsec}};
    const int toff[3] = {64, 96, 112}; /* atime, ctime, mtime (btime 80 unset) */
    for (int i = 0; i < 3; i++) {
        lx_put64(be, b + toff[i], (u64)tm[i][0]);
        lx_put32(be, b + toff[i] + 8, (u32)tm[i][1]);
    }
    /* glibc's dev_t encoding: major bits 8..19 and 32..43, minor 0..7, 20..31 */
    const u64 devs[2] = {st.rdev, st.dev};
    for (int i = 0; i < 2; i++) {
        u64 d = devs[i];
        lx_put32(be, b + 128 + 8 * i, (u32)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffull)));
        lx_put32(be, b + 132 + 8 * i, (u32)((d & 0xff) | ((d >> 12) & ~0xffull)));
    }
    return mm_write(t->mm, a[4], b, sizeof(b)) < 0 ? -LX_EFAULT : 0;
}

/* --- dup, fcntl, ioctl, misc ------------------------------------------- */

static i64 sys_file_dup(struct km *k, struct task *t, const u64 a[6])
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    if (!f) return -LX_EBADF;
    file_get(f);
    int fd = files_install(k, t, f, false, 0);
    if (fd < 0) file_put(k, f);
    return fd;
}

static i64 sys_do_dup3(struct km *k, struct task *t, int oldfd, int newfd, u32 flags, bool dup2)
{
    struct km_file *f = files_lookup(t, oldfd);
    if (!f) return -LX_EBADF;
    if (oldfd == newfd) return dup2 ? newfd : -LX_EINVAL;
    if (flags & ~(u32)LX_O_CLOEXEC) return -LX_EINVAL;
    return files_install_at(k, t, newfd, file_get(f), flags & LX_O_CLOEXEC);
}

static i64 sys_file_dup2(struct km *k, struct task *t, const u64 a[6])
{
    return sys_do_dup3(k, t, (int)a[0], (int)a[1], 0, true);
}
static i64 sys_file_dup3(struct km *k, struct task *t, const u64 a[6])
{
    return sys_do_dup3(k, t, (int)a[0], (int)a[1], t->abi->open_flags_in((u32)a[2]), false);
}

static i64 sys_file_fcntl(struct km *k, struct task *t, const u64 a[6])
{
    int fd = (int)a[0];
    struct km_file *f = files_lookup(t, fd);
    if (!f) return -LX_EBADF;
    switch ((int)a[1]) {
    case LX_F_DUPFD:
    case LX_F_DUPFD_CLOEXEC: {
        if (a[2] >= (u64)files_limit(t)) return -LX_EINVAL;
        int nfd = files_install(k, t, file_get(f), (int)a[1] == LX_F_DUPFD_CLOEXEC, (int)a[2]);
        if (nfd < 0) file_put(k, f);
        return nfd;
    }
    case LX_F_GETFD: return files_get_cloexec(t, fd) ? LX_FD_CLOEXEC : 0;
    case LX_F_SETFD: files_set_cloexec(t, fd, a[2] & LX_FD_CLOEXEC); return 0;
    case LX_F_GETFL: return t->abi->open_flags_out(f->flags);
    case LX_F_SETFL: {
        const u32 chg = LX_O_APPEND | LX_O_NONBLOCK;
        u32 nf = t->abi->open_flags_in((u32)a[2]);
        f->flags = (f->flags & ~chg) | (nf & chg);
        if (f->kind == KM_FILE_PIPE) km_wake_all(k, KM_WAIT_POLL, 0);
        return 0;
    }
    case LX_F_ADD_SEALS:
    case LX_F_GET_SEALS: return memfd_fcntl(k, f, (int)a[1], (u32)a[2]);
    default: return -LX_EINVAL;
    }
}

#define LX_TCGETS     0x5401
#define LX_TIOCGWINSZ 0x5413

/* TCGETS asks the host for HOST files (isatty); everything else is ENOTTY. */
static i64 sys_file_ioctl(struct km *k, struct task *t, const u64 a[6])
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    if (!f) return -LX_EBADF;
    if ((u32)a[1] == LX_TCGETS && f->kind == KM_FILE_HOST) {
        u8 tio[36];
        int r = sys_host(k)->tcgets(sys_host(k)->ctx, f->h, tio);
        if (r < 0) return r;
        for (int i = 0; i < 4; i++) /* c_iflag..c_lflag: little-endian to the guest's order */
            lx_put32(km_guest_be(t), tio + 4 * i, lx_get32(false, tio + 4 * i));
        return mm_write(t->mm, a[2], tio, sizeof(tio)) < 0 ? -LX_EFAULT : 0;
    }
    return -LX_ENOTTY; /* TIOCGWINSZ included: no window size is modelled */
}

static i64 sys_file_ftruncate(struct km *k, struct task *t, const u64 a[6])
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    if (!f) return -LX_EBADF;
    if ((i64)a[1] < 0 || f->kind != KM_FILE_HOST || !file_writable(f)) return -LX_EINVAL;
    return sys_host(k)->ftruncate(sys_host(k)->ctx, f->h, (i64)a[1]);
}

static i64 sys_file_fsync(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return files_lookup(t, (int)a[0]) ? 0 : -LX_EBADF;
}

#define E(name, fmt)                                                                               \
    {                                                                                              \
        LX_SYS_##name, sys_file_##name, fmt                                                        \
    }
const struct km_sys_entry km_sys_file[] = {
    E(read, "Fpu"),        E(write, "Fpu"),       E(readv, "Fpd"),       E(writev, "Fpd"),
    E(pread64, "Fpud"),    E(pwrite64, "Fpud"),   E(open, "sox"),        E(openat, "Fsox"),
    E(close, "F"),         E(lseek, "Fdd"),       E(fstat, "Fp"),        E(stat, "sp"),
    E(lstat, "sp"),        E(newfstatat, "Fspx"), E(statx, "Fsxxp"),     E(getdents64, "Fpu"),
    E(access, "sx"),       E(faccessat, "Fsx"),   E(faccessat2, "Fsxx"), E(readlink, "spu"),
    E(readlinkat, "Fspu"), E(mkdir, "sx"),        E(mkdirat, "Fsx"),     E(unlink, "s"),
    E(unlinkat, "Fsx"),    E(rmdir, "s"),         E(rename, "ss"),       E(renameat, "FsFs"),
    E(renameat2, "FsFsx"), E(chdir, "s"),         E(fchdir, "F"),        E(getcwd, "pu"),
    E(umask, "x"),         E(pipe, "p"),          E(pipe2, "px"),        E(dup, "F"),
    E(dup2, "FF"),         E(dup3, "FFo"),        E(fcntl, "Fdx"),       E(ioctl, "Fxp"),
    E(poll, "pud"),        E(ppoll, "puppu"),     E(pidfd_open, "dx"),   E(ftruncate, "Fd"),
    E(fsync, "F"),         E(pidfd_getfd, "FFx"), E(memfd_create, "sx"), {LX_SYS_NONE, NULL, NULL},
};
#undef E
