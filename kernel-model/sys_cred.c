/* Credential syscalls (kernel/sys.c, kernel/groups.c, kernel/capability.c,
 * security/commoncap.c): ids are shown and taken in the caller's user
 * namespace, changes go to a private copy of the credentials. */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "kernel-model/sys.h"

#include <stdlib.h>

#define ID_NONE     ((u32)-1)
#define NGROUPS_MAX 65536

static const struct user_ns *my_ns(const struct task *t)
{
    return t->cred ? t->cred->user_ns : NULL;
}

/* --- getters ------------------------------------------------------------ */

static i64 show_uid(struct km *k, const struct task *t, u32 kid)
{
    return t->cred ? km_from_kuid_munged(my_ns(t), kid) : k->opt.uid;
}
static i64 show_gid(struct km *k, const struct task *t, u32 kid)
{
    return t->cred ? km_from_kgid_munged(my_ns(t), kid) : k->opt.gid;
}

static i64 sys_getuid(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    return show_uid(k, t, t->cred ? t->cred->uid : 0);
}
static i64 sys_geteuid(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    return show_uid(k, t, t->cred ? t->cred->euid : 0);
}
static i64 sys_getgid(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    return show_gid(k, t, t->cred ? t->cred->gid : 0);
}
static i64 sys_getegid(struct km *k, struct task *t, const u64 a[6])
{
    (void)a;
    return show_gid(k, t, t->cred ? t->cred->egid : 0);
}

static i64 put_three(struct task *t, const u64 addr[3], const u32 v[3])
{
    for (int i = 0; i < 3; i++)
        if (mm_write_u32(t->mm, addr[i], v[i]) < 0) return -LX_EFAULT;
    return 0;
}

static i64 sys_getresuid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    const struct cred *c = t->cred;
    const u32 v[3] = {km_from_kuid_munged(c->user_ns, c->uid),
                      km_from_kuid_munged(c->user_ns, c->euid),
                      km_from_kuid_munged(c->user_ns, c->suid)};
    return put_three(t, a, v);
}

static i64 sys_getresgid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    const struct cred *c = t->cred;
    const u32 v[3] = {km_from_kgid_munged(c->user_ns, c->gid),
                      km_from_kgid_munged(c->user_ns, c->egid),
                      km_from_kgid_munged(c->user_ns, c->sgid)};
    return put_three(t, a, v);
}

/* --- setters ------------------------------------------------------------ */

/* commit_creds of a changed copy. */
static i64 commit(struct task *t, struct cred *n)
{
    cred_commit(t, n);
    return 0;
}

/* cap_task_fix_setuid / cap_emulate_setxuid: leaving root (uid 0 of the
 * namespace) drops the capabilities unless SECBIT_KEEP_CAPS, and always
 * the ambient set; euid leaving root clears the effective set, becoming
 * euid root again raises it to the permitted one. SECBIT_NO_SETUID_FIXUP
 * turns all of this off. */
static void emulate_setxuid(struct cred *n, const struct cred *o)
{
    if (o->securebits & LX_SECBIT_NO_SETUID_FIXUP) return;
    u32 root = km_make_kuid(o->user_ns, 0);
    bool was = o->uid == root || o->euid == root || o->suid == root;
    bool is = n->uid == root || n->euid == root || n->suid == root;
    if (was && !is) {
        if (!(o->securebits & LX_SECBIT_KEEP_CAPS)) n->cap_permitted = n->cap_effective = 0;
        n->cap_ambient = 0;
    }
    if (o->euid == root && n->euid != root) n->cap_effective = 0;
    if (o->euid != root && n->euid == root) n->cap_effective = n->cap_permitted;
}

/* id (-1: unchanged) of the caller's namespace as a kernel id; false if
 * it has no mapping. */
static bool to_kid(const struct task *t, bool gid, u64 raw, u32 *out)
{
    u32 id = (u32)raw;
    if (id == ID_NONE) {
        *out = ID_NONE;
        return true;
    }
    *out = gid ? km_make_kgid(my_ns(t), id) : km_make_kuid(my_ns(t), id);
    return *out != ID_NONE;
}

/* setuid / setgid */
static i64 set_one_id(struct task *t, bool gid, u64 raw)
{
    u32 kid;
    if ((u32)raw == ID_NONE || !to_kid(t, gid, raw, &kid)) return -LX_EINVAL;
    const struct cred *o = t->cred;
    struct cred *n = cred_dup(o);
    if (km_ns_capable(o, o->user_ns, gid ? LX_CAP_SETGID : LX_CAP_SETUID)) {
        if (gid)
            n->gid = n->sgid = kid;
        else
            n->uid = n->suid = kid;
    } else if (gid ? (kid != o->gid && kid != o->sgid) : (kid != o->uid && kid != o->suid)) {
        cred_put(n);
        return -LX_EPERM;
    }
    if (gid) {
        n->egid = n->fsgid = kid;
    } else {
        n->euid = n->fsuid = kid;
        emulate_setxuid(n, o);
    }
    return commit(t, n);
}

static i64 sys_setuid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return set_one_id(t, false, a[0]);
}
static i64 sys_setgid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return set_one_id(t, true, a[0]);
}

