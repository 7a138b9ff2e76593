/* The clone family: clone3's copy-in checks, the refusal rules of
 * kernel/fork.c in the kernel's order (../shared/CLONE-RULES.md), and
 * km_clone, the one place a task is created. Every refusal names its rule. */
#include "kernel-model/files.h"
#include "kernel-model/internal.h"

#include <stdio.h>

/* A refusal: errno, rule id (stable, used by tests and --explain) and the
 * clone(2)/kernel text with the version that introduced it. */
struct clone_rule {
    int err;
    const char *id;
    const char *why;
};

#define RULE(e, i, w) static const struct clone_rule i = {e, #i, w};

/* clone3 copy-in (CLONE-RULES.md rows 1-8) */
RULE(LX_E2BIG, size_big, "clone3: size is larger than a page (since 5.3)")
RULE(LX_EINVAL, size_small, "clone3: size is smaller than CLONE_ARGS_SIZE_VER0 (64) (since 5.3)")
RULE(LX_EFAULT, copyin_fault, "clone3: cl_args is not readable (since 5.3)")
RULE(LX_E2BIG, copyin_tail, "clone3: unknown trailing fields must be zero (since 5.3)")
RULE(LX_EINVAL, set_tid_size_big,
     "clone3: set_tid_size is larger than 32 nested pid namespaces (since 5.5)")
RULE(LX_EINVAL, set_tid_mismatch,
     "clone3: set_tid and set_tid_size must both be given or both be 0 (since 5.5)")
RULE(LX_EINVAL, exit_signal_invalid,
     "clone3: exit_signal has bits above 0xff or is not a valid signal (since 5.4)")
RULE(LX_EINVAL, cgroup_args_invalid,
     "clone3: CLONE_INTO_CGROUP needs a cgroup fd <= INT_MAX and a VER2 struct (since 5.7)")
RULE(LX_EFAULT, set_tid_fault, "clone3: the set_tid array is not readable (since 5.5)")
/* clone3_args_valid (rows 9-13) */
RULE(LX_EINVAL, unknown_flags, "clone3: unknown flag bits (since 5.3)")
RULE(LX_EINVAL, clone3_detached_or_csignal,
     "clone3: CLONE_DETACHED and the CSIGNAL bits are reserved (since 5.3)")
RULE(LX_EINVAL, sighand_and_clear_sighand,
     "CLONE_SIGHAND together with CLONE_CLEAR_SIGHAND (since 5.5)")
RULE(LX_EINVAL, thread_or_parent_with_exit_signal,
     "clone3: CLONE_THREAD or CLONE_PARENT with a non-zero exit_signal (since 5.3)")
RULE(LX_EINVAL, stack_invalid,
     "clone3: stack and stack_size must both be 0 or describe a user range (since 5.4)")
/* kernel_clone / copy_process (rows 14-21) */
RULE(LX_EINVAL, pidfd_and_parent_settid,
     "CLONE_PIDFD and CLONE_PARENT_SETTID with the same pointer (since 5.2)")
RULE(LX_EINVAL, newns_and_fs, "CLONE_NEWNS together with CLONE_FS (since 2.4.19)")
RULE(LX_EINVAL, newuser_and_fs, "CLONE_NEWUSER together with CLONE_FS (since 3.9)")
RULE(LX_EINVAL, thread_needs_sighand, "CLONE_THREAD requires CLONE_SIGHAND (since 2.5.35)")
RULE(LX_EINVAL, sighand_needs_vm, "CLONE_SIGHAND requires CLONE_VM (since 2.6.0)")
RULE(LX_EINVAL, parent_of_init,
     "CLONE_PARENT from an init process (no siblings of init) (since 2.6.32)")
RULE(LX_EINVAL, thread_with_newuser_or_newpid,
     "CLONE_THREAD with CLONE_NEWUSER or CLONE_NEWPID, or after unshare of a pid namespace (since "
     "2.6.24/3.8)")
RULE(LX_EINVAL, pidfd_and_detached, "CLONE_PIDFD together with CLONE_DETACHED (since 5.2)")
/* credentials, limits, namespaces (rows 24-31) */
RULE(LX_ENOSPC, userns_depth, "CLONE_NEWUSER: more than 32 nested user namespaces (since 3.11)")
RULE(LX_EPERM, userns_creator_unmapped,
     "CLONE_NEWUSER: the caller's euid or egid has no mapping in its user namespace (since 3.8)")
