/* Unit test of the clone family's refusal rules (shared/CLONE-RULES.md,
 * section A). Table-driven: one row per rule the model implements, each with
 * a violating call made through the real syscall front-ends (km_syscall with
 * x86-64 numbers, clone3 structs written into guest memory), the expected
 * errno and rule id (read from the "clone_refused" event), and a control call
 * that changes only what the rule is about and must succeed. Then the
 * documented precedence pairs, the documented non-refusals, and the effects
 * of a successful clone (tids written, pidfd, stack, TLS, sharing). */
#include <stdio.h>
#include <string.h>

#include "kernel-model/files.h"
#include "kernel-model/internal.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

/* x86-64 syscall numbers (aarch64 clone is 220) */
enum { NR_CLONE = 56, NR_FORK = 57, NR_VFORK = 58, NR_CLONE3 = 435, A64_NR_CLONE = 220 };

/* Guest addresses in fake_boot's memory: RW 0x10000..0x110000, RO 0x200000. */
#define ARGS     0x10000ULL  /* struct clone_args */
#define TIDS     0x11000ULL  /* clone3 set_tid array */
#define PTID     0x12000ULL  /* parent_tid */
#define CTID     0x12100ULL  /* child_tid */
#define PIDFD    0x12200ULL  /* clone3 pidfd */
#define STACK    0x20000ULL  /* a stack area */
#define RO       0x200000ULL /* read-only page */
#define UNMAPPED 0x400000ULL
#define RW_END   0x110000ULL

#define X86_TASK_SIZE 0x7ffffffff000ULL
#define CAP_ADMIN     (1ULL << 21)

/* --- a booted model with a sink recording clone refusals ---------------- */

struct ctx {
    struct km k;
    struct task *t; /* the initial process (tid 1000), not init */
    struct km_sink sink;
    int refusals;  /* "clone_refused" events seen */
    char rule[64]; /* the last one's "rule" field */
    char call[16]; /* and its "call" field */
};

static struct ctx the_ctx;

static void sink_emit(void *p, const struct km_event *e)
{
    struct ctx *c = p;
    if (strcmp(e->kind, "clone_refused") != 0) return;
    const struct km_field *r = km_ev_field(e, "rule"), *call = km_ev_field(e, "call");
    c->refusals++;
    snprintf(c->rule, sizeof c->rule, "%s", r && r->s ? r->s : "(none)");
    snprintf(c->call, sizeof c->call, "%s", call && call->s ? call->s : "(none)");
}

static struct ctx *boot_abi(const struct km_abi *abi)
{
    struct ctx *c = &the_ctx;
    memset(c, 0, sizeof *c);
    c->t = fake_boot(&c->k, abi);
    c->sink.emit = sink_emit;
    c->sink.ctx = c;
    km_ev_add_sink(&c->k, &c->sink);
    return c;
}

static struct ctx *boot(void)
{
    return boot_abi(&km_abi_x86_64);
}

static void shutdown(struct ctx *c)
{
    fake_shutdown(&c->k);
}

static i64 sys(struct ctx *c, struct task *t, u32 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
    const u64 a[6] = {a0, a1, a2, a3, a4, 0};
    return km_syscall(&c->k, t, nr, a);
}

/* clone(flags, newsp, parent_tid, child_tid, tls): x86-64 argument order */
static i64 do_clone(struct ctx *c, u64 flags, u64 sp, u64 ptid, u64 ctid, u64 tls)
{
    return sys(c, c->t, NR_CLONE, flags, sp, ptid, ctid, tls);
}

