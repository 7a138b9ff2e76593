/* Namespace syscalls: unshare(2) with the rules of CLONE-RULES.md table B
 * (its implied flags, and CLONE_FS / CLONE_FILES meaning "stop sharing"),
 * setns(2) on /proc/<pid>/ns/ files and on pidfds (kernel/nsproxy.c and
 * each namespace's install), and kcmp(2). */
#include "kernel-model/files.h"
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "kernel-model/procfs.h"
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
                     "unshare: more than 32 nested pid namespaces (U9)"},
        pid_userns = {LX_EINVAL, "unshare_newpid_userns_outside",
                      "unshare: CLONE_NEWPID from a user namespace not at or below the owner "
                      "of the current pid namespace (U9)"};
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
    if ((f & LX_CLONE_NEWPID) && !userns_within(pfc->ns.owner, t->cred->user_ns))
        return &pid_userns;
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
    if (f & (LX_CLONE_SYSVSEM | LX_CLONE_NEWIPC)) { /* "equivalent to exit": exit_sem */
        sysvsem_exit(k, t);
        t->sysvsem = sysvsem_new(k);
    }
    if (f & LX_CLONE_NEWUSER) { /* unshare_userns: new credentials first */
        struct cred *c = cred_dup(t->cred);
        userns_create(k, t, c);
        cred_commit(t, c);
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

/* --- setns --------------------------------------------------------------- */

#define SETNS_FLAGS                                                                                \
    (LX_CLONE_NEWNS | LX_CLONE_NEWUTS | LX_CLONE_NEWIPC | LX_CLONE_NEWNET | LX_CLONE_NEWTIME |     \
     LX_CLONE_NEWUSER | LX_CLONE_NEWPID | LX_CLONE_NEWCGROUP)

/* validate_nsset's order: user first, then mnt, uts, ipc, pid, cgroup, net, time */
static const enum km_ns_type setns_order[] = {KM_NS_USER, KM_NS_MNT,    KM_NS_UTS, KM_NS_IPC,
                                              KM_NS_PID,  KM_NS_CGROUP, KM_NS_NET, KM_NS_TIME};

/* The namespace of type of task x (a pidfd's target); user: NULL is the initial one. */
static struct km_ns *task_ns(const struct task *x, enum km_ns_type type)
{
    if (type == KM_NS_USER) return x->cred->user_ns ? &x->cred->user_ns->ns : NULL;
    if (type == KM_NS_PID) return &x->pidns->ns;
    if (type == KM_NS_TIME) return x->ns->time_ns; /* the active one */
    return x->ns->ns[type];
}

/* One namespace's install check (userns_install, pidns_install, ...);
 * user is the user namespace the caller will have (nsset->cred). */
static int setns_check(struct task *t, enum km_ns_type type, struct km_ns *n,
                       const struct user_ns *user)
{
    const struct cred *c = t->cred;
    if (type == KM_NS_USER) {
        const struct user_ns *u = (const struct user_ns *)n;
        if (u == c->user_ns) return -LX_EINVAL; /* no capabilities from re-entering */
        if (t->tg->nr_threads > 1 || (t->fs && t->fs->refs > 1)) return -LX_EINVAL;
        return km_ns_capable(c, u, LX_CAP_SYS_ADMIN) ? 0 : -LX_EPERM;
    }
    if (type == KM_NS_TIME && t->tg->nr_threads > 1) return -LX_EUSERS;
    if (!km_ns_capable(c, n->owner, LX_CAP_SYS_ADMIN) || !km_ns_capable(c, user, LX_CAP_SYS_ADMIN))
        return -LX_EPERM;
    if (type == KM_NS_MNT && t->fs && t->fs->refs > 1) return -LX_EINVAL;
    if (type == KM_NS_PID) { /* only the active pid namespace or one below it */
        const struct pid_ns *p = (const struct pid_ns *)n;
        if (!pidns_within(t->pidns, p)) return -LX_EINVAL;
    }
    return 0;
}

static i64 sys_setns(struct km *k, struct task *t, const u64 a[6])
{
    int fd = (int)a[0];
    u64 flags = (u32)a[1];
    struct km_file *f = files_lookup(t, fd);
    if (!f) return -LX_EBADF;
    struct km_ns *want[KM_NS_NTYPES] = {0};
    struct task *x = NULL;
    if (f->kind == KM_FILE_PROC && f->proc && f->proc->is_ns) { /* /proc/<pid>/ns/<name> */
        enum km_ns_type type = (enum km_ns_type)f->proc->ns_type;
        if (flags && flags != ns_flag[type]) return -LX_EINVAL;
        flags = ns_flag[type];
        want[type] = f->proc->ns;
    } else if (f->kind == KM_FILE_PIDFD) { /* a set of the target's namespaces */
        if (!flags || (flags & ~SETNS_FLAGS)) return -LX_EINVAL;
        int err = 0;
        x = files_pidfd_task(k, t, fd, &err);
        if (!x || x->state >= TASK_ZOMBIE || !x->cred || !x->ns) return -LX_ESRCH;
        for (int i = 0; i < KM_NS_NTYPES; i++)
            if (flags & ns_flag[i]) want[i] = task_ns(x, (enum km_ns_type)i);
    } else {
        return -LX_EINVAL;
    }
    /* validate everything first, then commit (no partial change) */
    const struct user_ns *user = t->cred->user_ns;
    for (size_t i = 0; i < sizeof setns_order / sizeof setns_order[0]; i++) {
        enum km_ns_type ty = setns_order[i];
        if (!(flags & ns_flag[ty])) continue;
        int r = setns_check(t, ty, want[ty], user);
        if (r < 0) return r;
        if (ty == KM_NS_USER) user = (const struct user_ns *)want[ty];
    }
    if (flags & LX_CLONE_NEWUSER) { /* set_cred_user_ns: every capability there */
        struct cred *c = cred_dup(t->cred);
        if (c->user_ns) km_ns_put(k, &c->user_ns->ns);
        c->user_ns = want[KM_NS_USER] ? (struct user_ns *)km_ns_get(want[KM_NS_USER]) : NULL;
        userns_cred_caps(c);
        cred_commit(t, c);
    }
    if (flags & ~LX_CLONE_NEWUSER) {
        struct nsproxy *n = nsproxy_copy(k, t, t->ns, 0, t->cred->user_ns);
        for (int i = 0; i < KM_NS_NTYPES; i++)
            if (i != KM_NS_USER && (flags & ns_flag[i])) {
                km_ns_put(k, n->ns[i]); /* pid: pid_ns_for_children */
                n->ns[i] = km_ns_get(want[i]);
            }
        if (flags & LX_CLONE_NEWTIME) { /* timens_install: both; commit_nsset freezes */
            km_ns_put(k, n->time_ns);
            n->time_ns = km_ns_get(want[KM_NS_TIME]);
            timens_commit(n->time_ns);
        }
        nsproxy_put(k, t->ns);
        t->ns = n;
    }
    for (size_t i = 0; i < sizeof setns_order / sizeof setns_order[0]; i++) {
        enum km_ns_type ty = setns_order[i];
        if (!(flags & ns_flag[ty])) continue;
        if (want[ty]) km_ns_ev_enter(k, t, want[ty], "setns", ty == KM_NS_PID);
    }
    return 0;
}

/* --- kcmp ----------------------------------------------------------------- */

enum {
    KCMP_FILE,
    KCMP_VM,
    KCMP_FILES,
    KCMP_FS,
    KCMP_SIGHAND,
    KCMP_IO,
    KCMP_SYSVSEM,
    KCMP_EPOLL_TFD
};

/* kcmp_ptr: 0 equal, else 1 or 2 as an order (here: of the resource ids). */
static i64 kcmp_ids(u64 a, u64 b)
{
    return a == b ? 0 : a < b ? 1 : 2;
}

/* ptrace_may_access(PTRACE_MODE_READ_REALCREDS), without dumpability:
 * the same thread group, matching real ids, or CAP_SYS_PTRACE over it. */
static bool may_inspect(const struct task *t, const struct task *x)
{
    const struct cred *a = t->cred, *b = x->cred;
    if (t->tg == x->tg) return true;
    if (!a || !b) return false;
    if (a->uid == b->uid && a->uid == b->euid && a->uid == b->suid && a->gid == b->gid &&
        a->gid == b->egid && a->gid == b->sgid)
        return true;
    return km_ns_capable(a, b->user_ns, 19 /* CAP_SYS_PTRACE */);
}

/* The SysV undo list: shared (CLONE_SYSVSEM) or none (compares equal). */
static u64 undo_list_id(const struct task *x)
{
    return x->sysvsem && (x->sysvsem->has_list || x->sysvsem->refs > 1) ? (u64)x->sysvsem->id : 0;
}

static i64 sys_kcmp(struct km *k, struct task *t, const u64 a[6])
{
    struct task *x = km_find_task_vnr(k, t, (int)a[0]), *y = km_find_task_vnr(k, t, (int)a[1]);
    if (!x || !y) return -LX_ESRCH;
    if (!may_inspect(t, x) || !may_inspect(t, y)) return -LX_EPERM;
    switch ((int)a[2]) {
    case KCMP_FILE: {
        struct km_file *f = x->files ? files_lookup(x, (int)a[3]) : NULL;
        struct km_file *g = y->files ? files_lookup(y, (int)a[4]) : NULL;
        if (!f || !g) return -LX_EBADF;
        return f == g ? 0 : (uintptr_t)f < (uintptr_t)g ? 1 : 2;
    }
    case KCMP_VM: return kcmp_ids(x->mm ? x->mm->id : 0, y->mm ? y->mm->id : 0);
    case KCMP_FILES:
        return kcmp_ids(x->files ? files_id(x->files) : 0, y->files ? files_id(y->files) : 0);
    case KCMP_FS: return kcmp_ids(x->fs ? fs_id(x->fs) : 0, y->fs ? fs_id(y->fs) : 0);
    case KCMP_SIGHAND:
        return kcmp_ids(x->sighand ? x->sighand->id : 0, y->sighand ? y->sighand->id : 0);
    case KCMP_IO: return kcmp_ids(x->io ? res_id(x->io) : 0, y->io ? res_id(y->io) : 0);
    case KCMP_SYSVSEM: return kcmp_ids(undo_list_id(x), undo_list_id(y));
    case KCMP_EPOLL_TFD: return -LX_EBADF; /* not modelled (epoll.c has no kcmp lookup) */
    default: return -LX_EINVAL;
    }
}

const struct km_sys_entry km_sys_ns[] = {
    {LX_SYS_unshare, sys_unshare, "f"},
    {LX_SYS_setns, sys_setns, "Ff"},
    {LX_SYS_kcmp, sys_kcmp, "dddxx"},
    {LX_SYS_NONE, NULL, NULL},
};