RULE(LX_EAGAIN, rlimit_nproc, "RLIMIT_NPROC reached for the real user id")
RULE(LX_EAGAIN, threads_max,
     "the system-wide task limit (kernel.threads-max; clonemu run --max-tasks) is reached")
RULE(LX_EPERM, ns_needs_cap_sys_admin, "CLONE_NEW* (except NEWUSER) needs CAP_SYS_ADMIN")
RULE(LX_EINVAL, newipc_and_sysvsem, "CLONE_NEWIPC together with CLONE_SYSVSEM")
RULE(LX_EINVAL, newpid_after_unshare,
     "CLONE_NEWPID after unshare/setns of a pid namespace: the caller's pid_ns_for_children is not "
     "its active pid namespace (since 3.8)")
RULE(LX_ENOSPC, pidns_depth, "CLONE_NEWPID: more than 32 nested pid namespaces (since 3.7)")
/* late stages (rows 33-36) */
RULE(LX_EPERM, settls_out_of_range, "x86-64: CLONE_SETTLS with a TLS address beyond user space")
RULE(LX_EINVAL, set_tid_too_many_levels,
     "clone3: set_tid_size larger than the new pid namespace depth + 1 (since 5.5)")
RULE(LX_EINVAL, set_tid_out_of_range, "clone3: a set_tid entry is < 1 or >= pid_max (since 5.5)")
RULE(LX_EINVAL, set_tid_no_init,
     "clone3: set_tid != 1 in a pid namespace that has no init yet (since 5.5)")
RULE(LX_EPERM, set_tid_needs_cap,
     "clone3: set_tid needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE (since 5.5/5.9)")
RULE(LX_EEXIST, set_tid_taken, "clone3: a set_tid entry is already in use (since 5.5)")
RULE(LX_EINVAL, newpid_userns_outside,
     "CLONE_NEWPID: the new user namespace is not at or below the owner of the parent pid "
     "namespace (after setns into another user namespace) (since 3.8)")
RULE(LX_ENOMEM, pidns_dead,
     "the init of the pid namespace has exited: no more processes can join it (since 3.4)")
RULE(LX_EMFILE, pidfd_emfile, "CLONE_PIDFD: no free file descriptor (since 5.2)")
RULE(LX_EFAULT, pidfd_fault, "CLONE_PIDFD: the pidfd cannot be stored (since 5.2)")
RULE(LX_ENOMEM, mm_nomem,
     "copy_mm: the host has no room for a copy of the address space (clonemu backs every guest "
     "mapping with host address space; a guest that maps most of it cannot fork)")
RULE(
    LX_EBADF, into_cgroup_badf,
    "CLONE_INTO_CGROUP: the fd is not a cgroup v2 directory (cgroups are not modelled) (since 5.7)")

#undef RULE

void km_ev_refused(struct km *k, struct task *t, const char *call, int err, const char *rule,
                   const char *why)
{
    k->last_rule = rule;
    km_ev_begin(k, "clone_refused", t);
    km_ev_str(k, "call", call);
    km_ev_str(k, "errno", lx_errno_name(err));
    km_ev_str(k, "rule", rule);
    km_ev_str(k, "why", why);
    km_ev_end(k);
}

static const char *kind_name(enum km_clone_kind kind)
{
    switch (kind) {
    case KM_CLONE_CLONE: return "clone";
    case KM_CLONE_CLONE3: return "clone3";
    case KM_CLONE_FORK: return "fork";
    case KM_CLONE_VFORK: return "vfork";
    case KM_CLONE_CLONE2: return "clone2";
    }
    return "?";
}

static i64 refuse(struct km *k, struct task *t, const char *call, const struct clone_rule *r)
{
    km_ev_refused(k, t, call, r->err, r->id, r->why);
    return -r->err;
}