struct c3 {
    u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

/* Write the 88-byte struct clone_args at addr (little endian: x86-64). */
static void put_c3(struct ctx *c, u64 addr, const struct c3 *a)
{
    const u64 v[11] = {a->flags,       a->pidfd,        a->child_tid,  a->parent_tid,
                       a->exit_signal, a->stack,        a->stack_size, a->tls,
                       a->set_tid,     a->set_tid_size, a->cgroup};
    u8 b[88];
    for (int i = 0; i < 11; i++)
        lx_put64(false, b + 8 * i, v[i]);
    CHECK(mm_write(c->t->mm, addr, b, sizeof b) >= 0, "put_c3: cannot write clone_args at %#llx",
          (unsigned long long)addr);
}

static i64 clone3_at(struct ctx *c, u64 addr, u64 size)
{
    return sys(c, c->t, NR_CLONE3, addr, size, 0, 0, 0);
}

static i64 do_clone3(struct ctx *c, const struct c3 *a, u64 size)
{
    put_c3(c, ARGS, a);
    return clone3_at(c, ARGS, size);
}

/* set_tid[] = {t0, t1} at TIDS */
static void put_tids(struct ctx *c, i32 t0, i32 t1)
{
    mm_write_u32(c->t->mm, TIDS, (u32)t0);
    mm_write_u32(c->t->mm, TIDS + 4, (u32)t1);
}

/* A private credential for the caller (the boot one is shared with init). */
static struct cred *own_cred(struct ctx *c, u32 uid, u64 caps)
{
    struct cred *n = cred_new(uid, uid);
    n->cap_effective = caps;
    cred_put(c->t->cred);
    c->t->cred = n;
    return n;
}

static struct c3 base3(void)
{
    return (struct c3){.exit_signal = LX_SIGCHLD};
}

static const char *res_str(i64 r, char *buf, size_t n)
{
    if (r == KM_BLOCKED)
        snprintf(buf, n, "KM_BLOCKED");
    else if (lx_is_err(r))
        snprintf(buf, n, "-%s", lx_errno_name((int)-r));
    else
        snprintf(buf, n, "%lld", (long long)r);
    return buf;
}

/* Tasks that are not dead (init and the caller included). */
static int live_tasks(struct ctx *c)
{
    int n = 0;
    for (struct task *p = c->k.tasks; p; p = p->all_next)
        if (p->state != TASK_DEAD) n++;
    return n;
}

/* --- the rule rows ------------------------------------------------------ */
/* Most rows are data: a clone3 row gives the violating and the control
 * clone_args (and set_tid arrays, written at TIDS), a clone row the two flag
 * sets. Rows that need setup (credentials, limits, memory) are functions
 * making the violating call when bad, else the control call. Each control
 * differs only in what the rule is about. */

static i64 r_size_zero(struct ctx *c, bool bad)
{
    struct c3 a = base3();
    return do_clone3(c, &a, bad ? 0 : 64);
}

static i64 r_copyin_fault(struct ctx *c, bool bad)
{
    struct c3 a = base3();
    put_c3(c, ARGS, &a);
    return clone3_at(c, bad ? UNMAPPED : ARGS, 88);
}

/* The struct runs off the end of the RW area vs. ends exactly at it. */
static i64 r_copyin_fault_partial(struct ctx *c, bool bad)
{
    struct c3 a = base3();
    put_c3(c, RW_END - 88, &a);
    return clone3_at(c, bad ? RW_END - 64 : RW_END - 88, 88);
}

/* A non-zero byte in the tail (byte 95 of 96, or 4095 of 4096). */
static i64 tail_byte(struct ctx *c, bool bad, u64 size)
{
    struct c3 a = base3();
    put_c3(c, ARGS, &a);
    u8 v = bad ? 1 : 0;
    mm_write(c->t->mm, ARGS + size - 1, &v, 1);
    return clone3_at(c, ARGS, size);
}
static i64 r_copyin_tail(struct ctx *c, bool bad)
{
    return tail_byte(c, bad, 96);
}
static i64 r_copyin_tail_page(struct ctx *c, bool bad)
{
    return tail_byte(c, bad, 4096);
}

/* init never runs guest code: ask the rule check directly, with init (bad)
 * or an ordinary process (control) as the caller of CLONE_PARENT. */
static i64 r_parent_of_init(struct ctx *c, bool bad)
{
    struct kernel_clone_args a = {.kind = KM_CLONE_CLONE, .flags = LX_CLONE_PARENT};
    const char *rule = NULL, *why = NULL;
    int r = km_clone_check(&c->k, bad ? c->k.init : c->t, &a, &rule, &why);
    if (rule) { /* report it as the event sink would */
        c->refusals++;
        snprintf(c->rule, sizeof c->rule, "%s", rule);
    }
    return r;
}

/* Put the caller's credentials levels deep in nested user namespaces, each
 * mapping every id to itself (the depth is a chain of namespaces now, no
 * longer a counter; an unmapped creator would be refused with EPERM). */
static struct cred *nest_userns(struct ctx *c, struct cred *cr, int levels)
{
    for (int i = 0; i < levels; i++) {
        userns_create(&c->k, c->t, cr);
        struct uid_gid_extent all = {0, 0, 0xffffffffu};
        cr->user_ns->uid_map.nr = cr->user_ns->gid_map.nr = 1;
        cr->user_ns->uid_map.e[0] = cr->user_ns->gid_map.e[0] = all;
    }
    return cr;
}

static i64 r_userns_depth(struct ctx *c, bool bad)
{
    nest_userns(c, own_cred(c, 0, ~0ULL), bad ? 33 : 32);
    return do_clone(c, LX_CLONE_NEWUSER | LX_SIGCHLD, 0, 0, 0, 0);
}

static i64 r_rlimit_nproc_fork(struct ctx *c, bool bad)
{
    own_cred(c, 1000, 0);
    c->t->tg->rlim_nproc = bad ? 1 : 2;
    return sys(c, c->t, NR_FORK, 0, 0, 0, 0, 0);
}

static i64 r_rlimit_nproc_clone3(struct ctx *c, bool bad)
{
    own_cred(c, 1000, 0);
    c->t->tg->rlim_nproc = bad ? 1 : 2;
    struct c3 a = base3();
    return do_clone3(c, &a, 88);
}

/* Over the limit, the exemption is CAP_SYS_ADMIN (or real uid 0). */
static i64 r_rlimit_nproc_exempt(struct ctx *c, bool bad)
{
    own_cred(c, 1000, bad ? 0 : CAP_ADMIN);
    c->t->tg->rlim_nproc = 1;
    return sys(c, c->t, NR_FORK, 0, 0, 0, 0, 0);
}

static i64 r_ns_cap(struct ctx *c, bool bad)
{
    own_cred(c, 1000, bad ? 0 : CAP_ADMIN);
    return do_clone(c, LX_CLONE_NEWUTS | LX_SIGCHLD, 0, 0, 0, 0);
}

/* The caller is made the init of level nested pid namespaces (its own
 * nsproxy; the boot one is shared with init): the depth is a real chain of
 * namespaces now, no longer a counter. */
static void nest_pidns(struct ctx *c, int level)
{
    struct km *k = &c->k;
    struct task *t = c->t;
    struct nsproxy *n = nsproxy_copy(k, t, t->ns, 0, NULL);
    nsproxy_put(k, t->ns);
    t->ns = n;
    for (int i = 0; i < level; i++) {
        struct pid_ns *p = pidns_create(k, t, t->pidns, NULL);
        km_ns_put(k, &t->pidns->ns);
        t->pidns = p;
        t->pids[p->level] = 1;
        p->child_reaper = t;
    }
    km_ns_put(k, n->ns[KM_NS_PID]);
    n->ns[KM_NS_PID] = km_ns_get(&t->pidns->ns);
}

static i64 r_pidns_depth(struct ctx *c, bool bad)
{
    nest_pidns(c, bad ? 32 : 31);
    return do_clone(c, LX_CLONE_NEWPID | LX_SIGCHLD, 0, 0, 0, 0);
}

static i64 r_settls(struct ctx *c, bool bad)
{
    return do_clone(c, LX_CLONE_SETTLS | LX_SIGCHLD, 0, 0, 0,
                    bad ? X86_TASK_SIZE : X86_TASK_SIZE - 1);
}

static i64 r_set_tid_needs_cap(struct ctx *c, bool bad)
{
    own_cred(c, 1000, bad ? 0 : CAP_ADMIN);
    struct c3 a = base3();
    put_tids(c, 5000, 0);
    a.set_tid = TIDS;
    a.set_tid_size = 1;
    return do_clone3(c, &a, 88);
}

/* fds 0-2 are the stdio: RLIMIT_NOFILE 3 leaves no room for the pidfd. */
static i64 r_pidfd_emfile(struct ctx *c, bool bad)
{
    c->t->tg->rlim_nofile = bad ? 3 : 4;
    return do_clone(c, LX_CLONE_PIDFD | LX_SIGCHLD, 0, PTID, 0, 0);
}

static i64 r_pidfd_fault_clone(struct ctx *c, bool bad)
{
    return do_clone(c, LX_CLONE_PIDFD | LX_SIGCHLD, 0, bad ? UNMAPPED : PTID, 0, 0);
}

struct rule_row {
    const char *name; /* row label */
    const char *rule; /* expected rule id */
    int err;          /* expected errno */
    char how;         /* '3': clone3 bad3/good3; 'c': clone bad_flags/good_flags; 'f': call */
    struct c3 bad3, good3;
    u64 bad_size, good_size; /* clone3 size, 0 = 88 */
    i32 bad_tids[2], good_tids[2];
    u64 bad_flags, good_flags;
    i64 (*call)(struct ctx *c, bool bad);
    const char *ctl_rule; /* control: NULL = must succeed, else the later rule it reaches */
    int ctl_err;
    bool check_only;   /* km_clone_check: the control returns 0, not a tid */
    bool user;         /* both calls: the caller is uid 1000 without capabilities */
    u64 nproc, nofile; /* both calls: RLIMIT_NPROC / RLIMIT_NOFILE if not 0 */
};

#define SELF       1000            /* fake_boot's first pid: the caller */
#define TV         .set_tid = TIDS /* the set_tid array is at TIDS */
#define THREAD3    (LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD)
#define PIDFD_PTID (LX_CLONE_PIDFD | LX_CLONE_PARENT_SETTID)

// clang-format off
static const struct rule_row rows[] = {
    /* clone3 copy-in (rows 1-8) */
    {"size_big", "size_big", LX_E2BIG, '3', .bad_size = 4097, .good_size = 4096},
    {"size_small", "size_small", LX_EINVAL, '3', .bad_size = 63, .good_size = 64},
    {"size_small(0)", "size_small", LX_EINVAL, 'f', .call = r_size_zero},
    {"copyin_fault", "copyin_fault", LX_EFAULT, 'f', .call = r_copyin_fault},
    {"copyin_fault(partial)", "copyin_fault", LX_EFAULT, 'f', .call = r_copyin_fault_partial},
    {"copyin_tail", "copyin_tail", LX_E2BIG, 'f', .call = r_copyin_tail},
    {"copyin_tail(byte 4095)", "copyin_tail", LX_E2BIG, 'f', .call = r_copyin_tail_page},
    {"set_tid_size_big", "set_tid_size_big", LX_EINVAL, '3', .bad3 = {TV, .set_tid_size = 33}, .good3 = {TV, .set_tid_size = 1}, .bad_tids = {5000}, .good_tids = {5000}},
    {"set_tid_mismatch(null)", "set_tid_mismatch", LX_EINVAL, '3', .bad3 = {.set_tid_size = 1}, .good3 = {TV, .set_tid_size = 1}, .good_tids = {5000}},
    {"set_tid_mismatch(size 0)", "set_tid_mismatch", LX_EINVAL, '3', .bad3 = {TV}, .good3 = {TV, .set_tid_size = 1}, .bad_tids = {5000}, .good_tids = {5000}},
    {"exit_signal_invalid(65)", "exit_signal_invalid", LX_EINVAL, '3', .bad3 = {.exit_signal = 65}, .good3 = {.exit_signal = 64}},
    {"exit_signal_invalid(bits)", "exit_signal_invalid", LX_EINVAL, '3', .bad3 = {.exit_signal = 0x100 | LX_SIGCHLD}, .good3 = {.exit_signal = LX_SIGCHLD}},
    /* the controls reach the next rule: no cgroup is modelled (EBADF) */
    {"cgroup_args_invalid(size)", "cgroup_args_invalid", LX_EINVAL, '3', .bad3 = {.flags = LX_CLONE_INTO_CGROUP, .cgroup = 3}, .good3 = {.flags = LX_CLONE_INTO_CGROUP, .cgroup = 3}, .bad_size = 80, .ctl_rule = "into_cgroup_badf", .ctl_err = LX_EBADF},
    {"cgroup_args_invalid(fd)", "cgroup_args_invalid", LX_EINVAL, '3', .bad3 = {.flags = LX_CLONE_INTO_CGROUP, .cgroup = 0x80000000u}, .good3 = {.flags = LX_CLONE_INTO_CGROUP, .cgroup = 0x7fffffff}, .ctl_rule = "into_cgroup_badf", .ctl_err = LX_EBADF},
    {"set_tid_fault", "set_tid_fault", LX_EFAULT, '3', .bad3 = {.set_tid = UNMAPPED, .set_tid_size = 1}, .good3 = {TV, .set_tid_size = 1}, .good_tids = {5000}},
    /* clone3_args_valid (rows 9-13) */
    {"unknown_flags(34)", "unknown_flags", LX_EINVAL, '3', .bad3 = {.flags = 1ULL << 34}},
    {"unknown_flags(63)", "unknown_flags", LX_EINVAL, '3', .bad3 = {.flags = 1ULL << 63}},
    {"clone3_detached", "clone3_detached_or_csignal", LX_EINVAL, '3', .bad3 = {.flags = LX_CLONE_DETACHED}},
    /* a CSIGNAL bit vs. 0x80, which clone3 reads as CLONE_NEWTIME (6.3+) */
    {"clone3_csignal", "clone3_detached_or_csignal", LX_EINVAL, '3', .bad3 = {.flags = 0x11}, .good3 = {.flags = LX_CLONE_NEWTIME}},
    {"sighand_and_clear_sighand", "sighand_and_clear_sighand", LX_EINVAL, '3', .bad3 = {.flags = LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_CLEAR_SIGHAND}, .good3 = {.flags = LX_CLONE_VM | LX_CLONE_SIGHAND}},
    {"thread_with_exit_signal", "thread_or_parent_with_exit_signal", LX_EINVAL, '3', .bad3 = {.flags = THREAD3, .exit_signal = LX_SIGCHLD}, .good3 = {.flags = THREAD3}},
    {"parent_with_exit_signal", "thread_or_parent_with_exit_signal", LX_EINVAL, '3', .bad3 = {.flags = LX_CLONE_PARENT, .exit_signal = LX_SIGCHLD}, .good3 = {.flags = LX_CLONE_PARENT}},
    {"stack_invalid(no stack)", "stack_invalid", LX_EINVAL, '3', .bad3 = {.stack_size = 0x1000}},
    {"stack_invalid(no size)", "stack_invalid", LX_EINVAL, '3', .bad3 = {.stack = STACK}, .good3 = {.stack = STACK, .stack_size = 0x1000}},
    {"stack_invalid(beyond)", "stack_invalid", LX_EINVAL, '3', .bad3 = {.stack = X86_TASK_SIZE - 0x1000, .stack_size = 0x2000}, .good3 = {.stack = X86_TASK_SIZE - 0x1000, .stack_size = 0x1000}},
    {"stack_invalid(wraps)", "stack_invalid", LX_EINVAL, '3', .bad3 = {.stack = 0xfffffffffffff000ULL, .stack_size = 0x2000}, .good3 = {.stack = STACK, .stack_size = 0x2000}},
    /* kernel_clone / copy_process (rows 14-21) */
    {"pidfd_and_parent_settid(clone)", "pidfd_and_parent_settid", LX_EINVAL, 'c', .bad_flags = PIDFD_PTID, .good_flags = LX_CLONE_PIDFD},
    {"pidfd_and_parent_settid(clone3)", "pidfd_and_parent_settid", LX_EINVAL, '3', .bad3 = {.flags = PIDFD_PTID, .pidfd = PIDFD, .parent_tid = PIDFD}, .good3 = {.flags = PIDFD_PTID, .pidfd = PIDFD, .parent_tid = PTID}},
    {"newns_and_fs", "newns_and_fs", LX_EINVAL, 'c', .bad_flags = LX_CLONE_NEWNS | LX_CLONE_FS, .good_flags = LX_CLONE_NEWNS},
    {"newuser_and_fs", "newuser_and_fs", LX_EINVAL, 'c', .bad_flags = LX_CLONE_NEWUSER | LX_CLONE_FS, .good_flags = LX_CLONE_NEWUSER},
    {"thread_needs_sighand", "thread_needs_sighand", LX_EINVAL, 'c', .bad_flags = LX_CLONE_THREAD | LX_CLONE_VM, .good_flags = THREAD3},
    {"sighand_needs_vm", "sighand_needs_vm", LX_EINVAL, 'c', .bad_flags = LX_CLONE_SIGHAND, .good_flags = LX_CLONE_SIGHAND | LX_CLONE_VM},
    {"parent_of_init", "parent_of_init", LX_EINVAL, 'f', .call = r_parent_of_init, .check_only = true},
    {"thread_with_newpid", "thread_with_newuser_or_newpid", LX_EINVAL, 'c', .bad_flags = THREAD3 | LX_CLONE_NEWPID, .good_flags = THREAD3},
    {"thread_with_newuser", "thread_with_newuser_or_newpid", LX_EINVAL, 'c', .bad_flags = THREAD3 | LX_CLONE_NEWUSER, .good_flags = THREAD3},
    {"pidfd_and_detached", "pidfd_and_detached", LX_EINVAL, 'c', .bad_flags = LX_CLONE_PIDFD | LX_CLONE_DETACHED, .good_flags = LX_CLONE_PIDFD},
    /* credentials, limits, namespaces (rows 24-31) */
    {"userns_depth", "userns_depth", LX_ENOSPC, 'f', .call = r_userns_depth},
    {"rlimit_nproc(fork)", "rlimit_nproc", LX_EAGAIN, 'f', .call = r_rlimit_nproc_fork},
    {"rlimit_nproc(clone3)", "rlimit_nproc", LX_EAGAIN, 'f', .call = r_rlimit_nproc_clone3},
    {"rlimit_nproc(exempt)", "rlimit_nproc", LX_EAGAIN, 'f', .call = r_rlimit_nproc_exempt},
    {"ns_needs_cap_sys_admin", "ns_needs_cap_sys_admin", LX_EPERM, 'f', .call = r_ns_cap},
    {"newipc_and_sysvsem", "newipc_and_sysvsem", LX_EINVAL, 'c', .bad_flags = LX_CLONE_NEWIPC | LX_CLONE_SYSVSEM, .good_flags = LX_CLONE_NEWIPC},
    {"pidns_depth", "pidns_depth", LX_ENOSPC, 'f', .call = r_pidns_depth},
    /* late stages (rows 33-36) */
    {"settls_out_of_range", "settls_out_of_range", LX_EPERM, 'f', .call = r_settls},
    {"set_tid_too_many_levels", "set_tid_too_many_levels", LX_EINVAL, '3', .bad3 = {TV, .set_tid_size = 2}, .good3 = {TV, .set_tid_size = 1}, .bad_tids = {5000, 5001}, .good_tids = {5000, 5001}},
    {"set_tid_out_of_range(0)", "set_tid_out_of_range", LX_EINVAL, '3', .bad3 = {TV, .set_tid_size = 1}, .good3 = {TV, .set_tid_size = 1}, .bad_tids = {0}, .good_tids = {5000}},
    {"set_tid_out_of_range(pid_max)", "set_tid_out_of_range", LX_EINVAL, '3', .bad3 = {TV, .set_tid_size = 1}, .good3 = {TV, .set_tid_size = 1}, .bad_tids = {KM_PID_MAX}, .good_tids = {KM_PID_MAX - 1}},
    /* innermost first: a new pid namespace has no init yet */
    {"set_tid_no_init", "set_tid_no_init", LX_EINVAL, '3', .bad3 = {.flags = LX_CLONE_NEWPID, TV, .set_tid_size = 2}, .good3 = {.flags = LX_CLONE_NEWPID, TV, .set_tid_size = 2}, .bad_tids = {7, 5000}, .good_tids = {1, 5000}},
    {"set_tid_needs_cap", "set_tid_needs_cap", LX_EPERM, 'f', .call = r_set_tid_needs_cap},
    {"set_tid_taken(self)", "set_tid_taken", LX_EEXIST, '3', .bad3 = {TV, .set_tid_size = 1}, .good3 = {TV, .set_tid_size = 1}, .bad_tids = {SELF}, .good_tids = {5000}},
    {"set_tid_taken(init)", "set_tid_taken", LX_EEXIST, '3', .bad3 = {TV, .set_tid_size = 1}, .good3 = {TV, .set_tid_size = 1}, .bad_tids = {1}, .good_tids = {5000}},
    {"pidfd_emfile", "pidfd_emfile", LX_EMFILE, 'f', .call = r_pidfd_emfile},
    {"pidfd_fault(clone3, read-only)", "pidfd_fault", LX_EFAULT, '3', .bad3 = {.flags = LX_CLONE_PIDFD, .pidfd = RO}, .good3 = {.flags = LX_CLONE_PIDFD, .pidfd = PIDFD}},
    {"pidfd_fault(clone, unmapped)", "pidfd_fault", LX_EFAULT, 'f', .call = r_pidfd_fault_clone},
    {"into_cgroup_badf", "into_cgroup_badf", LX_EBADF, '3', .bad3 = {.flags = LX_CLONE_INTO_CGROUP, .cgroup = 3}, .good3 = {.cgroup = 3}},
};
// clang-format on

static i64 row_call(struct ctx *c, const struct rule_row *r, bool bad)
{
    if (r->user) own_cred(c, 1000, 0);
    if (r->nproc) c->t->tg->rlim_nproc = r->nproc;
    if (r->nofile) c->t->tg->rlim_nofile = r->nofile;
    switch (r->how) {
    case '3': {
        const i32 *tids = bad ? r->bad_tids : r->good_tids;
        put_tids(c, tids[0], tids[1]);
        u64 size = bad ? r->bad_size : r->good_size;
        return do_clone3(c, bad ? &r->bad3 : &r->good3, size ? size : 88);
    }
    case 'c': {
        u64 f = bad ? r->bad_flags : r->good_flags;
        return do_clone(c, f | LX_SIGCHLD, (f & LX_CLONE_VM) ? STACK : 0, PTID, 0, 0);
    }
    default: return r->call(c, bad);
    }
}

static void run_row(const struct rule_row *r)
{
    char b1[32];
    struct ctx *c = boot();
    i64 res = row_call(c, r, true);
    CHECK(res == -r->err, "%s: violating call returned %s, want -%s", r->name,
          res_str(res, b1, sizeof b1), lx_errno_name(r->err));
    CHECK(c->refusals == 1 && strcmp(c->rule, r->rule) == 0,
          "%s: refusal rule \"%s\" (%d events), want \"%s\"", r->name, c->refusals ? c->rule : "",
          c->refusals, r->rule);
    /* A refused clone leaves no task behind (pidfd failures undo the child). */
    CHECK(live_tasks(c) == 2 && c->t->children == NULL && c->t->tg->nr_threads == 1,
          "%s: a refused clone left a task behind (%d live)", r->name, live_tasks(c));
    shutdown(c);

    c = boot();
    res = row_call(c, r, false);
    if (r->ctl_rule) {
        CHECK(res == -r->ctl_err && c->refusals == 1 && strcmp(c->rule, r->ctl_rule) == 0,
              "%s: control returned %s with rule \"%s\", want -%s from \"%s\"", r->name,
              res_str(res, b1, sizeof b1), c->refusals ? c->rule : "", lx_errno_name(r->ctl_err),
              r->ctl_rule);
    } else {
        CHECK(r->check_only ? res == 0 : res > 0, "%s: control returned %s, want success", r->name,
              res_str(res, b1, sizeof b1));
        CHECK(c->refusals == 0, "%s: control refused by rule \"%s\"", r->name, c->rule);
    }
    shutdown(c);
}

/* --- precedence pairs (CLONE-RULES.md "Precedence observed here") ------- */
/* Rows with two simultaneous violations; only the violating call is made
 * and the earlier rule must win. */

static i64 p_size_big_badptr(struct ctx *c, bool bad)
{
    (void)bad;
    return clone3_at(c, UNMAPPED, 4097);
}

static i64 p_size_small_badptr(struct ctx *c, bool bad)
{
    (void)bad;
    return clone3_at(c, UNMAPPED, 63);
}

static i64 p_tail_exit_signal(struct ctx *c, bool bad)
{
    (void)bad;
    struct c3 a = {.exit_signal = 65};
    put_c3(c, ARGS, &a);
    mm_write_u32(c->t->mm, ARGS + 88, 1);
    return clone3_at(c, ARGS, 96);
}

/* copy_struct_from_user checks the tail before it copies the known part:
 * an unreadable head with a non-zero tail is E2BIG, with a zero tail EFAULT. */
static i64 p_tail_head_fault(struct ctx *c, bool nonzero_tail)
{
    mm_write_u32(c->t->mm, 0x10000 + 0x18, nonzero_tail); /* tail: [uargs + 88, + 96) */
    return clone3_at(c, 0x10000 - 0x40, 96);              /* head starts unmapped */
}

static i64 p_tail_before_head_fault(struct ctx *c, bool bad)
{
    (void)bad;
    return p_tail_head_fault(c, true);
}

static i64 p_head_fault_zero_tail(struct ctx *c, bool bad)
{
    (void)bad;
    return p_tail_head_fault(c, false);
}

static i64 p_userns_depth_nproc(struct ctx *c, bool bad)
{
    (void)bad;
    nest_userns(c, own_cred(c, 1000, 0), 33);
    c->t->tg->rlim_nproc = 1;
    return do_clone(c, LX_CLONE_NEWUSER | LX_SIGCHLD, 0, 0, 0, 0);
}

#define NS_FS    (LX_CLONE_NEWNS | LX_CLONE_FS)
#define IPC_SEM  (LX_CLONE_NEWIPC | LX_CLONE_SYSVSEM)
#define SET_SELF TV, .set_tid_size = 1
#define CGROUP3  LX_CLONE_INTO_CGROUP, .cgroup = 3

// clang-format off
static const struct rule_row precs[] = {
    {"size>4096 + bad pointer", "size_big", LX_E2BIG, 'f', .call = p_size_big_badptr},
    {"size<64 + bad pointer", "size_small", LX_EINVAL, 'f', .call = p_size_small_badptr},
    {"non-zero tail + bad exit_signal", "copyin_tail", LX_E2BIG, 'f', .call = p_tail_exit_signal},
    {"non-zero tail + unreadable head", "copyin_tail", LX_E2BIG, 'f', .call = p_tail_before_head_fault},
    {"zero tail + unreadable head", "copyin_fault", LX_EFAULT, 'f', .call = p_head_fault_zero_tail},
    {"set_tid EFAULT + unknown flag", "set_tid_fault", LX_EFAULT, '3', .bad3 = {.flags = 1ULL << 40, .set_tid = UNMAPPED, .set_tid_size = 1}},
    {"set_tid EFAULT + bad exit_signal", "exit_signal_invalid", LX_EINVAL, '3', .bad3 = {.exit_signal = 65, .set_tid = UNMAPPED, .set_tid_size = 1}},
    {"NEWNS|FS + NEWUTS without cap", "newns_and_fs", LX_EINVAL, 'c', .bad_flags = NS_FS | LX_CLONE_NEWUTS, .user = true},
    {"NEWIPC|SYSVSEM without cap", "ns_needs_cap_sys_admin", LX_EPERM, 'c', .bad_flags = IPC_SEM, .user = true},
    {"NEWUSER|NEWIPC|SYSVSEM without cap", "newipc_and_sysvsem", LX_EINVAL, 'c', .bad_flags = LX_CLONE_NEWUSER | IPC_SEM, .user = true},
    {"THREAD w/o SIGHAND + NEWNS|FS", "newns_and_fs", LX_EINVAL, 'c', .bad_flags = LX_CLONE_THREAD | LX_CLONE_VM | NS_FS},
    {"RLIMIT_NPROC + NEWUTS without cap", "rlimit_nproc", LX_EAGAIN, 'c', .bad_flags = LX_CLONE_NEWUTS, .user = true, .nproc = 1},
    {"RLIMIT_NPROC + pidfd EMFILE", "rlimit_nproc", LX_EAGAIN, 'c', .bad_flags = LX_CLONE_PIDFD, .user = true, .nproc = 1, .nofile = 3},
    {"userns depth + RLIMIT_NPROC", "userns_depth", LX_ENOSPC, 'f', .call = p_userns_depth_nproc},
    {"set_tid EEXIST + pidfd EMFILE", "set_tid_taken", LX_EEXIST, '3', .bad3 = {.flags = LX_CLONE_PIDFD, .pidfd = PIDFD, SET_SELF}, .bad_tids = {SELF}, .nofile = 3},
    {"bad SETTLS + set_tid EEXIST", "settls_out_of_range", LX_EPERM, '3', .bad3 = {.flags = LX_CLONE_SETTLS, .tls = X86_TASK_SIZE, SET_SELF}, .bad_tids = {SELF}},
    {"INTO_CGROUP EBADF + set_tid EEXIST", "set_tid_taken", LX_EEXIST, '3', .bad3 = {.flags = CGROUP3, SET_SELF}, .bad_tids = {SELF}},
    {"INTO_CGROUP EBADF + pidfd EFAULT", "pidfd_fault", LX_EFAULT, '3', .bad3 = {.flags = LX_CLONE_INTO_CGROUP | LX_CLONE_PIDFD, .cgroup = 3, .pidfd = RO}},
    {"set_tid 0 without cap", "set_tid_out_of_range", LX_EINVAL, '3', .bad3 = {SET_SELF}, .bad_tids = {0}, .user = true},
    {"set_tid in use without cap", "set_tid_needs_cap", LX_EPERM, '3', .bad3 = {SET_SELF}, .bad_tids = {SELF}, .user = true},
};
// clang-format on

static void run_prec(const struct rule_row *p)
{
    char b[32];
    struct ctx *c = boot();
    i64 res = row_call(c, p, true);
    CHECK(res == -p->err && c->refusals == 1 && strcmp(c->rule, p->rule) == 0,
          "precedence \"%s\": %s with rule \"%s\", want -%s from \"%s\"", p->name,
          res_str(res, b, sizeof b), c->refusals ? c->rule : "", lx_errno_name(p->err), p->rule);
    CHECK(live_tasks(c) == 2, "precedence \"%s\": a task was left behind", p->name);
    shutdown(c);
}

/* Every CLONE_NEW* but NEWUSER needs CAP_SYS_ADMIN; with NEWUSER added the
 * child is capable in its new user namespace. */
static void test_ns_caps(void)
{
    static const struct {
        const char *name;
        u64 flag;
    } ns[] = {{"NEWNS", LX_CLONE_NEWNS},   {"NEWUTS", LX_CLONE_NEWUTS},
              {"NEWIPC", LX_CLONE_NEWIPC}, {"NEWPID", LX_CLONE_NEWPID},
              {"NEWNET", LX_CLONE_NEWNET}, {"NEWCGROUP", LX_CLONE_NEWCGROUP}};
    char b[32];
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        struct ctx *c = boot();
        own_cred(c, 1000, 0);
        i64 r = do_clone(c, ns[i].flag | LX_SIGCHLD, 0, 0, 0, 0);
        CHECK(r == -LX_EPERM && strcmp(c->rule, "ns_needs_cap_sys_admin") == 0,
              "ns_needs_cap_sys_admin(%s): %s rule \"%s\"", ns[i].name, res_str(r, b, sizeof b),
              c->rule);
        r = do_clone(c, ns[i].flag | LX_CLONE_NEWUSER | LX_SIGCHLD, 0, 0, 0, 0);
        CHECK(r > 0, "ns_needs_cap_sys_admin(%s|NEWUSER) control: %s", ns[i].name,
              res_str(r, b, sizeof b));
        shutdown(c);
    }
    /* CLONE_NEWTIME exists only in clone3 (0x80 is exit_signal in clone). */
    struct ctx *c = boot();
    own_cred(c, 1000, 0);
    struct c3 a = base3();
    a.flags = LX_CLONE_NEWTIME;
    i64 r = do_clone3(c, &a, 88);
    CHECK(r == -LX_EPERM && strcmp(c->rule, "ns_needs_cap_sys_admin") == 0,
          "ns_needs_cap_sys_admin(NEWTIME): %s", res_str(r, b, sizeof b));
    shutdown(c);
}

