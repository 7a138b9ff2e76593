/* struct fs_info (cwd and umask, shared by CLONE_FS), guest path
 * resolution under the emulator's root directory, the path syscalls
 * (mkdir, unlink, rename, chdir, getcwd, umask, access, readlink) and
 * getdents64. Every guest path is walked (fs_walk) to an absolute guest
 * path with no symlink in it, as Linux resolves it under chroot(root),
 * then prefixed with k->opt.root to reach the host; the host side
 * (emu/hostfs.c) follows no symlink or ".." of its own
 * (docs/hardening.md). */
#include "kernel-model/files.h"
#include "kernel-model/procfs.h"

#include <stdio.h>
#include <stdlib.h>

static char *fs_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p) {
        fprintf(stderr, "clonemu: out of host memory (fs)\n");
        abort();
    }
    memcpy(p, s, n);
    return p;
}

/* --- struct fs_info -------------------------------------------------- */

struct fs_info *fs_new(struct km *k)
{
    struct fs_info *fs = calloc(1, sizeof(*fs));
    if (!fs) abort();
    fs->refs = 1;
    fs->id = km_new_res_id(k);
    fs->cwd = fs_strdup("/");
    fs->umask = 022;
    return fs;
}

struct fs_info *fs_get(struct fs_info *fs)
{
    fs->refs++;
    return fs;
}

struct fs_info *fs_dup(struct km *k, struct fs_info *fs)
{
    struct fs_info *c = fs_new(k);
    free(c->cwd);
    c->cwd = fs_strdup(fs->cwd);
    c->umask = fs->umask;
    return c;
}

void fs_put(struct km *k, struct fs_info *fs)
{
    (void)k;
    if (!fs) return;
    if (fs->refs <= 0) {
        fprintf(stderr, "clonemu: fs#%d refcount underflow\n", fs->id);
        abort();
    }
    if (--fs->refs > 0) return;
    free(fs->cwd);
    free(fs);
}

int fs_id(const struct fs_info *fs)
{
    return fs->id;
}

/* --- paths ----------------------------------------------------------- */

/* Append the components of src to the normalised path in out (len *len),
 * folding "." and ".." lexically. */
static int fs_fold(const char *src, char *out, size_t *len, size_t n)
{
    while (*src) {
        while (*src == '/')
            src++;
        const char *end = src;
        while (*end && *end != '/')
            end++;
        size_t c = (size_t)(end - src);
        if (c == 0 || (c == 1 && src[0] == '.')) {
            /* nothing */
        } else if (c == 2 && src[0] == '.' && src[1] == '.') {
            while (*len > 0 && out[*len - 1] != '/')
                (*len)--;
            if (*len > 0) (*len)--; /* the slash; ".." of "/" is "/" */
        } else {
            if (*len + 1 + c + 1 > n) return -LX_ENAMETOOLONG;
            out[(*len)++] = '/';
            memcpy(out + *len, src, c);
            *len += c;
        }
        src = end;
    }
    return 0;
}

/* Linux's MAXSYMLINKS: the 41st symlink of one resolution is ELOOP. */
#define FS_MAXSYMLINKS 40

/* The start of a relative path: the cwd, or dirfd's directory. */
static int fs_walk_base(struct task *t, int dirfd, const char *path, const char **base)
{
    *base = "/";
    if (path[0] == '/') return 0;
    if (!t) return -LX_ENOENT; /* no task: absolute paths only (the loader's PT_INTERP) */
    if (dirfd == LX_AT_FDCWD) {
        *base = t->fs->cwd;
        return 0;
    }
    struct km_file *f = files_lookup(t, dirfd);
    if (!f) return -LX_EBADF;
    if ((f->kind != KM_FILE_DIR && f->kind != KM_FILE_PROCDIR) || !f->path) return -LX_ENOTDIR;
    *base = f->path;
    return 0;
}

/* One component reached: the walk's view of out (the path so far, the
 * component last). 1 with the link's text in link if it is a symlink or a
 * magic link to follow, 0 to go on, -LX_E*. /proc is the model's procfs
 * (its unmodelled names do not exist); everything else is asked of the
 * host (lstat, readlink) under the root. */