/* clone3: copy_clone_args_from_user, in the kernel's order. */
i64 km_clone3_copy_in(struct km *k, struct task *t, u64 uargs, u64 size,
                      struct kernel_clone_args *out)
{
    u8 buf[LX_CLONE_ARGS_SIZE_VER2] = {0};
    bool be = t->abi->big_endian;
    if (size > LX_PAGE_SIZE) return refuse(k, t, "clone3", &size_big);
    if (size < LX_CLONE_ARGS_SIZE_VER0) return refuse(k, t, "clone3", &size_small);
    size_t known = size < sizeof buf ? (size_t)size : sizeof buf;
    /* copy_struct_from_user checks the tail before it copies the known
     * part: a non-zero tail is E2BIG even when the head is unreadable. */
    for (u64 off = known; off < size; off += 64) { /* the tail must be zero */
        u8 tail[64];
        size_t n = size - off < sizeof tail ? (size_t)(size - off) : sizeof tail;
        if (mm_read(t->mm, uargs + off, tail, n) < 0) return refuse(k, t, "clone3", &copyin_fault);
        for (size_t i = 0; i < n; i++)
            if (tail[i]) return refuse(k, t, "clone3", &copyin_tail);
    }
    if (mm_read(t->mm, uargs, buf, known) < 0) return refuse(k, t, "clone3", &copyin_fault);
    u64 flags = lx_get64(be, buf + 0), exit_signal = lx_get64(be, buf + 32);
    u64 set_tid = lx_get64(be, buf + 64), set_tid_size = lx_get64(be, buf + 72);
    u64 cgroup = lx_get64(be, buf + 80);
    if (set_tid_size > LX_MAX_PID_NS_LEVEL) return refuse(k, t, "clone3", &set_tid_size_big);
    if ((!set_tid && set_tid_size > 0) || (set_tid && set_tid_size == 0))
        return refuse(k, t, "clone3", &set_tid_mismatch);
    if ((exit_signal & ~LX_CSIGNAL) || exit_signal > LX_NSIG)
        return refuse(k, t, "clone3", &exit_signal_invalid);
    if ((flags & LX_CLONE_INTO_CGROUP) && (cgroup > 0x7fffffff || size < LX_CLONE_ARGS_SIZE_VER2))
        return refuse(k, t, "clone3", &cgroup_args_invalid);
    *out = (struct kernel_clone_args){
        .kind = KM_CLONE_CLONE3,
        .flags = flags,
        .pidfd = lx_get64(be, buf + 8),
        .child_tid = lx_get64(be, buf + 16),
        .parent_tid = lx_get64(be, buf + 24),
        .exit_signal = (int)exit_signal,
        .stack = lx_get64(be, buf + 40),
        .stack_size = lx_get64(be, buf + 48),
        .tls = lx_get64(be, buf + 56),
        .set_tid_ptr = set_tid,
        .set_tid_size = (u32)set_tid_size,
        .cgroup = cgroup,
    };
    for (u32 i = 0; i < out->set_tid_size; i++) {
        u32 v;
        if (mm_read_u32(t->mm, set_tid + 4 * i, &v) < 0)
            return refuse(k, t, "clone3", &set_tid_fault);
        out->set_tid[i] = (i32)v;
    }
    return 0;
}

static bool range_is_user(const struct task *t, u64 start, u64 len)
{
    return start + len >= start && start + len <= t->abi->task_size;
}

/* A walk over the refusal rules: stop at the first that refuses (the
 * model's answer), or visit every one (clonemu explain). */
struct rule_walk {
    bool all;
    const struct clone_rule *first;
    const struct clone_rule *seen[16];
    int nseen;
    void (*visit)(void *ctx, int err, const char *rule, const char *why);
    void *ctx;
};

/* Record that rule r refuses the call; true: stop walking. */
static bool walk_hit(struct rule_walk *w, const struct clone_rule *r)
{
    if (!w->first) w->first = r;
    if (!w->all) return true;
    for (int i = 0; i < w->nseen; i++)
        if (w->seen[i] == r) return false;
    if (w->nseen < (int)(sizeof w->seen / sizeof w->seen[0])) w->seen[w->nseen++] = r;
    if (w->visit) w->visit(w->ctx, r->err, r->id, r->why);
    return false;
}

/* One rule per line: if cond holds, rule refuses (and the walk may stop). */
#define REFUSES(cond, rule)                                                                        \
    do {                                                                                           \
        if ((cond) && walk_hit(w, &(rule))) return;                                                \
    } while (0)

/* clone3_args_valid, then the copy_process checks, in the kernel's order.
 * Pure: no side effects. The one place the rules are written. */
