/* An in-memory struct km_hostfs for unit tests (the model's host file
 * system without a host): up to FAKE_FS_NODES files and directories named
 * by full host path, FAKE_FS_HANDLES open handles (numbered from 10). */
#include "tests/unit/support/fake_fs.h"

#include "tests/unit/support/fake_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_fs_node fake_fs_nodes[FAKE_FS_NODES];
struct fake_fs_handle fake_fs_handles[FAKE_FS_HANDLES];
char fake_fs_last_path[512];
u32 fake_fs_last_mode;

void fake_fs_reset(void)
{
    memset(fake_fs_nodes, 0, sizeof fake_fs_nodes);
    memset(fake_fs_handles, 0, sizeof fake_fs_handles);
    fake_fs_last_path[0] = '\0';
    fake_fs_last_mode = 0;
}

int fake_fs_find(const char *p)
{
    for (int i = 0; i < FAKE_FS_NODES; i++)
        if (fake_fs_nodes[i].used && strcmp(fake_fs_nodes[i].path, p) == 0) return i;
    return -1;
}
int fake_fs_add(const char *p, bool dir, const char *data, u32 mode)
{
    for (int i = 0; i < FAKE_FS_NODES; i++) {
        if (fake_fs_nodes[i].used) continue;
        struct fake_fs_node *n = &fake_fs_nodes[i];
        memset(n, 0, sizeof(*n));
        n->used = true;
        n->dir = dir;
        n->mode = mode;
        snprintf(n->path, sizeof(n->path), "%s", p);
        if (data) {
            n->size = strlen(data);
            memcpy(n->data, data, n->size);
        }
        return i;
    }
    abort();
}
/* Is node i a direct child of directory path d? */
static bool tf_child_of(int i, const char *d)
{
    const char *p = fake_fs_nodes[i].path;
    size_t dl = strlen(d);
    return fake_fs_nodes[i].used && strncmp(p, d, dl) == 0 && p[dl] == '/' && p[dl + 1] &&
           !strchr(p + dl + 1, '/');
}
static struct fake_fs_handle *tf_get(int h)
{
    h -= 10;
    return (h >= 0 && h < FAKE_FS_HANDLES && fake_fs_handles[h].used) ? &fake_fs_handles[h] : NULL;
}