/* RLIMIT_NPROC counts threads too. */
static void test_nproc_counts_threads(void)
{
    char b[32];
    struct ctx *c = boot();
    own_cred(c, 1000, 0);
    c->t->tg->rlim_nproc = 2;
    i64 r = do_clone(c, LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD, STACK, 0, 0, 0);
    CHECK(r > 0, "rlimit_nproc threads: first thread %s", res_str(r, b, sizeof b));
    r = sys(c, c->t, NR_FORK, 0, 0, 0, 0, 0);
    CHECK(r == -LX_EAGAIN && strcmp(c->rule, "rlimit_nproc") == 0,
          "rlimit_nproc threads: fork with 2 threads and limit 2 gave %s", res_str(r, b, sizeof b));
    shutdown(c);
}

/* aarch64 has no SETTLS range rule: the x86-64 refusal is accepted there. */
static void test_settls_aarch64(void)
{
    char b[32];
    struct ctx *c = boot_abi(&km_abi_aarch64);
    /* arm64 clone: flags, newsp, parent_tid, tls, child_tid */
    i64 r = sys(c, c->t, A64_NR_CLONE, LX_CLONE_SETTLS | LX_SIGCHLD, 0, 0, X86_TASK_SIZE, 0);
    CHECK(r > 0 && c->refusals == 0, "settls_out_of_range(aarch64 control): %s",
          res_str(r, b, sizeof b));
    struct task *ch = r > 0 ? km_find_task(&c->k, (int)r) : NULL;
    const struct fake_cpu *cpu = ch ? ch->cpu : NULL;
    CHECK(cpu && cpu->settls && cpu->tls == X86_TASK_SIZE, "settls aarch64: child TLS not set");
    shutdown(c);
}