static void clone_rules_walk(struct km *k, struct task *t, const struct kernel_clone_args *a,
                             struct rule_walk *w)
{
    u64 f = a->flags;
    if (a->kind == KM_CLONE_CLONE3) {
        REFUSES(f & ~(0xffffffffULL | LX_CLONE_CLEAR_SIGHAND | LX_CLONE_INTO_CGROUP),
                unknown_flags);
        REFUSES(f & (LX_CLONE_DETACHED | (LX_CSIGNAL & ~LX_CLONE_NEWTIME)),
                clone3_detached_or_csignal);
        REFUSES((f & LX_CLONE_SIGHAND) && (f & LX_CLONE_CLEAR_SIGHAND), sighand_and_clear_sighand);
        REFUSES((f & (LX_CLONE_THREAD | LX_CLONE_PARENT)) && a->exit_signal,
                thread_or_parent_with_exit_signal);
        REFUSES((a->stack == 0 && a->stack_size > 0) || (a->stack != 0 && a->stack_size == 0) ||
                    (a->stack && !range_is_user(t, a->stack, a->stack_size)),
                stack_invalid);
    }
    REFUSES((f & LX_CLONE_PIDFD) && (f & LX_CLONE_PARENT_SETTID) && a->pidfd == a->parent_tid,
            pidfd_and_parent_settid);
    REFUSES((f & LX_CLONE_NEWNS) && (f & LX_CLONE_FS), newns_and_fs);
    REFUSES((f & LX_CLONE_NEWUSER) && (f & LX_CLONE_FS), newuser_and_fs);
    REFUSES((f & LX_CLONE_THREAD) && !(f & LX_CLONE_SIGHAND), thread_needs_sighand);
    REFUSES((f & LX_CLONE_SIGHAND) && !(f & LX_CLONE_VM), sighand_needs_vm);
    REFUSES((f & LX_CLONE_PARENT) && (t->tg == k->init->tg || t->tg->unkillable), parent_of_init);
    struct pid_ns *pfc = nsproxy_pid_for_children(t->ns);
    REFUSES((f & LX_CLONE_THREAD) &&
                ((f & (LX_CLONE_NEWUSER | LX_CLONE_NEWPID)) || pfc != t->pidns),
            thread_with_newuser_or_newpid);
    /* No rule for CLONE_THREAD/CLONE_VM after unshare(CLONE_NEWTIME): 5.6-6.0
     * refused them, 6.x accepts them (CLONE-RULES.md note 11, checked on
     * 6.18; samples/ns_time_vm.c); the child then stays in the caller's
     * active time namespace. */
    REFUSES((f & LX_CLONE_PIDFD) && (f & LX_CLONE_DETACHED), pidfd_and_detached);
    int userns_err = (f & LX_CLONE_NEWUSER) ? userns_may_create(t->cred) : 0;
    REFUSES(userns_err == -LX_ENOSPC, userns_depth);
    REFUSES(userns_err == -LX_EPERM, userns_creator_unmapped);
    if (t->cred->uid != 0 && !km_capable(t->cred, LX_CAP_SYS_RESOURCE) &&
        !km_capable(t->cred, LX_CAP_SYS_ADMIN)) {
        u64 procs = 0;
        for (struct task *p = k->tasks; p; p = p->all_next)
            if (p != k->init && p->state < TASK_ZOMBIE && p->cred && p->cred->uid == t->cred->uid)
                procs++;
        REFUSES(procs >= t->tg->rlim_nproc, rlimit_nproc);
    }
    REFUSES(k->opt.max_tasks && km_live_tasks(k) >= k->opt.max_tasks, threads_max);
    /* CAP_SYS_ADMIN in the child's user namespace: a new user namespace
     * makes its creator fully capable there. */
    REFUSES((f & (LX_CLONE_NS_FLAGS & ~LX_CLONE_NEWUSER)) && !(f & LX_CLONE_NEWUSER) &&
                !cred_capable_admin(t->cred),
            ns_needs_cap_sys_admin);
    REFUSES((f & LX_CLONE_NEWIPC) && (f & LX_CLONE_SYSVSEM), newipc_and_sysvsem);
    REFUSES((f & LX_CLONE_NEWPID) && pfc != t->pidns, newpid_after_unshare);
    /* create_pid_namespace: in_userns(parent's owner, the child's userns);
     * a NEWUSER namespace is a child of the caller's, so the caller's decides */
    REFUSES((f & LX_CLONE_NEWPID) && !userns_within(pfc->ns.owner, t->cred->user_ns),
            newpid_userns_outside);
    REFUSES((f & LX_CLONE_NEWPID) && pfc->level + 1 > LX_MAX_PID_NS_LEVEL, pidns_depth);
    REFUSES((f & LX_CLONE_SETTLS) && t->abi->settls_max && a->tls >= t->abi->settls_max,
            settls_out_of_range);
    if (a->set_tid_size) {
        /* alloc_pid, innermost level first: a new namespace (NEWPID) has
         * no init and no pids yet. */
        bool newpid = f & LX_CLONE_NEWPID;
        int new_level = pfc->level + (newpid ? 1 : 0);
        REFUSES((int)a->set_tid_size > new_level + 1, set_tid_too_many_levels);
        for (u32 i = 0; i < a->set_tid_size; i++) {
            i32 tid = a->set_tid[i];
            if (tid < 1 || tid >= KM_PID_MAX) {
                REFUSES(true, set_tid_out_of_range);
                continue;
            }
            const struct pid_ns *lns = pidns_at_level(pfc, new_level - (int)i);
            if (newpid && i == 0) lns = NULL;
            REFUSES(tid != 1 && (!lns || !lns->child_reaper), set_tid_no_init);
            /* CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE over the level's owner;
             * a namespace the child creates with NEWUSER is its own */
            const struct user_ns *owner = lns ? lns->ns.owner : t->cred->user_ns;
            bool cap = (!lns && (f & LX_CLONE_NEWUSER)) ||
                       km_ns_capable(t->cred, owner, LX_CAP_SYS_ADMIN) ||
                       km_ns_capable(t->cred, owner, LX_CAP_CHECKPOINT_RESTORE);
            REFUSES(!cap, set_tid_needs_cap);
            REFUSES(lns && km_find_task_ns(k, lns, tid), set_tid_taken);
        }
    }
    REFUSES(!(f & LX_CLONE_NEWPID) && !pfc->adding, pidns_dead);
    REFUSES(f & LX_CLONE_INTO_CGROUP, into_cgroup_badf);
}

