/* fuzz_hostfs (fuzz.h): a tiny read-only in-memory km_hostfs. */
#include "fuzz/fuzz.h"

#include <stdio.h>
#include <string.h>

struct fnode {
    const char *path;
    bool dir;
    const char *data;   /* file contents */
    const char *target; /* symlink target, or NULL */
};
static const struct fnode nodes[] = {
    {"/", true, NULL, NULL},    {"/etc", true, NULL, NULL},
    {"/tmp", true, NULL, NULL}, {"/etc/hostname", false, "fuzzhost\n", NULL},
    {"/bin", true, NULL, NULL}, {"/bin/true", false, NULL, "/etc/hostname"},
};
#define NNODES   (int)(sizeof nodes / sizeof nodes[0])
#define NHANDLES 64

static struct {
    bool used;
    int node;
    i64 off;
} handles[NHANDLES];

void fuzz_hostfs_reset(void)
{
    memset(handles, 0, sizeof handles);
}

static int node_find(const char *p)
{
    if (!p[0]) p = "/";
    for (int i = 0; i < NNODES; i++)
        if (!strcmp(nodes[i].path, p)) return i;
    return -1;
}

static int node_follow(const char *p)
{
    int n = node_find(p);
    return n >= 0 && nodes[n].target ? node_find(nodes[n].target) : n;
}

static int h_node(int h)
{
    h -= 10;
    return h >= 0 && h < NHANDLES && handles[h].used ? handles[h].node : -1;
}

static void fill_stat(int n, struct lx_stat *st)
{
    memset(st, 0, sizeof *st);
    st->ino = (u64)n + 100;
    st->nlink = 1;
    st->mode = nodes[n].dir ? 040755 : nodes[n].target ? 0120777 : 0100644;
    st->size = nodes[n].data ? strlen(nodes[n].data) : 0;
    st->blksize = 4096;
}

