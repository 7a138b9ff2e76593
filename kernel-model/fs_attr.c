/* chmod and chown (fs/open.c, fs/attr.c): chmod, fchmod, fchmodat,
 * fchmodat2, chown, lchown, fchown, fchownat on host files. The model
 * decides who may change what (Linux's setattr_prepare: the owner or
 * CAP_FOWNER for chmod; chown_ok/chgrp_ok for chown: CAP_CHOWN, or the
 * owner keeping the uid and giving the file to one of its own groups)
 * and maps the guest's ids through its user namespace (make_kuid: an
 * unmapped id is EINVAL); the host, where clonemu runs as root, then
 * does the change, including the kernel's own rules about clearing
 * S_ISUID/S_ISGID. Not modelled: capabilities over a non-initial user
 * namespace (the initial namespace's are asked), chmod's clearing of
 * S_ISGID for a caller outside the file's group without CAP_FSETID, and
 * attributes of non-host files (procfs, pipes, pidfds: EPERM). Also
 * creat(2). */
#include "kernel-model/files.h"
#include "kernel-model/ns.h"
#include "kernel-model/procfs.h"
#include "kernel-model/sys.h"

#define LX_CAP_FOWNER   3
#define LX_NO_ID        ((u32)-1)
#define LX_AT_EMPTY_MSK (LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH)

static const struct km_hostfs *attr_host(struct km *k)
{
    return k->host->fs;
}

static bool attr_in_group(const struct cred *c, u32 kgid)
{
    if (kgid == c->fsgid) return true;
    for (int i = 0; i < c->ngroups; i++)
        if (c->groups[i] == kgid) return true;
    return false;
}

/* The file named by (dirfd, path, flags), or the open file dirfd itself
 * (AT_EMPTY_PATH with "", or path 0 for fchmod/fchown): *h_path is the
 * host path (empty for a handle, then *h the handle). */
static int attr_target(struct km *k, struct task *t, int dirfd, u64 path, u64 flags,
                       char h_path[KM_PATH_MAX], int *h)
{
    char p[KM_PATH_MAX], g[KM_PATH_MAX];
    h_path[0] = 0;
    if (path) {
        int r = fs_read_path(t, path, p, sizeof(p));
        if (r < 0) return r;
    }
    if (!path || (p[0] == 0 && (flags & LX_AT_EMPTY_PATH))) {
        struct km_file *f = files_lookup(t, dirfd);
        if (!f) return -LX_EBADF;
        if (f->kind != KM_FILE_HOST && f->kind != KM_FILE_DIR) return -LX_EPERM;
        *h = f->h;
        return 0;
    }
    int r = fs_walk(k, t, dirfd, p, !(flags & LX_AT_SYMLINK_NOFOLLOW), g, sizeof(g));
    if (r < 0) return r;
    if (procfs_owns(k, t, g)) return -LX_EPERM;
    return fs_resolve_abs(k, g, h_path, KM_PATH_MAX);
}

static int attr_stat(struct km *k, const char *h_path, int h, bool follow, struct lx_stat *st)
{
    const struct km_hostfs *fs = attr_host(k);
    return h_path[0] ? fs->stat(fs->ctx, h_path, st, follow) : fs->fstat(fs->ctx, h, st);
}

static i64 attr_chmod(struct km *k, struct task *t, int dirfd, u64 path, u64 mode, u64 flags)
{
    char hp[KM_PATH_MAX];
    int h = -1;
    struct lx_stat st;
    if (flags & ~(u64)LX_AT_EMPTY_MSK) return -LX_EINVAL;
    if (!attr_host(k)->chmod) return -LX_ENOSYS;
    int r = attr_target(k, t, dirfd, path, flags, hp, &h);
    if (r == 0) r = attr_stat(k, hp, h, !(flags & LX_AT_SYMLINK_NOFOLLOW), &st);
    if (r < 0) return r;
    /* fchmodat2 with AT_SYMLINK_NOFOLLOW on a symlink: no mode to change */
    if ((st.mode & 0170000) == 0120000) return -LX_EOPNOTSUPP;
    if (st.uid != t->cred->fsuid && !km_capable(t->cred, LX_CAP_FOWNER)) return -LX_EPERM;
    return attr_host(k)->chmod(attr_host(k)->ctx, hp[0] ? hp : NULL, h, (u32)mode & 07777,
                               !(flags & LX_AT_SYMLINK_NOFOLLOW));
}