#undef REFUSES

static const struct clone_rule *clone_first_refusal(struct km *k, struct task *t,
                                                    const struct kernel_clone_args *a)
{
    struct rule_walk w = {.all = false};
    clone_rules_walk(k, t, a, &w);
    return w.first;
}

int km_clone_check(struct km *k, struct task *t, const struct kernel_clone_args *args,
                   const char **rule, const char **why)
{
    const struct clone_rule *r = clone_first_refusal(k, t, args);
    if (rule) *rule = r ? r->id : NULL;
    if (why) *why = r ? r->why : NULL;
    return r ? -r->err : 0;
}

int km_clone_check_all(struct km *k, struct task *t, const struct kernel_clone_args *args,
                       void (*visit)(void *ctx, int err, const char *rule, const char *why),
                       void *ctx)
{
    struct rule_walk w = {.all = true, .visit = visit, .ctx = ctx};
    clone_rules_walk(k, t, args, &w);
    return w.nseen;
}

void task_add_child(struct task *parent, struct task *child)
{
    child->sibling = NULL;
    struct task **pp = &parent->children;
    while (*pp)
        pp = &(*pp)->sibling;
    *pp = child;
}

void task_remove_child(struct task *parent, struct task *child)
{
    for (struct task **pp = &parent->children; *pp; pp = &(*pp)->sibling)
        if (*pp == child) {
            *pp = child->sibling;
            child->sibling = NULL;
            return;
        }
}

/* Append "name#id" to the shared or copied list of the clone event. */
static void note_res(char *shared, char *copied, size_t n, bool share, const char *name, int id)
{
    char *dst = share ? shared : copied;
    size_t len = strlen(dst);
    snprintf(dst + len, n - len, "%s%s#%d", len ? "," : "", name, id);
}

