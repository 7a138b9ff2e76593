/* The syscall dispatcher: arch number -> generic number -> handler, with
 * the strace-like "syscall" event. Handler tables come in segments, one
 * per module (sys.h); this file merges them once. */
#include "kernel-model/internal.h"
#include "kernel-model/sys.h"

#include <inttypes.h>
#include <stdio.h>

static const struct km_sys_entry *table[LX_SYS__COUNT];
static bool table_ready;

static void table_build(void)
{
    const struct km_sys_entry *const segs[] = {km_sys_proc, km_sys_futex,  km_sys_file, km_sys_mem,
                                               km_sys_misc, km_sys_signal, km_sys_ns,   km_sys_cred,
                                               km_sys_sem,  km_sys_epoll,  km_sys_attr};
    for (size_t s = 0; s < sizeof segs / sizeof segs[0]; s++)
        for (const struct km_sys_entry *e = segs[s]; e->sysno != LX_SYS_NONE; e++) {
            if (table[e->sysno]) km_panic("syscall handled by two modules");
            table[e->sysno] = e;
        }
    table_ready = true;
}

const struct km_sys_entry *km_sys_lookup(enum lx_sysno n)
{
    if (!table_ready) table_build();
    return (unsigned)n < LX_SYS__COUNT ? table[n] : NULL;
}

/* One argument as the trace shows it. */
static int fmt_arg(struct task *t, char c, u64 v, char *out, size_t n)
{
    char tmp[512];
    switch (c) {
    case 'd':
    case 'F': return snprintf(out, n, "%d", (int)v);
    case 'u': return snprintf(out, n, "%" PRIu64, v);
    case 'S': return snprintf(out, n, "%s", lx_signal_name((int)v));
    case 'f':
        return snprintf(
            out, n, "%s",
            km_clone_flags_str(v & ~LX_CSIGNAL, (int)(v & LX_CSIGNAL), tmp, sizeof tmp));
    case 'o': return snprintf(out, n, "%#" PRIx64, v);
    case 's': {
        if (!v) return snprintf(out, n, "NULL");
        i64 r = t->mm ? mm_read_str(t->mm, v, tmp, 64) : -LX_EFAULT;
        if (r == -LX_ENAMETOOLONG) {
            tmp[63] = 0;
            return snprintf(out, n, "\"%s\"...", tmp);
        }
        if (r < 0) return snprintf(out, n, "%#" PRIx64, v);
        return snprintf(out, n, "\"%s\"", tmp);
    }
    case 'p': return v ? snprintf(out, n, "%#" PRIx64, v) : snprintf(out, n, "NULL");
    default: return snprintf(out, n, "%#" PRIx64, v);
    }
}

/* The trace format of e's arguments in t's arch order: clone's flags are
 * its second argument where the arch swaps the first two (s390x), found by
 * asking the arch's decoder. */
static const char *arg_fmt(struct task *t, const struct km_sys_entry *e)
{
    if (e->sysno != LX_SYS_clone || !t->abi->clone_decode) return e->fmt;
    static const u64 probe[6] = {0, LX_SIGCHLD, 0, 0, 0, 0};
    struct kernel_clone_args kca;
    t->abi->clone_decode(probe, &kca);
    return kca.exit_signal == LX_SIGCHLD ? "pfppp" : e->fmt;
}

static void fmt_args(struct task *t, const char *fmt, const u64 a[6], char *out, size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; fmt && fmt[i] && i < 6 && used < n; i++) {
        if (i) used += (size_t)snprintf(out + used, n - used, ", ");
        if (used >= n) break;
        int w = fmt_arg(t, fmt[i], a[i], out + used, n - used);
        if (w < 0) break;
        used += (size_t)w;
    }
}