/* The real, effective and saved ids of c, as pointers for uid or gid. */
static void id_fields(struct cred *c, bool gid, u32 **r, u32 **e, u32 **s, u32 **fs)
{
    *r = gid ? &c->gid : &c->uid;
    *e = gid ? &c->egid : &c->euid;
    *s = gid ? &c->sgid : &c->suid;
    *fs = gid ? &c->fsgid : &c->fsuid;
}

/* setreuid / setregid */
static i64 set_re(struct task *t, bool gid, u64 rraw, u64 eraw)
{
    u32 kr, ke;
    if (!to_kid(t, gid, rraw, &kr) || !to_kid(t, gid, eraw, &ke)) return -LX_EINVAL;
    struct cred *o = t->cred, *n = cred_dup(o);
    u32 * or, *oe, *os, *ofs, *nr, *ne, *ns, *nfs;
    id_fields(o, gid, & or, &oe, &os, &ofs);
    id_fields(n, gid, &nr, &ne, &ns, &nfs);
    bool cap = km_ns_capable(o, o->user_ns, gid ? LX_CAP_SETGID : LX_CAP_SETUID);
    bool bad = false;
    if (kr != ID_NONE) {
        *nr = kr;
        bad |= kr != * or &&kr != *oe && !cap;
    }
    if (ke != ID_NONE) {
        *ne = ke;
        bad |= ke != * or &&ke != *oe && ke != *os && !cap;
    }
    if (bad) {
        cred_put(n);
        return -LX_EPERM;
    }
    if (kr != ID_NONE || (ke != ID_NONE && ke != * or)) *ns = *ne;
    *nfs = *ne;
    if (!gid) emulate_setxuid(n, o);
    return commit(t, n);
}

static i64 sys_setreuid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return set_re(t, false, a[0], a[1]);
}
static i64 sys_setregid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return set_re(t, true, a[0], a[1]);
}

/* setresuid / setresgid: an unprivileged caller may only pick among its
 * current real, effective and saved ids. */
static i64 set_res(struct task *t, bool gid, const u64 a[6])
{
    u32 kid[3];
    for (int i = 0; i < 3; i++)
        if (!to_kid(t, gid, a[i], &kid[i])) return -LX_EINVAL;
    struct cred *o = t->cred;
    u32 * or, *oe, *os, *ofs;
    id_fields(o, gid, & or, &oe, &os, &ofs);
    if ((kid[0] == ID_NONE || kid[0] == * or) &&
        (kid[1] == ID_NONE || (kid[1] == *oe && kid[1] == *ofs)) &&
        (kid[2] == ID_NONE || kid[2] == *os))
        return 0; /* no-op */
    bool cap = km_ns_capable(o, o->user_ns, gid ? LX_CAP_SETGID : LX_CAP_SETUID);
    for (int i = 0; i < 3; i++)
        if (kid[i] != ID_NONE && kid[i] != * or &&kid[i] != *oe && kid[i] != *os && !cap)
            return -LX_EPERM;
    struct cred *n = cred_dup(o);
    u32 *nr, *ne, *ns, *nfs;
    id_fields(n, gid, &nr, &ne, &ns, &nfs);
    if (kid[0] != ID_NONE) *nr = kid[0];
    if (kid[1] != ID_NONE) *ne = kid[1];
    if (kid[2] != ID_NONE) *ns = kid[2];
    *nfs = *ne;
    if (!gid) emulate_setxuid(n, o);
    return commit(t, n);
}

static i64 sys_setresuid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return set_res(t, false, a);
}
static i64 sys_setresgid(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return set_res(t, true, a);
}

/* --- supplementary groups ------------------------------------------------ */

static int cmp_u32(const void *x, const void *y)
{
    u32 a = *(const u32 *)x, b = *(const u32 *)y;
    return a < b ? -1 : a > b;
}

static i64 sys_setgroups(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    i64 size = (i32)a[0];
    if (!userns_may_setgroups(t->cred)) return -LX_EPERM;
    if ((u64)size > NGROUPS_MAX) return -LX_EINVAL;
    u32 *g = size ? km_zalloc((size_t)size * sizeof *g) : NULL;
    for (i64 i = 0; i < size; i++) {
        u32 v;
        if (mm_read_u32(t->mm, a[1] + 4 * (u64)i, &v) < 0) {
            free(g);
            return -LX_EFAULT;
        }
        g[i] = km_make_kgid(my_ns(t), v);
        if (g[i] == ID_NONE) {
            free(g);
            return -LX_EINVAL;
        }
    }
    if (size) qsort(g, (size_t)size, sizeof *g, cmp_u32);
    struct cred *n = cred_dup(t->cred);
    free(n->groups);
    n->groups = g;
    n->ngroups = (int)size;
    return commit(t, n);
}

static i64 sys_getgroups(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    i64 size = (i32)a[0];
    const struct cred *c = t->cred;
    if (size < 0) return -LX_EINVAL;
    if (size) {
        if (c->ngroups > size) return -LX_EINVAL;
        for (int i = 0; i < c->ngroups; i++)
            if (mm_write_u32(t->mm, a[1] + 4 * (u64)i,
                             km_from_kgid_munged(c->user_ns, c->groups[i])) < 0)
                return -LX_EFAULT;
    }
    return c->ngroups;
}