i64 km_clone(struct km *k, struct task *t, struct kernel_clone_args *a)
{
    const char *call = kind_name(a->kind);
    const struct clone_rule *r = clone_first_refusal(k, t, a);
    /* cgroup_can_fork runs after the pidfd is stored (copy_process): a
     * pidfd failure wins over INTO_CGROUP's EBADF. */
    const struct clone_rule *late = r == &into_cgroup_badf ? r : NULL;
    if (r && !late) return refuse(k, t, call, r);
    u64 f = a->flags;
    struct mm *mm = NULL; /* copy_mm first: nothing to undo when it fails */
    if (!(f & LX_CLONE_VM) && !(mm = mm_fork(t->mm, km_new_res_id(k))))
        return refuse(k, t, call, &mm_nomem);

    struct task *c = km_task_alloc(k, 0); /* numbered once its pid namespace is known */
    c->abi = t->abi;
    /* copy_creds: threads share the credentials, a new user namespace
     * gives the child its own, fully capable there */
    if (f & LX_CLONE_NEWUSER) {
        c->cred = cred_dup(t->cred);
        userns_create(k, t, c->cred);
    } else {
        c->cred = cred_get(t->cred);
    }
    memcpy(c->comm, t->comm, sizeof c->comm);
    c->blocked = t->blocked;

    char shared[256] = "", copied[256] = "";
    const size_t n = sizeof shared;
    if (f & LX_CLONE_VM) {
        c->mm = mm_get(t->mm);
    } else {
        c->mm = mm;
        fs_set_exe(k, c->mm, fs_exe_path(k, t->mm));
    }
    note_res(shared, copied, n, f & LX_CLONE_VM, "mm", c->mm->id);
    c->files = (f & LX_CLONE_FILES) ? files_get(t->files) : files_dup(k, t->files);
    note_res(shared, copied, n, f & LX_CLONE_FILES, "files", files_id(c->files));
    c->fs = (f & LX_CLONE_FS) ? fs_get(t->fs) : fs_dup(k, t->fs);
    note_res(shared, copied, n, f & LX_CLONE_FS, "fs", fs_id(c->fs));
    c->sighand = (f & LX_CLONE_SIGHAND) ? sighand_get(t->sighand)
                                        : sighand_copy(k, t->sighand, f & LX_CLONE_CLEAR_SIGHAND);
    note_res(shared, copied, n, f & LX_CLONE_SIGHAND, "sighand", c->sighand->id);
    c->sysvsem = sysvsem_clone(k, t, f & LX_CLONE_SYSVSEM);
    note_res(shared, copied, n, f & LX_CLONE_SYSVSEM, "sysvsem", res_id(c->sysvsem));
    c->io = (f & LX_CLONE_IO) ? res_get(t->io) : res_new(k);
    note_res(shared, copied, n, f & LX_CLONE_IO, "io", res_id(c->io));
    c->ns = nsproxy_for_clone(k, t, t->ns, f, c->cred->user_ns);
    note_res(shared, copied, n, c->ns == t->ns, "nsproxy", c->ns->id);
    /* alloc_pid in the child's nsproxy's pid_ns_for_children */
    pidns_assign(k, c, nsproxy_pid_for_children(c->ns), a->set_tid, a->set_tid_size);

    if (f & LX_CLONE_THREAD) {
        c->tg = t->tg;
        t->tg->refs++;
        tg_thread_append(t->tg, c);
        t->tg->nr_threads++;
    } else {
        c->tg = tgroup_new(c->tid);
        c->tg->leader = c;
        tg_thread_append(c->tg, c);
        c->tg->nr_threads = 1;
        c->tg->pgid = t->tg->pgid;
        c->tg->sid = t->tg->sid;
        c->tg->rlim_nofile = t->tg->rlim_nofile;
        c->tg->rlim_nproc = t->tg->rlim_nproc;
        c->tg->rlim_stack = t->tg->rlim_stack;
        c->tg->rlim_core = t->tg->rlim_core;
        memcpy(c->tg->rlim_soft, t->tg->rlim_soft, sizeof c->tg->rlim_soft);
        memcpy(c->tg->rlim_hard, t->tg->rlim_hard, sizeof c->tg->rlim_hard);
        c->tg->has_child_subreaper = t->tg->has_child_subreaper || t->tg->is_child_subreaper;
        pidns_new_group(c);
    }
    if (f & (LX_CLONE_PARENT | LX_CLONE_THREAD)) {
        c->real_parent = t->real_parent;
        c->exit_signal = (f & LX_CLONE_THREAD) ? -1 : t->tg->leader->exit_signal;
    } else {
        c->real_parent = t;
        c->exit_signal = a->exit_signal;
    }
    if (!(f & LX_CLONE_THREAD)) task_add_child(c->real_parent, c);
    c->set_child_tid = (f & LX_CLONE_CHILD_SETTID) ? a->child_tid : 0;
    c->clear_child_tid = (f & LX_CLONE_CHILD_CLEARTID) ? a->child_tid : 0;
    c->tls = (f & LX_CLONE_SETTLS) ? a->tls : t->tls;

    /* clone3 and clone2 give the stack as an area; the SP is its top. */
    u64 sp = a->stack_size ? a->stack + a->stack_size : a->stack;
    int err = k->host->cpu_clone(k->host->ctx, t, c, sp, f & LX_CLONE_SETTLS, a->tls);
    int pidfd = -1;
    if (!err && (f & LX_CLONE_PIDFD)) {
        pidfd = files_install_pidfd(k, t, c, f & LX_CLONE_THREAD);
        if (pidfd < 0)
            err = pidfd;
        else if (mm_write_u32(t->mm, a->pidfd, (u32)pidfd) < 0)
            err = -LX_EFAULT;
    }
    if (!err && late) err = -late->err;
    if (err) {
        /* Undo: the child never ran; nobody saw it. */
        if (pidfd >= 0) files_close_fd(k, t, pidfd);
        const struct clone_rule *why = err == -LX_EMFILE   ? &pidfd_emfile
                                       : err == -LX_EFAULT ? &pidfd_fault
                                       : late              ? late
                                                           : NULL;
        if (why) km_ev_refused(k, t, call, why->err, why->id, why->why);
        if (!(f & LX_CLONE_THREAD))
            task_remove_child(c->real_parent, c);
        else {
            tg_thread_unlink(t->tg, c);
            t->tg->nr_threads--;
        }
        task_release_resources(k, c);
        pidns_task_free(k, c);
        km_set_state(k, c, TASK_DEAD);
        task_put(k, c);
        return err;
    }
    /* Ignored failures, as in Linux: a bad PARENT_SETTID/CHILD_SETTID pointer. */
    /* Every number is the writer's view: the parent's, and the child's own. */
    int vnr = km_pid_vnr(t, c);
    if (f & LX_CLONE_PARENT_SETTID) (void)mm_write_u32(t->mm, a->parent_tid, (u32)vnr);
    if (f & LX_CLONE_CHILD_SETTID) (void)mm_write_u32(c->mm, a->child_tid, (u32)km_pid_vnr(c, c));
    km_set_state(k, c, TASK_RUNNABLE);

    if (km_ev_enabled(k)) {
        char fl[512];
        km_ev_begin(k, "clone", t);
        km_ev_str(k, "call", call);
        km_ev_int(k, "child", c->tid);
        km_ev_int(k, "child_tgid", c->tg->tgid);
        km_ev_int(k, "parent", c->real_parent->tid);
        km_ev_str(k, "flags", km_clone_flags_str(f, a->exit_signal, fl, sizeof fl));
        km_ev_str(k, "exit_signal", c->exit_signal < 0 ? "none" : lx_signal_name(c->exit_signal));
        km_ev_str(k, "shared", shared);
        km_ev_str(k, "copied", copied);
        if (a->kind == KM_CLONE_CLONE2) { /* ia64: the area the child's stacks share */
            km_ev_hex(k, "stack_base", a->stack);
            km_ev_hex(k, "stack_size", a->stack_size);
        }
        if (pidfd >= 0) km_ev_int(k, "pidfd", pidfd);
        if (c->pidns->level) { /* NSpid: the child's number at each level */
            char nsp[400] = "";
            for (int l = 0, used = 0; l <= c->pidns->level && used < (int)sizeof nsp; l++)
                used += snprintf(nsp + used, sizeof nsp - (size_t)used, "%s%d", l ? "," : "",
                                 c->pids[l]);
            km_ev_str(k, "nspid", nsp);
        }
        km_ev_end(k);
    }
    k->need_resched = k->need_resched || (f & LX_CLONE_VFORK);
    if (f & LX_CLONE_VFORK) {
        /* The parent sleeps until the child execs or exits (mm_release). */
        c->vfork_parent = task_get(t);
        km_block(k, t, KM_WAIT_VFORK, (u64)c->tid, 0, 0);
        t->wait.result = vnr;
        return KM_BLOCKED;
    }
    return vnr;
}
