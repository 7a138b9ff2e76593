/* Namespace syscalls: unshare(2) with the rules of CLONE-RULES.md table B
 * (its implied flags, and CLONE_FS / CLONE_FILES meaning "stop sharing"). */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "kernel-model/sys.h"

/* The flags that name a namespace, by type (NEWUSER is handled apart). */
static const u64 ns_flag[KM_NS_NTYPES] = {
    [KM_NS_MNT] = LX_CLONE_NEWNS,    [KM_NS_UTS] = LX_CLONE_NEWUTS,
    [KM_NS_IPC] = LX_CLONE_NEWIPC,   [KM_NS_PID] = LX_CLONE_NEWPID,
    [KM_NS_NET] = LX_CLONE_NEWNET,   [KM_NS_CGROUP] = LX_CLONE_NEWCGROUP,
    [KM_NS_TIME] = LX_CLONE_NEWTIME, [KM_NS_USER] = LX_CLONE_NEWUSER,
};

struct unshare_rule {
    int err;
    const char *id, *why;
};

/* The first rule of table B that refuses f (already widened by U1). */
static const struct unshare_rule *unshare_refusal(struct task *t, u64 f)
{
    static const struct unshare_rule
        unknown = {LX_EINVAL, "unshare_unknown_flags", "unshare: flag not accepted (U2)"},
        multithreaded = {LX_EINVAL, "unshare_thread_multithreaded",
                         "unshare: THREAD/SIGHAND/VM while other threads exist (U3)"},
        sighand = {LX_EINVAL, "unshare_sighand_shared",
                   "unshare: SIGHAND/VM while the handler table is shared (U4)"},
        vm = {LX_EINVAL, "unshare_vm_shared", "unshare: VM while the mm is shared (U5)"},
        cap = {LX_EPERM, "unshare_ns_needs_cap_sys_admin",
               "unshare: CLONE_NEW* needs CAP_SYS_ADMIN (U8)"},
        user_depth = {LX_ENOSPC, "unshare_userns_depth",
                      "unshare: CLONE_NEWUSER below 33 nested user namespaces (U7)"},
        user_unmapped = {LX_EPERM, "unshare_userns_creator_unmapped",
                         "unshare: CLONE_NEWUSER with an euid or egid unmapped in the caller's "
                         "user namespace (U7)"},
        newpid_twice = {LX_EINVAL, "unshare_newpid_twice",
                        "unshare: CLONE_NEWPID while pid_ns_for_children is already not the "
                        "active pid namespace (U9)"},
        pid_depth = {LX_ENOSPC, "unshare_pidns_depth",
                     "unshare: more than 32 nested pid namespaces (U9)"};
    const u64 allowed = LX_CLONE_THREAD | LX_CLONE_FS | LX_CLONE_NEWNS | LX_CLONE_SIGHAND |
                        LX_CLONE_VM | LX_CLONE_FILES | LX_CLONE_SYSVSEM | LX_CLONE_NEWUTS |
                        LX_CLONE_NEWIPC | LX_CLONE_NEWNET | LX_CLONE_NEWUSER | LX_CLONE_NEWPID |
                        LX_CLONE_NEWCGROUP | LX_CLONE_NEWTIME;
    if (f & ~allowed) return &unknown;
    if ((f & (LX_CLONE_THREAD | LX_CLONE_SIGHAND | LX_CLONE_VM)) && t->tg->nr_threads > 1)
        return &multithreaded;
    if ((f & (LX_CLONE_SIGHAND | LX_CLONE_VM)) && t->sighand->refs > 1) return &sighand;
    if ((f & LX_CLONE_VM) && t->mm->refs > 1) return &vm;
    int uerr = (f & LX_CLONE_NEWUSER) ? userns_may_create(t->cred) : 0;
    if (uerr == -LX_ENOSPC) return &user_depth;
    if (uerr == -LX_EPERM) return &user_unmapped;
    if ((f & LX_CLONE_NS_FLAGS & ~LX_CLONE_NEWUSER) && !(f & LX_CLONE_NEWUSER) &&
        !cred_capable_admin(t->cred))
        return &cap;
    const struct pid_ns *pfc = nsproxy_pid_for_children(t->ns);
    if ((f & LX_CLONE_NEWPID) && pfc != t->pidns) return &newpid_twice;
    if ((f & LX_CLONE_NEWPID) && pfc->level + 1 > LX_MAX_PID_NS_LEVEL) return &pid_depth;
    return NULL;
}

static i64 sys_unshare(struct km *k, struct task *t, const u64 a[6])
{
    u64 f = a[0];
    /* U1: implied flags */
    if (f & LX_CLONE_NEWUSER) f |= LX_CLONE_THREAD | LX_CLONE_FS;
    if (f & LX_CLONE_VM) f |= LX_CLONE_SIGHAND;
    if (f & LX_CLONE_SIGHAND) f |= LX_CLONE_THREAD;
    if (f & LX_CLONE_NEWNS) f |= LX_CLONE_FS;
    const struct unshare_rule *r = unshare_refusal(t, f);
    if (r) {
        km_ev_refused(k, t, "unshare", r->err, r->id, r->why);
        return -r->err;
    }
    if ((f & LX_CLONE_FS) && t->fs && fs_id(t->fs) && !(f & LX_CLONE_NEWUSER)) {
        struct fs_info *n = fs_dup(k, t->fs);
        fs_put(k, t->fs);
        t->fs = n;
    }
    if (f & LX_CLONE_FILES) {
        struct files *n = files_dup(k, t->files);
        files_put(k, t->files);
        t->files = n;
    }
    if (f & LX_CLONE_NEWUSER) { /* unshare_userns: new credentials first */
        struct cred *c = cred_dup(t->cred);
        userns_create(k, t, c);
        cred_put(t->cred);
        t->cred = c;
    }
    struct nsproxy *n = NULL;
    if (f & LX_CLONE_NS_FLAGS & ~LX_CLONE_NEWUSER) {
        n = nsproxy_copy(k, t, t->ns, f, t->cred->user_ns);
        nsproxy_put(k, t->ns);
        t->ns = n;
    }
    char fl[512];
    km_ev_begin(k, "unshare", t);
    km_ev_str(k, "flags", km_clone_flags_str(f, 0, fl, sizeof fl));
    km_ev_end(k);
    if (f & LX_CLONE_NEWUSER) km_ns_ev_enter(k, t, &t->cred->user_ns->ns, "unshare", false);
    for (int i = 0; n && i < KM_NS_NTYPES; i++)
        if ((f & ns_flag[i]) && n->ns[i])
            km_ns_ev_enter(k, t, n->ns[i], "unshare", i == KM_NS_PID || i == KM_NS_TIME);
    return 0;
}

const struct km_sys_entry km_sys_ns[] = {
    {LX_SYS_unshare, sys_unshare, "f"},
    {LX_SYS_NONE, NULL, NULL},
};
