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
    cred_commit(t, n);
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
    /* begin_new_exec's dumpability, from the credentials before the exec;
     * committing the new ones may still clear it */
    if (t->mm) t->mm->dumpable = o->euid == o->uid && o->egid == o->gid;
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

/* ptrace_has_cap: CAP_SYS_PTRACE over ns */
static bool ptrace_has_cap(const struct cred *c, const struct user_ns *ns)
{
    return km_ns_capable(c, ns, LX_CAP_SYS_PTRACE);
}

/* __ptrace_may_access and cap_ptrace_access_check: the caller's real (or
 * fs) ids equal to all of the target's, or CAP_SYS_PTRACE over the
 * target's namespace; a non-dumpable target also needs CAP_SYS_PTRACE
 * (over its mm's namespace: the target's here); and the target's permitted
 * set within the caller's (same namespace), or CAP_SYS_PTRACE again. */
int cap_ptrace_may_access(const struct task *t, const struct task *x, bool fscreds)
{
    if (t->tg && t->tg == x->tg) return 0; /* same thread group */
    const struct cred *c = t->cred, *tc = x->cred;
    if (!c || !tc) return 0;
    u32 uid = fscreds ? c->fsuid : c->uid, gid = fscreds ? c->fsgid : c->gid;
    bool ids = uid == tc->euid && uid == tc->suid && uid == tc->uid && gid == tc->egid &&
               gid == tc->sgid && gid == tc->gid;
    if (!ids && !ptrace_has_cap(c, tc->user_ns)) return -LX_EPERM;
    if (x->mm && x->mm->dumpable != 1 && !ptrace_has_cap(c, tc->user_ns)) return -LX_EPERM;
    u64 caller_caps = fscreds ? c->cap_effective : c->cap_permitted;
    if (c->user_ns == tc->user_ns && !(tc->cap_permitted & ~caller_caps)) return 0;
    return ptrace_has_cap(c, tc->user_ns) ? 0 : -LX_EPERM;
}