static int fs_walk_step(struct km *k, struct task *t, const char *out, bool last, bool follow,
                        bool slash, char *link, size_t n)
{
    if (strncmp(out, "/proc/", 6) == 0) {
        if (!t) return -LX_ENOENT;
        int r = procfs_follow(k, t, out, link, n);
        if (r < 0 || (r == 1 && follow)) return r;
        /* a directory on the way is checked with the name it leads to
         * (/proc/net alone is not a node, /proc/net/dev is) */
        return !last || procfs_owns(k, t, out) ? 0 : -LX_ENOENT;
    }
    if (strcmp(out, "/proc") == 0) return 0;
    char h[KM_PATH_MAX];
    struct lx_stat st;
    const struct km_hostfs *fs = k->host->fs;
    int r = fs_resolve_abs(k, out, h, sizeof(h));
    if (r == 0) r = fs->stat(fs->ctx, h, &st, false);
    if (r == -LX_ENOENT && last) return 0; /* a name to create */
    if (r < 0) return r;
    u32 type = st.mode & LX_S_IFMT;
    if (type == LX_S_IFLNK && follow) {
        i64 len = fs->readlink(fs->ctx, h, link, n - 1);
        if (len < 0) return (int)len;
        link[len] = '\0';
        return 1;
    }
    if ((!last || slash) && type != LX_S_IFDIR) return -LX_ENOTDIR;
    return 0;
}

/* Resolve path (relative to dirfd or the cwd) the way Linux's path walk
 * does under chroot: ".." of the directory actually reached (never above
 * "/"), each symlink's text walked in its place (an absolute one from the
 * guest's "/", i.e. the root), the magic links of /proc (exe, fd/N, cwd,
 * root) likewise, at most FS_MAXSYMLINKS of them (ELOOP). out: the
 * absolute guest path with no symlink, ".", ".." or "//" in it, except
 * that the final component stays a symlink when !follow (a trailing slash
 * follows it anyway). A missing final component is fine (a name to
 * create); a missing or non-directory one before it is ENOENT/ENOTDIR. */
int fs_walk(struct km *k, struct task *t, int dirfd, const char *path, bool follow, char *out,
            size_t n)
{
    char rest[KM_PATH_MAX], link[KM_PATH_MAX];
    const char *base;
    if (path[0] == '\0') return -LX_ENOENT;
    int r = fs_walk_base(t, dirfd, path, &base);
    if (r < 0) return r;
    if (n < 2) return -LX_ENAMETOOLONG;
    size_t len = 0, pos = 0;
    if ((r = fs_fold(base, out, &len, n)) < 0) return r;
    if (strlen(path) >= sizeof(rest)) return -LX_ENAMETOOLONG;
    strcpy(rest, path);
    for (int links = 0;;) {
        while (rest[pos] == '/')
            pos++;
        if (!rest[pos]) break;
        size_t c = strcspn(rest + pos, "/"), next = pos + c, q = next;
        while (rest[q] == '/')
            q++;
        bool last = !rest[q], slash = rest[next] == '/';
        size_t before = len;
        if (c == 1 && rest[pos] == '.') {
            pos = next;
            continue;
        }
        if (c == 2 && rest[pos] == '.' && rest[pos + 1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0) len--; /* ".." of "/" is "/" */
            pos = next;
            continue;
        }
        if (len + 1 + c + 1 > n) return -LX_ENAMETOOLONG;
        out[len++] = '/';
        memcpy(out + len, rest + pos, c);
        len += c;
        out[len] = '\0';
        r = fs_walk_step(k, t, out, last, !last || follow || slash, slash, link, sizeof(link));
        if (r < 0) return r;
        if (r == 0) {
            pos = next;
            continue;
        }
        /* a symlink: its text replaces it, the rest of the path follows */
        if (++links > FS_MAXSYMLINKS) return -LX_ELOOP;
        if (!link[0]) return -LX_ENOENT;
        len = link[0] == '/' ? 0 : before;
        size_t ll = strlen(link), rl = strlen(rest + next);
        if (ll + rl + 1 > sizeof(rest)) return -LX_ENAMETOOLONG;
        memmove(rest + ll, rest + next, rl + 1);
        memcpy(rest, link, ll);
        pos = 0;
    }
    if (len == 0) out[len++] = '/';
    out[len] = '\0';
    return 0;
}

int fs_guest_path(struct km *k, struct task *t, int dirfd, const char *path, char *out, size_t n)
{
    return fs_walk(k, t, dirfd, path, true, out, n);
}

/* prefix (trailing slashes dropped) + the absolute guest path g; "/"
 * alone becomes the prefix itself. */
static int fs_join(const char *prefix, const char *g, char *out, size_t outsz)
{
    size_t rl = strlen(prefix);
    while (rl > 0 && prefix[rl - 1] == '/')
        rl--; /* "/" and "/r/" become "" and "/r" */
    const char *rest = (g[1] == '\0' && rl > 0) ? "" : g;
    size_t gl = strlen(rest);
    if (rl + gl + 1 > outsz) return -LX_ENAMETOOLONG;
    memcpy(out, prefix, rl);
    memcpy(out + rl, rest, gl + 1);
    return 0;
}