/* --- documented non-refusals --------------------------------------------- */

static void expect_ok(struct ctx *c, const char *name, i64 r)
{
    char b[32];
    CHECK(r > 0 && c->refusals == 0, "non-refusal \"%s\": %s (rule \"%s\")", name,
          res_str(r, b, sizeof b), c->refusals ? c->rule : "");
}

static void test_non_refusals(void)
{
    struct ctx *c = boot();
    i64 r = do_clone(c, 128, 0, 0, 0, 0);
    expect_ok(c, "clone exit_signal 128", r);
    struct task *ch = r > 0 ? km_find_task(&c->k, (int)r) : NULL;
    CHECK(ch && ch->exit_signal == 128 && ch->ns == c->t->ns,
          "clone exit_signal 128: the child's exit_signal is %d (0x80 is not NEWTIME in clone)",
          ch ? ch->exit_signal : -99);
    expect_ok(c, "clone(CLONE_DETACHED)", do_clone(c, LX_CLONE_DETACHED | LX_SIGCHLD, 0, 0, 0, 0));
    expect_ok(c, "PARENT_SETTID unmapped",
              do_clone(c, LX_CLONE_PARENT_SETTID | LX_SIGCHLD, 0, UNMAPPED, 0, 0));
    expect_ok(c, "PARENT_SETTID read-only",
              do_clone(c, LX_CLONE_PARENT_SETTID | LX_SIGCHLD, 0, RO, 0, 0));
    expect_ok(c, "CHILD_SETTID|CHILD_CLEARTID unmapped",
              do_clone(c, LX_CLONE_CHILD_SETTID | LX_CLONE_CHILD_CLEARTID | LX_SIGCHLD, 0, 0,
                       UNMAPPED, 0));
    expect_ok(c, "clone stack is not checked (kernel address)",
              do_clone(c, LX_SIGCHLD, 0xffff800000000000ULL, 0, 0, 0));
    r = do_clone(c, LX_CLONE_NEWPID | LX_CLONE_PARENT | LX_SIGCHLD, 0, 0, 0, 0);
    expect_ok(c, "NEWPID|PARENT", r);
    ch = r > 0 ? km_find_task(&c->k, (int)r) : NULL;
    CHECK(ch && ch->real_parent == c->t->real_parent, "NEWPID|PARENT: the child is a sibling");
    expect_ok(c, "NEWUSER|PARENT",
              do_clone(c, LX_CLONE_NEWUSER | LX_CLONE_PARENT | LX_SIGCHLD, 0, 0, 0, 0));
    for (u64 size = 64; size <= 88; size++) {
        struct c3 a = base3();
        char name[32];
        snprintf(name, sizeof name, "clone3 size %llu", (unsigned long long)size);
        expect_ok(c, name, do_clone3(c, &a, size));
    }
    struct c3 a = base3();
    a.exit_signal = 64;
    expect_ok(c, "clone3 exit_signal 64", do_clone3(c, &a, 88));
    a = (struct c3){.flags = LX_CLONE_CLEAR_SIGHAND, .exit_signal = LX_SIGCHLD};
    expect_ok(c, "clone3 CLEAR_SIGHAND without SIGHAND", do_clone3(c, &a, 88));
    a = (struct c3){.flags = LX_CLONE_NEWTIME | LX_CLONE_THREAD | LX_CLONE_SIGHAND | LX_CLONE_VM};
    expect_ok(c, "clone3 NEWTIME|THREAD", do_clone3(c, &a, 88));
    /* PIDFD|THREAD (6.9+): a thread pidfd */
    a = (struct c3){.flags = LX_CLONE_PIDFD | LX_CLONE_THREAD | LX_CLONE_SIGHAND | LX_CLONE_VM,
                    .pidfd = PIDFD};
    r = do_clone3(c, &a, 88);
    expect_ok(c, "clone3 PIDFD|THREAD", r);
    u32 fd = 0xffff;
    mm_read_u32(c->t->mm, PIDFD, &fd);
    int err = 0;
    CHECK(r > 0 && files_pidfd_task(&c->k, c->t, (int)fd, &err) == km_find_task(&c->k, (int)r),
          "clone3 PIDFD|THREAD: fd %u does not refer to the thread", fd);
    /* NEWUSER from a multithreaded caller */
    expect_ok(c, "clone(NEWUSER) multithreaded",
              do_clone(c, LX_CLONE_NEWUSER | LX_SIGCHLD, 0, 0, 0, 0));
    shutdown(c);
}

