/* --read-only (hostfs_ro.h). Linux on a read-only mount (fs/namei.c
 * may_open, inode_permission's sb_rdonly check, mnt_want_write): opening
 * a regular file, directory or symlink for writing, O_CREAT of a missing
 * file, O_TRUNC, mkdir, unlink, rmdir, rename, truncate and access(W_OK)
 * give EROFS; device nodes, FIFOs and sockets may still be opened for
 * writing (they are not the file system's data), and so can the already
 * open stdio descriptors. */
#include "emu/hostfs_ro.h"
#include "kernel-model/uapi.h"

static struct km_hostfs ro_base; /* the wrapped ops */

static bool ro_is_fs_object(u32 mode)
{
    u32 type = mode & 0170000;
    return type == 0100000 || type == 0040000 || type == 0120000; /* reg, dir, symlink */
}

/* path_openat's order: a missing name to create is EROFS (lookup_open),
 * an existing one EEXIST for O_EXCL, EISDIR for a directory opened for
 * writing (may_open), then EROFS for writing or truncating a file system
 * object; O_CREAT alone of an existing file opens it. (The model's walk
 * has already found the directories on the way.) */
static int ro_open(void *ctx, const char *path, u32 fl, u32 mode)
{
    bool wr = (fl & LX_O_ACCMODE) != LX_O_RDONLY;
    if (wr || (fl & (LX_O_TRUNC | LX_O_CREAT))) {
        struct lx_stat st;
        int r = ro_base.stat(ctx, path, &st, true);
        if (r < 0) return (fl & LX_O_CREAT) && r == -LX_ENOENT ? -LX_EROFS : r;
        u32 type = st.mode & 0170000;
        if ((fl & LX_O_CREAT) && (fl & LX_O_EXCL)) return -LX_EEXIST;
        if (type == 0040000 && wr) return -LX_EISDIR;
        bool trunc = (fl & LX_O_TRUNC) && type == 0100000;
        if ((wr || trunc) && ro_is_fs_object(st.mode)) return -LX_EROFS;
    }
    return ro_base.open(ctx, path, fl, mode);
}

/* filename_create: an existing name is EEXIST before the mount's EROFS */
static int ro_mkdir(void *ctx, const char *path, u32 mode)
{
    (void)mode;
    struct lx_stat st;
    return ro_base.stat(ctx, path, &st, false) == 0 ? -LX_EEXIST : -LX_EROFS;
}

/* do_unlinkat, do_rmdir, do_renameat2: mnt_want_write comes right after
 * the parent's lookup, before the name's: EROFS even for a missing name */
static int ro_remove(void *ctx, const char *path)
{
    (void)ctx, (void)path;
    return -LX_EROFS;
}

static int ro_rename(void *ctx, const char *from, const char *to)
{
    (void)to;
    return ro_remove(ctx, from);
}

static int ro_access(void *ctx, const char *path, int mode)
{
    int r = ro_base.access(ctx, path, mode & ~2);
    struct lx_stat st;
    if (r == 0 && (mode & 2) && ro_base.stat(ctx, path, &st, true) == 0 && ro_is_fs_object(st.mode))
        return -LX_EROFS;
    return r;
}

static int ro_ftruncate(void *ctx, int h, i64 len)
{
    (void)ctx, (void)len;
    return h <= 2 ? -LX_EINVAL : -LX_EROFS;
}

void hostfs_read_only(struct km_hostfs *fs)
{
    ro_base = *fs;
    fs->open = ro_open;
    fs->mkdir = ro_mkdir;
    fs->unlink = ro_remove;
    fs->rmdir = ro_remove;
    fs->rename = ro_rename;
    fs->access = ro_access;
    fs->ftruncate = ro_ftruncate;
}