static void ev_syscall(struct km *k, struct task *t, const char *name, const char *args, i64 r,
                       bool resumed)
{
    km_ev_begin(k, "syscall", t);
    km_ev_str(k, "name", name);
    km_ev_str(k, "args", args);
    if (resumed) km_ev_int(k, "resumed", 1);
    if (r == KM_NORET) {
        km_ev_str(k, "ret", "none");
    } else if (lx_is_err(r)) {
        km_ev_int(k, "ret", -1);
        km_ev_str(k, "err", lx_errno_name((int)-r));
        if (k->last_rule) km_ev_str(k, "rule", k->last_rule);
    } else if (!strcmp(name, "mmap") || !strcmp(name, "brk") || !strcmp(name, "mremap")) {
        km_ev_hex(k, "ret", (u64)r); /* addresses read better in hex */
    } else {
        km_ev_int(k, "ret", r);
    }
    km_ev_end(k);
}

static void report_unknown(struct km *k, struct task *t, const char *name, u32 nr)
{
    /* One line per distinct syscall, not per call. */
    static char seen[64][32];
    static int nseen;
    for (int i = 0; i < nseen; i++)
        if (!strcmp(seen[i], name)) return;
    if (nseen < 64) snprintf(seen[nseen++], sizeof seen[0], "%s", name);
    char line[160];
    snprintf(line, sizeof line, "clonemu: unsupported syscall %s (%s nr %u) returns ENOSYS", name,
             t->abi->name, nr);
    if (k->host->diag) k->host->diag(k->host->ctx, line);
}

static i64 dispatch(struct km *k, struct task *t, const struct km_sys_entry *e, const u64 a[6],
                    const char *name, bool resumed)
{
    char args[600] = "";
    bool ev = km_ev_enabled(k);
    if (ev) /* before the call: exit and execve drop the mm */
        fmt_args(t, arg_fmt(t, e), a, args, sizeof args);
    k->current = t;
    k->last_rule = NULL;
    i64 r = e->fn(k, t, a);
    if (r == KM_BLOCKED) {
        t->psys.active = true;
        t->psys.sysno = e->sysno;
        t->psys.deadline_ns = t->wait.deadline_ns;
        memcpy(t->psys.args, a, sizeof t->psys.args);
        return r;
    }
    t->psys.active = false;
    if (ev) ev_syscall(k, t, name, args, r, resumed);
    return r;
}

i64 km_syscall(struct km *k, struct task *t, u32 arch_nr, const u64 args[6])
{
    const struct km_abi *abi = t->abi;
    const char *name =
        arch_nr < abi->nr_count && abi->sys[arch_nr].name ? abi->sys[arch_nr].name : "unknown";
    enum lx_sysno n = arch_nr < abi->nr_count ? abi->sys[arch_nr].sysno : LX_SYS_NONE;
    const struct km_sys_entry *e = km_sys_lookup(n);
    if (!e) {
        report_unknown(k, t, name, arch_nr);
        if (km_ev_enabled(k)) ev_syscall(k, t, name, "", -LX_ENOSYS, false);
        return -LX_ENOSYS;
    }
    t->psys.arch_nr = arch_nr;
    if (abi->syscall_fixup) { /* s390x mmap: arguments in a guest struct */
        u64 a[6];
        memcpy(a, args, sizeof a);
        int rc = abi->syscall_fixup(t, n, a);
        if (rc) {
            if (km_ev_enabled(k)) ev_syscall(k, t, name, "", rc, false);
            return rc;
        }
        return dispatch(k, t, e, a, name, false);
    }
    return dispatch(k, t, e, args, name, false);
}

i64 km_syscall_resume(struct km *k, struct task *t)
{
    if (!t->psys.active) km_panic("km_syscall_resume without a pending syscall");
    const struct km_sys_entry *e = km_sys_lookup(t->psys.sysno);
    const char *name = lx_sysno_name(t->psys.sysno);
    if (t->wait.has_result) {
        i64 r = t->wait.result;
        t->wait = (struct km_wait){0};
        t->psys.active = false;
        if (km_ev_enabled(k)) {
            char args[600];
            fmt_args(t, arg_fmt(t, e), t->psys.args, args, sizeof args);
            ev_syscall(k, t, name, args, r, true);
        }
        return r;
    }
    t->wait = (struct km_wait){0};
    u64 a[6];
    memcpy(a, t->psys.args, sizeof a);
    return dispatch(k, t, e, a, name, true);
}
