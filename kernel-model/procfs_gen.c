/* The generated contents of the modelled procfs: /proc/PID/status, stat
 * and comm in Linux's format (fs/proc/array.c), snapshots made at open. */
#include "kernel-model/ns.h"
#include "kernel-model/procfs.h"
#include "kernel-model/procfs_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void sb_printf(struct sb *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int r = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (r < 0) abort();
        if (b->len + (size_t)r < b->cap) {
            b->len += (size_t)r;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)r;
        char *np = procfs_xcalloc(1, cap);
        memcpy(np, b->p, b->len);
        free(b->p);
        b->p = np;
        b->cap = cap;
    }
}

void sb_put(struct sb *b, const void *p, size_t n)
{
    if (b->len + n >= b->cap) {
        size_t cap = b->cap * 2 + n;
        char *np = procfs_xcalloc(1, cap);
        memcpy(np, b->p, b->len);
        free(b->p);
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static const char *pn_state(const struct task *x)
{
    switch (x->state) {
    case TASK_RUNNABLE: return "R (running)";
    case TASK_BLOCKED: return "S (sleeping)";
    case TASK_STOPPED: return "T (stopped)";
    case TASK_ZOMBIE: return "Z (zombie)";
    case TASK_DEAD: return "X (dead)";
    }
    return "R (running)";
}

/* SigIgn / SigCgt from the handler table (collect_sigign_sigcatch). */
static void pn_sigign_sigcatch(const struct task *x, u64 *ign, u64 *cgt)
{
    *ign = *cgt = 0;
    if (!x->sighand) return;
    for (int s = 1; s <= LX_NSIG; s++) {
        u64 h = x->sighand->action[s - 1].handler;
        if (h == LX_SIG_IGN)
            *ign |= LX_SIGBIT(s);
        else if (h != LX_SIG_DFL)
            *cgt |= LX_SIGBIT(s);
    }
}

static int pn_popcount(u64 v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* SigQ's first number: the signals queued for the task's real uid. The
 * model keeps sets, not queues, so it counts the pending bits. */
static int pn_sigq(struct km *k, const struct task *x)
{
    if (!x->cred) return 0;
    int n = 0;
    for (struct task *o = k->tasks; o; o = o->all_next) {
        if (o->state >= TASK_ZOMBIE || !o->cred || o->cred->uid != x->cred->uid) continue;
        n += pn_popcount(o->pending);
        if (o->tg && o == o->tg->leader) n += pn_popcount(o->tg->shared_pending);
    }
    return n;
}

static int pn_ppid(const struct task *x)
{
    const struct task *p = x->real_parent;
    return p && p->tg ? p->tg->tgid : 0;
}

/* proc_task_name with ESCAPE_SPACE | ESCAPE_SPECIAL: "\n" and "\\" are
 * escaped, as are tabs and other spaces. */
static void pn_name(struct sb *b, const struct task *x)
{
    for (size_t i = 0; i < sizeof(x->comm) && x->comm[i]; i++) {
        char c = x->comm[i];
        switch (c) {
        case '\n': sb_printf(b, "\\n"); break;
        case '\t': sb_printf(b, "\\t"); break;
        case '\\': sb_printf(b, "\\\\"); break;
        default: sb_printf(b, "%c", c);
        }
    }
}

/* One NS* line: the number at every pid namespace level from the proc
 * mount's (the initial one) down to x's (groups and sessions by their
 * leader's numbers). */
static void pn_ns_line(struct km *k, struct sb *b, const char *name, const struct task *x,
                       int global, bool tgid)
{
    const struct task *who = tgid || global == x->tid ? x : km_find_task(k, global);
    sb_printf(b, "%s:", name);
    for (int l = 0; x->pidns && l <= x->pidns->level; l++) {
        const struct pid_ns *ns = pidns_at_level(x->pidns, l);
        sb_printf(b, "\t%d", l == 0 ? global : tgid ? km_tgid_nr_ns(x, ns) : km_pid_nr_ns(who, ns));
    }
    sb_printf(b, "\n");
}

/* /proc/<pid>/status in Linux 6.x's order (proc_pid_status); the Vm*
 * memory lines and the CPU/speculation lines are not modelled. */
void gen_status(struct km *k, const struct task *x, struct sb *b)
{
    const struct tgroup *tg = x->tg;
    const struct cred *c = x->cred;
    sb_printf(b, "Name:\t");
    pn_name(b, x);
    sb_printf(b, "\n");
    if (x->fs) sb_printf(b, "Umask:\t%04o\n", x->fs->umask);
    sb_printf(b, "State:\t%s\n", pn_state(x));
    sb_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", tg->tgid, x->tid,
              pn_ppid(x));
    sb_printf(b, "Uid:\t%u\t%u\t%u\t%u\n", c ? c->uid : 0, c ? c->euid : 0, c ? c->suid : 0,
              c ? c->fsuid : 0);
    sb_printf(b, "Gid:\t%u\t%u\t%u\t%u\n", c ? c->gid : 0, c ? c->egid : 0, c ? c->sgid : 0,
              c ? c->fsgid : 0);
    int fdsize = 0;
    if (x->files) {
        fdsize = 64; /* NR_OPEN_DEFAULT, doubled as the table grows */
        while (fdsize < x->files->n)
            fdsize *= 2;
    }
    sb_printf(b, "FDSize:\t%d\nGroups:\t \n", fdsize); /* no supplementary groups */
    pn_ns_line(k, b, "NStgid", x, tg->tgid, true);
    pn_ns_line(k, b, "NSpid", x, x->tid, false);
    pn_ns_line(k, b, "NSpgid", x, tg->pgid, false);
    pn_ns_line(k, b, "NSsid", x, tg->sid, false);
    sb_printf(b, "Kthread:\t0\n");
    if (x->mm) sb_printf(b, "CoreDumping:\t0\nTHP_enabled:\t1\n");
    sb_printf(b, "Threads:\t%d\n", tg->nr_threads);
    sb_printf(b, "SigQ:\t%d/%u\n", pn_sigq(k, x), PROCFS_SIGQ_LIMIT);
    u64 ign, cgt;
    pn_sigign_sigcatch(x, &ign, &cgt);
    sb_printf(b, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
              (unsigned long long)x->pending, (unsigned long long)tg->shared_pending,
              (unsigned long long)x->blocked);
    sb_printf(b, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n", (unsigned long long)ign,
              (unsigned long long)cgt);
    sb_printf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n",
              (unsigned long long)(c ? c->cap_inheritable & PROCFS_CAP_FULL : 0),
              (unsigned long long)(c ? c->cap_permitted & PROCFS_CAP_FULL : 0),
              (unsigned long long)(c ? c->cap_effective & PROCFS_CAP_FULL : 0));
    sb_printf(b, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n",
              (unsigned long long)(c ? c->cap_bset & PROCFS_CAP_FULL : PROCFS_CAP_FULL),
              (unsigned long long)(c ? c->cap_ambient & PROCFS_CAP_FULL : 0));
    sb_printf(b, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
    sb_printf(b, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

/* /proc/<pid>/stat (do_task_stat): 52 fields; times, memory and
 * addresses are not modelled and read 0. */
void gen_stat(const struct task *x, struct sb *b)
{
    u64 ign, cgt;
    pn_sigign_sigcatch(x, &ign, &cgt);
    char st = pn_state(x)[0];
    sb_printf(b, "%d (", x->tid);
    for (size_t i = 0; i < sizeof(x->comm) && x->comm[i]; i++)
        sb_printf(b, "%c", x->comm[i]);
    sb_printf(b, ") %c %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 %d 0 0 0 0 %llu", st, pn_ppid(x),
              x->tg->pgid, x->tg->sid, x->tg->nr_threads, 18446744073709551615ull);
    sb_printf(b, " 0 0 0 0 0 %llu %llu %llu %llu 0 0 0 %d 0 0 0 0 0 0", /* startcode..policy */
              (unsigned long long)(x->pending & 0x7fffffffu),
              (unsigned long long)(x->blocked & 0x7fffffffu),
              (unsigned long long)(ign & 0x7fffffffu), (unsigned long long)(cgt & 0x7fffffffu),
              x->exit_signal < 0 ? 0 : x->exit_signal);
    sb_printf(b, " 0 0 0 0 0 0 0 0 %d\n", x->state >= TASK_ZOMBIE ? x->exit_code : 0);
}

void gen_comm(const struct task *x, struct sb *b)
{
    sb_printf(b, "%.*s\n", (int)strnlen(x->comm, sizeof(x->comm)), x->comm);
}