/* --- capget / capset ------------------------------------------------------ */

#define CAP_V1 0x19980330u
#define CAP_V2 0x20071026u
#define CAP_V3 0x20080522u

/* cap_validate_magic: the number of 32-bit words per set, or -LX_E*
 * (an unknown version is answered with the preferred one). */
static int cap_words(struct task *t, u64 hdr)
{
    u32 v;
    if (mm_read_u32(t->mm, hdr, &v) < 0) return -LX_EFAULT;
    if (v == CAP_V1) return 1;
    if (v == CAP_V2 || v == CAP_V3) return 2;
    if (mm_write_u32(t->mm, hdr, CAP_V3) < 0) return -LX_EFAULT;
    return -LX_EINVAL;
}

static i64 sys_capget(struct km *k, struct task *t, const u64 a[6])
{
    int words = cap_words(t, a[0]);
    if (!a[1] || words < 0) return !a[1] && words == -LX_EINVAL ? 0 : words;
    u32 pid;
    if (mm_read_u32(t->mm, a[0] + 4, &pid) < 0) return -LX_EFAULT;
    if ((i32)pid < 0) return -LX_EINVAL;
    struct task *x = pid ? km_find_task_vnr(k, t, (int)pid) : t;
    if (!x || !x->cred) return -LX_ESRCH;
    const struct cred *c = x->cred;
    for (int i = 0; i < words; i++) { /* {effective, permitted, inheritable} per word */
        const u64 set[3] = {c->cap_effective, c->cap_permitted, c->cap_inheritable};
        for (int j = 0; j < 3; j++)
            if (mm_write_u32(t->mm, a[1] + 12 * (u64)i + 4 * (u64)j, (u32)(set[j] >> (32 * i))) < 0)
                return -LX_EFAULT;
    }
    return 0;
}

static i64 sys_capset(struct km *k, struct task *t, const u64 a[6])
{
    int words = cap_words(t, a[0]);
    if (words < 0) return words;
    u32 pid;
    if (mm_read_u32(t->mm, a[0] + 4, &pid) < 0) return -LX_EFAULT;
    if (pid != 0 && (int)pid != km_pid_vnr(t, t)) return -LX_EPERM;
    (void)k;
    u64 set[3] = {0, 0, 0}; /* effective, permitted, inheritable */
    for (int i = 0; i < words; i++)
        for (int j = 0; j < 3; j++) {
            u32 v;
            if (mm_read_u32(t->mm, a[1] + 12 * (u64)i + 4 * (u64)j, &v) < 0) return -LX_EFAULT;
            set[j] |= (u64)v << (32 * i);
        }
    for (int j = 0; j < 3; j++)
        set[j] &= LX_CAP_FULL_SET;
    /* cap_capset: inheritable within inheritable|permitted (unless
     * CAP_SETPCAP) and within inheritable|bounding; permitted may only
     * shrink; effective within the new permitted */
    const struct cred *o = t->cred;
    bool setpcap = km_ns_capable(o, o->user_ns, LX_CAP_SETPCAP);
    if (!setpcap && (set[2] & ~(o->cap_inheritable | o->cap_permitted))) return -LX_EPERM;
    if (set[2] & ~(o->cap_inheritable | o->cap_bset)) return -LX_EPERM;
    if (set[1] & ~o->cap_permitted) return -LX_EPERM;
    if (set[0] & ~set[1]) return -LX_EPERM;
    struct cred *n = cred_dup(o);
    n->cap_effective = set[0];
    n->cap_permitted = set[1];
    n->cap_inheritable = set[2];
    n->cap_ambient &= set[1] & set[2]; /* ambient stays within permitted & inheritable */
    return commit(t, n);
}

const struct km_sys_entry km_sys_cred[] = {
    {LX_SYS_getuid, sys_getuid, ""},
    {LX_SYS_geteuid, sys_geteuid, ""},
    {LX_SYS_getgid, sys_getgid, ""},
    {LX_SYS_getegid, sys_getegid, ""},
    {LX_SYS_getresuid, sys_getresuid, "ppp"},
    {LX_SYS_getresgid, sys_getresgid, "ppp"},
    {LX_SYS_setuid, sys_setuid, "d"},
    {LX_SYS_setgid, sys_setgid, "d"},
    {LX_SYS_setreuid, sys_setreuid, "dd"},
    {LX_SYS_setregid, sys_setregid, "dd"},
    {LX_SYS_setresuid, sys_setresuid, "ddd"},
    {LX_SYS_setresgid, sys_setresgid, "ddd"},
    {LX_SYS_setgroups, sys_setgroups, "dp"},
    {LX_SYS_getgroups, sys_getgroups, "dp"},
    {LX_SYS_capget, sys_capget, "pp"},
    {LX_SYS_capset, sys_capset, "pp"},
    {LX_SYS_NONE, NULL, NULL},
};