int fs_resolve_abs(struct km *k, const char *g, char *out, size_t outsz)
{
    const char *sr = k->opt.sysroot;
    if (sr && sr[0] && g[1] != '\0' && fs_join(sr, g, out, outsz) == 0) {
        struct lx_stat st;
        if (k->host->fs->stat(k->host->fs->ctx, out, &st, false) == 0) return 0;
    }
    return fs_join(k->opt.root ? k->opt.root : "", g, out, outsz);
}

int fs_host_path(struct km *k, struct task *t, int dirfd, const char *guest_path, char *out,
                 size_t outsz)
{
    char g[KM_PATH_MAX];
    int r = fs_guest_path(k, t, dirfd, guest_path, g, sizeof(g));
    if (r < 0) return r;
    return fs_resolve_abs(k, g, out, outsz);
}

int fs_read_path(struct task *t, u64 addr, char *buf, size_t n)
{
    i64 r = mm_read_str(t->mm, addr, buf, n);
    return r < 0 ? (int)r : 0;
}

/* Read a guest path argument and resolve it to a host path, its final
 * component not followed (mkdir, unlink, rmdir, rename act on the name). */
static int fs_host_arg(struct km *k, struct task *t, int dirfd, u64 addr, char *out, size_t n)
{
    char p[KM_PATH_MAX], g[KM_PATH_MAX];
    int r = fs_read_path(t, addr, p, sizeof(p));
    if (r == 0) r = fs_walk(k, t, dirfd, p, false, g, sizeof(g));
    if (r < 0) return r;
    return fs_resolve_abs(k, g, out, n);
}

/* --- /proc/self/exe -------------------------------------------------- */

/* Linux keeps exe_file in the mm; the model keys a small registry by
 * (km, mm id) instead of adding a field to struct mm. */
struct fs_exe {
    const struct km *k;
    int mm_id;
    char *path;
    struct fs_exe *next;
};
static struct fs_exe *fs_exes;

void fs_set_exe(struct km *k, const struct mm *mm, const char *guest_path)
{
    char g[KM_PATH_MAX];
    if (!mm || !guest_path) return;
    /* execve passes the path as the guest gave it: a relative path or the
     * magic /proc/self/exe is resolved for the calling task, whose old mm
     * is still installed at this point. */
    if (k->current && k->current->fs &&
        fs_guest_path(k, k->current, LX_AT_FDCWD, guest_path, g, sizeof(g)) == 0)
        guest_path = g;
    for (struct fs_exe *e = fs_exes; e; e = e->next) {
        if (e->k == k && e->mm_id == mm->id) {
            char *p = fs_strdup(guest_path);
            free(e->path);
            e->path = p;
            return;
        }
    }
    struct fs_exe *e = calloc(1, sizeof(*e));
    if (!e) abort();
    e->k = k;
    e->mm_id = mm->id;
    e->path = fs_strdup(guest_path);
    e->next = fs_exes;
    fs_exes = e;
}

const char *fs_exe_path(struct km *k, const struct mm *mm)
{
    if (!mm) return NULL;
    for (struct fs_exe *e = fs_exes; e; e = e->next)
        if (e->k == k && e->mm_id == mm->id) return e->path;
    return NULL;
}

/* The exe of t; a forked mm nobody registered inherits its parent's. */
const char *fs_task_exe(struct km *k, struct task *t)
{
    for (int depth = 0; t && depth < 64; t = t->real_parent, depth++) {
        const char *p = fs_exe_path(k, t->mm);
        if (p) return p;
    }
    return NULL;
}

/* --- path syscalls --------------------------------------------------- */

static const struct km_hostfs *fs_host(struct km *k)
{
    return k->host->fs;
}

static i64 fs_do_readlink(struct km *k, struct task *t, int dirfd, u64 path, u64 buf, i64 size)
{
    char p[KM_PATH_MAX], g[KM_PATH_MAX], out[KM_PATH_MAX];
    if (size <= 0) return -LX_EINVAL;
    int r = fs_read_path(t, path, p, sizeof(p));
    if (r == 0) r = fs_walk(k, t, dirfd, p, false, g, sizeof(g));
    if (r < 0) return r;
    i64 len;
    if (procfs_owns(k, t, g)) {
        len = procfs_readlink(k, t, g, out, sizeof(out));
        if (len < 0) return len;
    } else {
        char h[KM_PATH_MAX];
        r = fs_resolve_abs(k, g, h, sizeof(h));
        if (r < 0) return r;
        len = fs_host(k)->readlink(fs_host(k)->ctx, h, out, sizeof(out));
        if (len < 0) return len;
    }
    if (len > size) len = size; /* truncated silently, no NUL: readlink(2) */
    if (mm_write(t->mm, buf, out, (size_t)len) < 0) return -LX_EFAULT;
    return len;
}