static i64 attr_chown(struct km *k, struct task *t, int dirfd, u64 path, u64 uid, u64 gid,
                      u64 flags)
{
    char hp[KM_PATH_MAX];
    int h = -1;
    struct lx_stat st;
    const struct cred *c = t->cred;
    if (flags & ~(u64)LX_AT_EMPTY_MSK) return -LX_EINVAL;
    if (!attr_host(k)->chown) return -LX_ENOSYS;
    u32 ku = (u32)uid == LX_NO_ID ? LX_NO_ID : km_make_kuid(c->user_ns, (u32)uid);
    u32 kg = (u32)gid == LX_NO_ID ? LX_NO_ID : km_make_kgid(c->user_ns, (u32)gid);
    if (((u32)uid != LX_NO_ID && ku == LX_NO_ID) || ((u32)gid != LX_NO_ID && kg == LX_NO_ID))
        return -LX_EINVAL;
    int r = attr_target(k, t, dirfd, path, flags, hp, &h);
    bool follow = !(flags & LX_AT_SYMLINK_NOFOLLOW);
    if (r == 0) r = attr_stat(k, hp, h, follow, &st);
    if (r < 0) return r;
    bool cap = km_capable(c, LX_CAP_CHOWN);
    if (ku != LX_NO_ID && !cap && !(c->fsuid == st.uid && ku == st.uid)) return -LX_EPERM;
    if (kg != LX_NO_ID && !cap && !(c->fsuid == st.uid && (kg == st.gid || attr_in_group(c, kg))))
        return -LX_EPERM;
    return attr_host(k)->chown(attr_host(k)->ctx, hp[0] ? hp : NULL, h, ku, kg, follow);
}

static i64 sys_attr_chmod(struct km *k, struct task *t, const u64 a[6])
{
    return attr_chmod(k, t, LX_AT_FDCWD, a[0], a[1], 0);
}
static i64 sys_attr_fchmod(struct km *k, struct task *t, const u64 a[6])
{
    return attr_chmod(k, t, (int)a[0], 0, a[1], 0);
}
static i64 sys_attr_fchmodat(struct km *k, struct task *t, const u64 a[6])
{
    return attr_chmod(k, t, (int)a[0], a[1], a[2], 0);
}
static i64 sys_attr_fchmodat2(struct km *k, struct task *t, const u64 a[6])
{
    return attr_chmod(k, t, (int)a[0], a[1], a[2], a[3]);
}
static i64 sys_attr_chown(struct km *k, struct task *t, const u64 a[6])
{
    return attr_chown(k, t, LX_AT_FDCWD, a[0], a[1], a[2], 0);
}
static i64 sys_attr_lchown(struct km *k, struct task *t, const u64 a[6])
{
    return attr_chown(k, t, LX_AT_FDCWD, a[0], a[1], a[2], LX_AT_SYMLINK_NOFOLLOW);
}
static i64 sys_attr_fchown(struct km *k, struct task *t, const u64 a[6])
{
    return attr_chown(k, t, (int)a[0], 0, a[1], a[2], 0);
}
static i64 sys_attr_fchownat(struct km *k, struct task *t, const u64 a[6])
{
    return attr_chown(k, t, (int)a[0], a[1], a[2], a[3], a[4]);
}

/* creat(path, mode) is open(path, O_CREAT | O_WRONLY | O_TRUNC, mode)
 * (fs/open.c); kept here, beside the other path calls LTP needed. */
static i64 sys_attr_creat(struct km *k, struct task *t, const u64 a[6])
{
    const u64 b[6] = {a[0], LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, a[1], 0, 0, 0};
    return km_sys_lookup(LX_SYS_open)->fn(k, t, b);
}

#define E(name, fmt)                                                                               \
    {                                                                                              \
        LX_SYS_##name, sys_attr_##name, fmt                                                        \
    }
const struct km_sys_entry km_sys_attr[] = {
    E(chmod, "so"),  E(fchmod, "Fo"),           E(fchmodat, "Fso"), E(fchmodat2, "Fsox"),
    E(chown, "sdd"), E(lchown, "sdd"),          E(fchown, "Fdd"),   E(fchownat, "Fsddx"),
    E(creat, "so"),  {LX_SYS_NONE, NULL, NULL},
};
#undef E