static int tf_open(void *c, const char *p, u32 fl, u32 mode)
{
    (void)c;
    snprintf(fake_fs_last_path, sizeof(fake_fs_last_path), "%s", p);
    int n = fake_fs_find(p);
    if (n >= 0 && (fl & LX_O_CREAT) && (fl & LX_O_EXCL)) return -LX_EEXIST;
    if (n < 0) {
        if (!(fl & LX_O_CREAT)) return -LX_ENOENT;
        n = fake_fs_add(p, false, NULL, mode);
    }
    if ((fl & LX_O_DIRECTORY) && !fake_fs_nodes[n].dir) return -LX_ENOTDIR;
    if (fl & LX_O_TRUNC) fake_fs_nodes[n].size = 0;
    for (int i = 0; i < FAKE_FS_HANDLES; i++) {
        if (fake_fs_handles[i].used) continue;
        fake_fs_handles[i] = (struct fake_fs_handle){.used = true, .node = n, .off = 0};
        return i + 10;
    }
    return -LX_EMFILE;
}
static int tf_close(void *c, int h)
{
    (void)c;
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    x->used = false;
    return 0;
}
static i64 tf_pread(void *c, int h, void *buf, u64 n, i64 off)
{
    (void)c;
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    struct fake_fs_node *f = &fake_fs_nodes[x->node];
    if (f->dir) return -LX_EISDIR;
    if ((u64)off >= f->size) return 0;
    if (n > f->size - (u64)off) n = f->size - (u64)off;
    memcpy(buf, f->data + off, n);
    return (i64)n;
}
static i64 tf_pwrite(void *c, int h, const void *buf, u64 n, i64 off)
{
    (void)c;
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    struct fake_fs_node *f = &fake_fs_nodes[x->node];
    if ((u64)off + n > sizeof(f->data)) return -LX_ENOSPC;
    memcpy(f->data + off, buf, n);
    if ((u64)off + n > f->size) f->size = (size_t)off + n;
    return (i64)n;
}
static i64 tf_read(void *c, int h, void *buf, u64 n)
{
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    i64 r = tf_pread(c, h, buf, n, x->off);
    if (r > 0) x->off += r;
    return r;
}
static i64 tf_write(void *c, int h, const void *buf, u64 n)
{
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    i64 r = tf_pwrite(c, h, buf, n, x->off);
    if (r > 0) x->off += r;
    return r;
}
static i64 tf_lseek(void *c, int h, i64 off, int whence)
{
    (void)c;
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    i64 base = whence == LX_SEEK_SET   ? 0
               : whence == LX_SEEK_CUR ? x->off
                                       : (i64)fake_fs_nodes[x->node].size;
    if (base + off < 0) return -LX_EINVAL;
    return x->off = base + off;
}
static void tf_fill_stat(int n, struct lx_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->ino = (u64)n + 1;
    st->mode = (fake_fs_nodes[n].dir ? LX_S_IFDIR : LX_S_IFREG) | 0644;
    st->size = fake_fs_nodes[n].size;
    st->nlink = 1;
    st->blksize = 4096;
}
static int tf_fstat(void *c, int h, struct lx_stat *st)
{
    (void)c;
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    tf_fill_stat(x->node, st);
    return 0;
}
static int tf_stat(void *c, const char *p, struct lx_stat *st, bool follow)
{
    (void)c, (void)follow;
    snprintf(fake_fs_last_path, sizeof(fake_fs_last_path), "%s", p);
    int n = fake_fs_find(p);
    if (n < 0) return -LX_ENOENT;
    tf_fill_stat(n, st);
    return 0;
}
static int tf_readdir(void *c, int h, struct km_dirent *d)
{
    (void)c;
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    for (int i = (int)x->off; i < FAKE_FS_NODES; i++) {
        if (!tf_child_of(i, fake_fs_nodes[x->node].path)) continue;
        memset(d, 0, sizeof(*d));
        d->ino = (u64)i + 1;
        d->off = i + 1;
        d->type = fake_fs_nodes[i].dir ? 4 : 8;
        snprintf(d->name, sizeof(d->name), "%s", strrchr(fake_fs_nodes[i].path, '/') + 1);
        x->off = i + 1;
        return 1;
    }
    x->off = FAKE_FS_NODES;
    return 0;
}
static int tf_mkdir(void *c, const char *p, u32 mode)
{
    (void)c;
    if (fake_fs_find(p) >= 0) return -LX_EEXIST;
    fake_fs_last_mode = mode;
    fake_fs_add(p, true, NULL, mode);
    return 0;
}
static int tf_unlink(void *c, const char *p)
{
    (void)c;
    int n = fake_fs_find(p);
    if (n < 0) return -LX_ENOENT;
    if (fake_fs_nodes[n].dir) return -LX_EISDIR;
    fake_fs_nodes[n].used = false;
    return 0;
}
static int tf_rmdir(void *c, const char *p)
{
    (void)c;
    int n = fake_fs_find(p);
    if (n < 0) return -LX_ENOENT;
    if (!fake_fs_nodes[n].dir) return -LX_ENOTDIR;
    for (int i = 0; i < FAKE_FS_NODES; i++)
        if (tf_child_of(i, p)) return -LX_ENOTEMPTY;
    fake_fs_nodes[n].used = false;
    return 0;
}
static int tf_rename(void *c, const char *from, const char *to)
{
    (void)c;
    int n = fake_fs_find(from);
    if (n < 0) return -LX_ENOENT;
    snprintf(fake_fs_nodes[n].path, sizeof(fake_fs_nodes[n].path), "%s", to);
    return 0;
}
static i64 tf_readlink(void *c, const char *p, char *buf, u64 n)
{
    (void)c, (void)buf, (void)n;
    return fake_fs_find(p) < 0 ? -LX_ENOENT : -LX_EINVAL;
}
static int tf_access(void *c, const char *p, int mode)
{
    (void)c, (void)mode;
    return fake_fs_find(p) < 0 ? -LX_ENOENT : 0;
}
static int tf_ftruncate(void *c, int h, i64 len)
{
    (void)c;
    struct fake_fs_handle *x = tf_get(h);
    if (!x) return -LX_EBADF;
    fake_fs_nodes[x->node].size = (size_t)len;
    return 0;
}
static int tf_tcgets(void *c, int h, u8 out[36])
{
    (void)c;
    if (h > 2) return -LX_ENOTTY;
    memset(out, 0x11, 36);
    /* c_iflag..c_lflag little-endian, as emu/hostfs.c's hfs_tcgets */
    const u32 flags[4] = {FAKE_FS_IFLAG, FAKE_FS_OFLAG, FAKE_FS_CFLAG, FAKE_FS_LFLAG};
    for (int i = 0; i < 4; i++)
        lx_put32(false, out + 4 * i, flags[i]);
    return 0;
}

/* an unnamed node ("memfd:NAME" is no child of any directory), open */
static int tf_memfd(void *c, const char *name, u32 mfd_flags)
{
    (void)c, (void)mfd_flags;
    char p[256];
    snprintf(p, sizeof p, "memfd:%.240s", name);
    int n = fake_fs_add(p, false, NULL, 0777);
    for (int i = 0; i < FAKE_FS_HANDLES; i++) {
        if (fake_fs_handles[i].used) continue;
        fake_fs_handles[i] = (struct fake_fs_handle){.used = true, .node = n, .off = 0};
        return i + 10;
    }
    return -LX_EMFILE;
}

const struct km_hostfs fake_hostfs = {
    .open = tf_open,
    .close = tf_close,
    .read = tf_read,
    .write = tf_write,
    .pread = tf_pread,
    .pwrite = tf_pwrite,
    .lseek = tf_lseek,
    .fstat = tf_fstat,
    .stat = tf_stat,
    .readdir = tf_readdir,
    .mkdir = tf_mkdir,
    .unlink = tf_unlink,
    .rmdir = tf_rmdir,
    .rename = tf_rename,
    .readlink = tf_readlink,
    .access = tf_access,
    .ftruncate = tf_ftruncate,
    .tcgets = tf_tcgets,
    .memfd = tf_memfd,
};

struct task *fake_fs_boot(struct km *k, const struct km_abi *abi)
{
    static struct km_host with_fs;
    struct task *t = fake_boot(k, abi);
    with_fs = *k->host;
    with_fs.fs = &fake_hostfs;
    k->host = &with_fs;
    return t;
}
