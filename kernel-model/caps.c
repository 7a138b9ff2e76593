/* Capabilities beyond capget/capset (security/commoncap.c): the
 * capability prctls (bounding set, securebits, keep-caps, ambient set) and
 * the new capability sets of an execve (cap_bprm_creds_from_file). Files
 * carry no capabilities and no set-id bits here, so exec follows the
 * root-or-not rules only. */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"

#define PR_GET_KEEPCAPS   7
#define PR_SET_KEEPCAPS   8
#define PR_CAPBSET_READ   23
#define PR_CAPBSET_DROP   24
#define PR_GET_SECUREBITS 27
#define PR_SET_SECUREBITS 28
#define PR_CAP_AMBIENT    47

#define PR_CAP_AMBIENT_IS_SET    1
#define PR_CAP_AMBIENT_RAISE     2
#define PR_CAP_AMBIENT_LOWER     3
#define PR_CAP_AMBIENT_CLEAR_ALL 4

#define CAP_BIT(c) (1ull << (c))

static bool cap_valid(u64 cap)
{
    return cap <= LX_CAP_LAST_CAP;
}

/* commit_creds of a changed copy */
static i64 cap_commit(struct task *t, struct cred *n)
{
    cred_put(t->cred);
    t->cred = n;
    return 0;
}

/* PR_SET_SECUREBITS: no change of a locked bit, no unlocking, no unknown
 * bit, and CAP_SETPCAP for anything. */
static i64 set_securebits(struct task *t, u64 bits)
{
    const struct cred *o = t->cred;
    u64 old = o->securebits;
    if ((((old & LX_SECURE_ALL_LOCKS) >> 1) & (old ^ bits)) ||
        (old & LX_SECURE_ALL_LOCKS & ~bits) ||
        (bits & ~(u64)(LX_SECURE_ALL_LOCKS | LX_SECURE_ALL_BITS)) ||
        !km_ns_capable(o, o->user_ns, LX_CAP_SETPCAP))
        return -LX_EPERM;
    struct cred *n = cred_dup(o);
    n->securebits = (u32)bits;
    return cap_commit(t, n);
}

static i64 cap_ambient(struct task *t, const u64 a[6])
{
    const struct cred *o = t->cred;
    if (a[1] == PR_CAP_AMBIENT_CLEAR_ALL) {
        if (a[2] | a[3] | a[4]) return -LX_EINVAL;
        struct cred *n = cred_dup(o);
        n->cap_ambient = 0;
        return cap_commit(t, n);
    }
    if (!cap_valid(a[2]) || a[3] || a[4]) return -LX_EINVAL;
    u64 bit = CAP_BIT(a[2]);
    if (a[1] == PR_CAP_AMBIENT_IS_SET) return (o->cap_ambient & bit) != 0;
    if (a[1] != PR_CAP_AMBIENT_RAISE && a[1] != PR_CAP_AMBIENT_LOWER) return -LX_EINVAL;
    if (a[1] == PR_CAP_AMBIENT_RAISE && (!(o->cap_permitted & bit) || !(o->cap_inheritable & bit) ||
                                         (o->securebits & LX_SECBIT_NO_CAP_AMBIENT_RAISE)))
        return -LX_EPERM;
    struct cred *n = cred_dup(o);
    if (a[1] == PR_CAP_AMBIENT_RAISE)
        n->cap_ambient |= bit;
    else
        n->cap_ambient &= ~bit;
    return cap_commit(t, n);
}

i64 cap_prctl(struct task *t, int option, const u64 a[6])
{
    const struct cred *o = t->cred;
    if (!o) return -LX_ENOSYS;
    switch (option) {
    case PR_CAPBSET_READ:
        if (!cap_valid(a[1])) return -LX_EINVAL;
        return (o->cap_bset & CAP_BIT(a[1])) != 0;
    case PR_CAPBSET_DROP: {
        if (!km_ns_capable(o, o->user_ns, LX_CAP_SETPCAP)) return -LX_EPERM;
        if (!cap_valid(a[1])) return -LX_EINVAL;
        struct cred *n = cred_dup(o);
        n->cap_bset &= ~CAP_BIT(a[1]);
        return cap_commit(t, n);
    }
    case PR_SET_SECUREBITS: return set_securebits(t, a[1]);
    case PR_GET_SECUREBITS: return o->securebits;
    case PR_GET_KEEPCAPS: return (o->securebits & LX_SECBIT_KEEP_CAPS) != 0;
    case PR_SET_KEEPCAPS: {
        if (a[1] > 1) return -LX_EINVAL;
        if (o->securebits & LX_SECBIT_KEEP_CAPS_LOCKED) return -LX_EPERM;
        struct cred *n = cred_dup(o);
        if (a[1])
            n->securebits |= LX_SECBIT_KEEP_CAPS;
        else
            n->securebits &= ~LX_SECBIT_KEEP_CAPS;
        return cap_commit(t, n);
    }
    case PR_CAP_AMBIENT: return cap_ambient(t, a);
    default: return -LX_ENOSYS;
    }
}

/* cap_bprm_creds_from_file for a file without capabilities or set-id
 * bits (and no tracer): root (real or effective, unless SECBIT_NOROOT)
 * gets permitted = bounding | inheritable, effective as well when euid is
 * root; anyone else keeps only the ambient set. The saved and fs ids
 * follow the effective ones; an exec with euid != uid (or egid != gid)
 * counts as set-id and clears the ambient set; keep-caps is cleared. */
void cap_exec(struct task *t)
{
    const struct cred *o = t->cred;
    if (!o) return;
    struct cred *n = cred_dup(o);
    u32 root = km_make_kuid(n->user_ns, 0);
    bool effective = false;
    n->cap_permitted = 0;
    if (!(o->securebits & LX_SECBIT_NOROOT)) {
        if (n->euid == root || n->uid == root) n->cap_permitted = o->cap_bset | o->cap_inheritable;
        if (n->euid == root) effective = true;
    }
    bool is_setid = n->euid != o->uid || n->egid != o->gid;
    n->suid = n->fsuid = n->euid;
    n->sgid = n->fsgid = n->egid;
    if (is_setid) n->cap_ambient = 0;
    n->cap_permitted |= n->cap_ambient;
    n->cap_effective = effective ? n->cap_permitted : n->cap_ambient;
    n->securebits &= ~LX_SECBIT_KEEP_CAPS;
    cap_commit(t, n);
}