static int f_open(void *c, const char *p, u32 fl, u32 mode)
{
    (void)c, (void)mode;
    int n = node_follow(p);
    if (n < 0) return (fl & LX_O_CREAT) ? -LX_EROFS : -LX_ENOENT;
    if ((fl & LX_O_ACCMODE) != LX_O_RDONLY || (fl & LX_O_TRUNC)) return -LX_EROFS;
    if ((fl & LX_O_DIRECTORY) && !nodes[n].dir) return -LX_ENOTDIR;
    for (int i = 0; i < NHANDLES; i++)
        if (!handles[i].used) {
            handles[i].used = true;
            handles[i].node = n;
            handles[i].off = 0;
            return i + 10;
        }
    return -LX_EMFILE;
}
static int f_close(void *c, int h)
{
    (void)c;
    if (h_node(h) < 0) return -LX_EBADF;
    handles[h - 10].used = false;
    return 0;
}
static i64 f_pread(void *c, int h, void *buf, u64 len, i64 off)
{
    (void)c;
    int n = h_node(h);
    if (n < 0) return -LX_EBADF;
    if (nodes[n].dir) return -LX_EISDIR;
    if (off < 0) return -LX_EINVAL;
    u64 size = nodes[n].data ? strlen(nodes[n].data) : 0;
    if ((u64)off >= size) return 0;
    if (len > size - (u64)off) len = size - (u64)off;
    memcpy(buf, nodes[n].data + off, len);
    return (i64)len;
}
static i64 f_read(void *c, int h, void *buf, u64 len)
{
    int n = h_node(h);
    if (n < 0) return -LX_EBADF;
    i64 r = f_pread(c, h, buf, len, handles[h - 10].off);
    if (r > 0) handles[h - 10].off += r;
    return r;
}
static i64 f_write(void *c, int h, const void *buf, u64 len)
{
    (void)c, (void)buf, (void)len;
    return h_node(h) < 0 ? -LX_EBADF : -LX_EBADF;
}
static i64 f_pwrite(void *c, int h, const void *buf, u64 len, i64 off)
{
    (void)off;
    return f_write(c, h, buf, len);
}
static i64 f_lseek(void *c, int h, i64 off, int whence)
{
    (void)c;
    int n = h_node(h);
    if (n < 0) return -LX_EBADF;
    i64 size = nodes[n].data ? (i64)strlen(nodes[n].data) : 0;
    i64 base = whence == 0 ? 0 : whence == 1 ? handles[h - 10].off : whence == 2 ? size : -1;
    if (base < 0 || off < -base || off > INT64_MAX - base) return -LX_EINVAL;
    handles[h - 10].off = base + off;
    return base + off;
}
static int f_fstat(void *c, int h, struct lx_stat *st)
{
    (void)c;
    int n = h_node(h);
    if (n < 0) return -LX_EBADF;
    fill_stat(n, st);
    return 0;
}
static int f_stat(void *c, const char *p, struct lx_stat *st, bool follow)
{
    (void)c;
    int n = follow ? node_follow(p) : node_find(p);
    if (n < 0) return -LX_ENOENT;
    fill_stat(n, st);
    return 0;
}
static int f_readdir(void *c, int h, struct km_dirent *d)
{
    (void)c;
    int n = h_node(h);
    if (n < 0) return -LX_EBADF;
    if (!nodes[n].dir) return -LX_ENOTDIR;
    size_t dl = strcmp(nodes[n].path, "/") ? strlen(nodes[n].path) : 0;
    for (i64 i = handles[h - 10].off; i < NNODES; i++) {
        const char *p = nodes[i].path;
        if (i == n || strncmp(p, nodes[n].path, dl) || p[dl] != '/' || strchr(p + dl + 1, '/'))
            continue;
        memset(d, 0, sizeof *d);
        d->ino = (u64)i + 100;
        d->off = i + 1;
        d->type = nodes[i].dir ? 4 : nodes[i].target ? 10 : 8;
        strncpy(d->name, p + dl + 1, sizeof d->name - 1);
        handles[h - 10].off = i + 1;
        return 1;
    }
    handles[h - 10].off = NNODES;
    return 0;
}
static int f_rofs1(void *c, const char *p, u32 mode)
{
    (void)c, (void)mode;
    return node_find(p) >= 0 ? -LX_EEXIST : -LX_EROFS;
}
static int f_rofs(void *c, const char *p)
{
    (void)c;
    return node_find(p) >= 0 ? -LX_EROFS : -LX_ENOENT;
}
static int f_rename(void *c, const char *from, const char *to)
{
    (void)to;
    return f_rofs(c, from);
}
static i64 f_readlink(void *c, const char *p, char *buf, u64 len)
{
    (void)c;
    int n = node_find(p);
    if (n < 0) return -LX_ENOENT;
    if (!nodes[n].target) return -LX_EINVAL;
    u64 l = strlen(nodes[n].target);
    if (l > len) l = len;
    memcpy(buf, nodes[n].target, l);
    return (i64)l;
}
static int f_access(void *c, const char *p, int mode)
{
    (void)c;
    int n = node_follow(p);
    if (n < 0) return -LX_ENOENT;
    return (mode & 2) ? -LX_EROFS : 0;
}
static int f_ftruncate(void *c, int h, i64 len)
{
    (void)c, (void)len;
    return h_node(h) < 0 ? -LX_EBADF : -LX_EINVAL;
}
static int f_tcgets(void *c, int h, u8 out[36])
{
    (void)c, (void)h, (void)out;
    return -LX_ENOTTY;
}
static int f_gethostname(void *c, char *buf, size_t n)
{
    (void)c;
    snprintf(buf, n, "fuzzhost");
    return 0;
}

const struct km_hostfs fuzz_hostfs = {
    .open = f_open,
    .close = f_close,
    .read = f_read,
    .write = f_write,
    .pread = f_pread,
    .pwrite = f_pwrite,
    .lseek = f_lseek,
    .fstat = f_fstat,
    .stat = f_stat,
    .readdir = f_readdir,
    .mkdir = f_rofs1,
    .unlink = f_rofs,
    .rmdir = f_rofs,
    .rename = f_rename,
    .readlink = f_readlink,
    .access = f_access,
    .ftruncate = f_ftruncate,
    .tcgets = f_tcgets,
    .gethostname = f_gethostname,
};