KM_FILE_SYS(readlink)
{
    return fs_do_readlink(k, t, LX_AT_FDCWD, a[0], a[1], (i64)a[2]);
}
KM_FILE_SYS(readlinkat)
{
    return fs_do_readlink(k, t, (int)a[0], a[1], a[2], (i64)a[3]);
}

static i64 fs_do_access(struct km *k, struct task *t, int dirfd, u64 path, u64 mode, u64 flags)
{
    char p[KM_PATH_MAX], g[KM_PATH_MAX], h[KM_PATH_MAX];
    if (mode & ~7ull) return -LX_EINVAL;
    if (flags & ~(u64)(LX_AT_SYMLINK_NOFOLLOW | 0x200 /* AT_EACCESS */ | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    int r = fs_read_path(t, path, p, sizeof(p));
    if (r == 0) r = fs_walk(k, t, dirfd, p, !(flags & LX_AT_SYMLINK_NOFOLLOW), g, sizeof(g));
    if (r < 0) return r;
    if (procfs_owns(k, t, g)) return procfs_access(k, t, g, (int)mode);
    r = fs_resolve_abs(k, g, h, sizeof(h));
    if (r < 0) return r;
    return fs_host(k)->access(fs_host(k)->ctx, h, (int)mode);
}

KM_FILE_SYS(access)
{
    return fs_do_access(k, t, LX_AT_FDCWD, a[0], a[1], 0);
}
KM_FILE_SYS(faccessat)
{
    return fs_do_access(k, t, (int)a[0], a[1], a[2], 0);
}
KM_FILE_SYS(faccessat2)
{
    return fs_do_access(k, t, (int)a[0], a[1], a[2], a[3]);
}

static i64 fs_do_mkdir(struct km *k, struct task *t, int dirfd, u64 path, u64 mode)
{
    char h[KM_PATH_MAX];
    int r = fs_host_arg(k, t, dirfd, path, h, sizeof(h));
    if (r < 0) return r;
    u32 m = (u32)mode & 07777 & ~t->fs->umask;
    return fs_host(k)->mkdir(fs_host(k)->ctx, h, m);
}

KM_FILE_SYS(mkdir)
{
    return fs_do_mkdir(k, t, LX_AT_FDCWD, a[0], a[1]);
}
KM_FILE_SYS(mkdirat)
{
    return fs_do_mkdir(k, t, (int)a[0], a[1], a[2]);
}

static i64 fs_do_unlink(struct km *k, struct task *t, int dirfd, u64 path, u64 flags)
{
    char h[KM_PATH_MAX];
    if (flags & ~(u64)LX_AT_REMOVEDIR) return -LX_EINVAL;
    int r = fs_host_arg(k, t, dirfd, path, h, sizeof(h));
    if (r < 0) return r;
    if (flags & LX_AT_REMOVEDIR) return fs_host(k)->rmdir(fs_host(k)->ctx, h);
    return fs_host(k)->unlink(fs_host(k)->ctx, h);
}

KM_FILE_SYS(unlink)
{
    return fs_do_unlink(k, t, LX_AT_FDCWD, a[0], 0);
}
KM_FILE_SYS(unlinkat)
{
    return fs_do_unlink(k, t, (int)a[0], a[1], a[2]);
}
KM_FILE_SYS(rmdir)
{
    return fs_do_unlink(k, t, LX_AT_FDCWD, a[0], LX_AT_REMOVEDIR);
}

static i64 fs_do_rename(struct km *k, struct task *t, int ofd, u64 op, int nfd, u64 np, u64 fl)
{
    char from[KM_PATH_MAX], to[KM_PATH_MAX];
    if (fl != 0) return -LX_EINVAL; /* RENAME_NOREPLACE/EXCHANGE/WHITEOUT not modelled */
    int r = fs_host_arg(k, t, ofd, op, from, sizeof(from));
    if (r == 0) r = fs_host_arg(k, t, nfd, np, to, sizeof(to));
    if (r < 0) return r;
    return fs_host(k)->rename(fs_host(k)->ctx, from, to);
}

KM_FILE_SYS(rename)
{
    return fs_do_rename(k, t, LX_AT_FDCWD, a[0], LX_AT_FDCWD, a[1], 0);
}
KM_FILE_SYS(renameat)
{
    return fs_do_rename(k, t, (int)a[0], a[1], (int)a[2], a[3], 0);
}
KM_FILE_SYS(renameat2)
{
    return fs_do_rename(k, t, (int)a[0], a[1], (int)a[2], a[3], a[4]);
}

static void fs_set_cwd(struct fs_info *fs, const char *g)
{
    char *p = fs_strdup(g);
    free(fs->cwd);
    fs->cwd = p;
}

KM_FILE_SYS(chdir)
{
    char p[KM_PATH_MAX], g[KM_PATH_MAX], h[KM_PATH_MAX];
    struct lx_stat st;
    int r = fs_read_path(t, a[0], p, sizeof(p));
    if (r == 0) r = fs_guest_path(k, t, LX_AT_FDCWD, p, g, sizeof(g));
    if (r == 0 && procfs_owns(k, t, g)) {
        r = procfs_stat(k, t, g, true, &st);
    } else {
        if (r == 0) r = fs_resolve_abs(k, g, h, sizeof(h));
        if (r == 0) r = fs_host(k)->stat(fs_host(k)->ctx, h, &st, true);
    }
    if (r < 0) return r;
    if ((st.mode & LX_S_IFMT) != LX_S_IFDIR) return -LX_ENOTDIR;
    fs_set_cwd(t->fs, g);
    return 0;
}

KM_FILE_SYS(fchdir)
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    (void)k;
    if (!f) return -LX_EBADF;
    if ((f->kind != KM_FILE_DIR && f->kind != KM_FILE_PROCDIR) || !f->path) return -LX_ENOTDIR;
    fs_set_cwd(t->fs, f->path);
    return 0;
}

/* The raw syscall returns the length including the NUL. */
KM_FILE_SYS(getcwd)
{
    (void)k;
    size_t len = strlen(t->fs->cwd) + 1;
    if (a[1] < len) return -LX_ERANGE;
    if (mm_write(t->mm, a[0], t->fs->cwd, len) < 0) return -LX_EFAULT;
    return (i64)len;
}

/* umask lives in fs_info, so CLONE_FS sharers see each other's changes. */
KM_FILE_SYS(umask)
{
    (void)k;
    u32 old = t->fs->umask;
    t->fs->umask = (u32)a[0] & 0777;
    return old;
}

/* --- getdents64 ------------------------------------------------------ */

/* struct linux_dirent64 { u64 d_ino; i64 d_off; u16 d_reclen; u8 d_type;
 * char d_name[]; } with d_reclen rounded up to 8. An entry that does not
 * fit is kept in the description and returned first next time. */
KM_FILE_SYS(getdents64)
{
    struct km_file *f = files_lookup(t, (int)a[0]);
    u64 count = a[2];
    bool be = km_guest_be(t);
    if (!f) return -LX_EBADF;
    if (f->kind != KM_FILE_DIR && f->kind != KM_FILE_PROCDIR) return -LX_ENOTDIR;
    if (count > 1u << 20) count = 1u << 20;
    u8 *buf = calloc(1, count ? count : 1);
    if (!buf) return -LX_ENOMEM;
    u64 used = 0;
    i64 ret = 0;
    for (;;) {
        struct km_dirent d;
        if (f->has_pending) {
            d = f->pending;
            f->has_pending = false;
        } else {
            int r = f->kind == KM_FILE_PROCDIR ? procfs_readdir(k, f, &d)
                                               : fs_host(k)->readdir(fs_host(k)->ctx, f->h, &d);
            if (r <= 0) {
                ret = r;
                break;
            }
        }
        size_t nl = strnlen(d.name, sizeof(d.name) - 1);
        u64 reclen = (19 + nl + 1 + 7) & ~7ull;
        if (used + reclen > count) {
            f->pending = d;
            f->has_pending = true;
            break;
        }
        u8 *e = buf + used;
        memset(e, 0, reclen);
        lx_put64(be, e, d.ino);
        lx_put64(be, e + 8, (u64)d.off);
        lx_put16(be, e + 16, (u16)reclen);
        e[18] = d.type;
        memcpy(e + 19, d.name, nl);
        used += reclen;
    }
    if (used == 0 && ret == 0 && f->has_pending) ret = -LX_EINVAL; /* buffer too small */
    if (used > 0) ret = mm_write(t->mm, a[1], buf, used) < 0 ? -LX_EFAULT : (i64)used;
    free(buf);
    return ret;
}