/* --- effects of a successful clone ---------------------------------------- */

static struct task *child_of(struct ctx *c, i64 r)
{
    return r > 0 ? km_find_task(&c->k, (int)r) : NULL;
}

static void test_effects(void)
{
    char b[32];
    struct ctx *c = boot();
    struct task *t = c->t;
    u32 v = 0;

    /* PARENT_SETTID writes the tid in the parent's memory. */
    i64 r = do_clone(c, LX_CLONE_PARENT_SETTID | LX_SIGCHLD, 0, PTID, 0, 0);
    mm_read_u32(t->mm, PTID, &v);
    CHECK(r > 0 && v == (u32)r, "PARENT_SETTID: wrote %u, child is %lld", v, (long long)r);

    /* CHILD_SETTID without VM: in the child's copy of memory only. */
    r = do_clone(c, LX_CLONE_CHILD_SETTID | LX_SIGCHLD, 0, 0, CTID, 0);
    struct task *ch = child_of(c, r);
    u32 in_child = 0, in_parent = 0xffff;
    if (ch) mm_read_u32(ch->mm, CTID, &in_child);
    mm_read_u32(t->mm, CTID, &in_parent);
    CHECK(ch && in_child == (u32)r && in_parent == 0,
          "CHILD_SETTID: child's mm has %u, parent's %u, child %lld", in_child, in_parent,
          (long long)r);

    /* CLONE_PIDFD: the fd is stored and refers to the child. */
    r = do_clone(c, LX_CLONE_PIDFD | LX_SIGCHLD, 0, PTID, 0, 0);
    mm_read_u32(t->mm, PTID, &v);
    int err = 0;
    CHECK(r > 0 && v >= 3 && files_pidfd_task(&c->k, t, (int)v, &err) == child_of(c, r),
          "CLONE_PIDFD: stored fd %u does not refer to child %lld", v, (long long)r);
    int pidfd1 = (int)v;

    /* A refused pidfd store leaves no fd behind: the next pidfd is the next number. */
    struct c3 a = {.flags = LX_CLONE_PIDFD, .pidfd = RO, .exit_signal = LX_SIGCHLD};
    r = do_clone3(c, &a, 88);
    CHECK(r == -LX_EFAULT, "pidfd_fault: %s", res_str(r, b, sizeof b));
    a.pidfd = PIDFD;
    r = do_clone3(c, &a, 88);
    mm_read_u32(t->mm, PIDFD, &v);
    CHECK(r > 0 && (int)v == pidfd1 + 1, "pidfd after a refused one: fd %u, want %d", v,
          pidfd1 + 1);

    /* clone3 stack + stack_size: the child's SP is the top of the area. */
    a = (struct c3){.stack = STACK, .stack_size = 0x4000, .exit_signal = LX_SIGCHLD};
    ch = child_of(c, do_clone3(c, &a, 88));
    const struct fake_cpu *cpu = ch ? ch->cpu : NULL;
    CHECK(cpu && cpu->sp == STACK + 0x4000, "clone3 stack: child SP %#llx, want %#llx",
          cpu ? (unsigned long long)cpu->sp : 0ULL, (unsigned long long)(STACK + 0x4000));
    /* clone(): the stack argument is the SP itself. */
    ch = child_of(c, do_clone(c, LX_SIGCHLD, STACK + 0x800, 0, 0, 0));
    cpu = ch ? ch->cpu : NULL;
    CHECK(cpu && cpu->sp == STACK + 0x800, "clone stack: child SP wrong");

    /* SETTLS */
    ((struct fake_cpu *)t->cpu)->tls = 0x5000;
    ch = child_of(c, do_clone(c, LX_CLONE_SETTLS | LX_SIGCHLD, 0, 0, 0, 0x7000));
    cpu = ch ? ch->cpu : NULL;
    CHECK(cpu && cpu->settls && cpu->tls == 0x7000 && ch->tls == 0x7000, "SETTLS: TLS not set");
    ch = child_of(c, do_clone(c, LX_SIGCHLD, 0, 0, 0, 0x7000));
    cpu = ch ? ch->cpu : NULL;
    CHECK(cpu && !cpu->settls && cpu->tls == 0x5000, "no SETTLS: the TLS must be inherited");

    /* Sharing: each flag shares its resource, its absence copies it. */
    ch = child_of(c, do_clone(c,
                              LX_CLONE_VM | LX_CLONE_FILES | LX_CLONE_FS | LX_CLONE_SIGHAND |
                                  LX_CLONE_SYSVSEM | LX_CLONE_IO | LX_SIGCHLD,
                              STACK, 0, 0, 0));
    CHECK(ch && ch->mm == t->mm && ch->files == t->files && ch->fs == t->fs &&
              ch->sighand == t->sighand && ch->sysvsem == t->sysvsem && ch->io == t->io,
          "sharing flags: a resource was not shared");
    CHECK(ch && ch->tg != t->tg && ch->real_parent == t && ch->exit_signal == LX_SIGCHLD,
          "VM|SIGHAND without THREAD is a new process");
    ch = child_of(c, sys(c, t, NR_FORK, 0, 0, 0, 0, 0));
    CHECK(ch && ch->mm != t->mm && ch->files != t->files && ch->fs != t->fs &&
              ch->sighand != t->sighand && ch->sysvsem != t->sysvsem && ch->io != t->io,
          "fork: a resource was shared");
    CHECK(ch && ch->real_parent == t && ch->tg->tgid == ch->tid && ch->exit_signal == LX_SIGCHLD,
          "fork: child's parent/tgid/exit_signal wrong");

    /* THREAD: same group, the caller's parent, no exit signal */
    int before = t->tg->nr_threads;
    r = do_clone(c, LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD, STACK, 0, 0, 0);
    ch = child_of(c, r);
    CHECK(ch && ch->tg == t->tg && t->tg->nr_threads == before + 1 &&
              ch->real_parent == t->real_parent && ch->exit_signal == -1,
          "THREAD: not a thread of the caller's group");
    CHECK(ch && sys(c, ch, 39 /* getpid */, 0, 0, 0, 0, 0) == t->tg->tgid,
          "THREAD: getpid in the thread is not the group's");

    /* PARENT: a sibling, with the caller's leader's exit_signal (the low
     * byte of clone's flags is ignored). */
    ch = child_of(c, do_clone(c, LX_CLONE_PARENT | LX_SIGUSR1, 0, 0, 0, 0));
    CHECK(ch && ch->real_parent == t->real_parent && ch->exit_signal == t->exit_signal,
          "PARENT: parent %d exit_signal %d", ch ? ch->real_parent->tid : -1,
          ch ? ch->exit_signal : -99);

    /* vfork shares the mm and blocks the caller. */
    r = sys(c, t, NR_VFORK, 0, 0, 0, 0, 0);
    CHECK(r == KM_BLOCKED && t->state == TASK_BLOCKED, "vfork: the parent is not blocked (%s)",
          res_str(r, b, sizeof b));
    shutdown(c);

    /* The refusal event names the front-end. */
    c = boot();
    sys(c, c->t, NR_FORK, 0, 0, 0, 0, 0); /* ok */
    own_cred(c, 1000, 0);
    c->t->tg->rlim_nproc = 1;
    r = sys(c, c->t, NR_FORK, 0, 0, 0, 0, 0);
    CHECK(r == -LX_EAGAIN && strcmp(c->call, "fork") == 0, "fork refusal: call \"%s\"", c->call);
    r = sys(c, c->t, NR_VFORK, 0, 0, 0, 0, 0);
    CHECK(r == -LX_EAGAIN && strcmp(c->call, "vfork") == 0 && c->t->state == TASK_RUNNABLE,
          "vfork refusal: call \"%s\", the parent must not block", c->call);
    shutdown(c);
}

int main(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        run_row(&rows[i]);
    for (size_t i = 0; i < sizeof precs / sizeof precs[0]; i++)
        run_prec(&precs[i]);
    test_ns_caps();
    test_nproc_counts_threads();
    test_settls_aarch64();
    test_non_refusals();
    test_effects();
    return check_report("test_clone_rules");
}
