/* --step (step.h). The sink sees each event right after the model made
 * the change it reports and before the model goes on: the stop shows the
 * event as the trace prints it, the task it concerns, that task's PC and
 * instruction (cpu_ops.disasm), then reads commands. Commands only read
 * model state; they never emit events (no nesting, events.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/cpu.h"
#include "emu/runloop.h"
#include "emu/sinks.h"
#include "emu/step.h"
#include "kernel-model/waitgraph.h"

/* Event kinds per --step KIND. */
static const struct {
    const char *name;
    const char *kinds; /* space separated, each with a space on both sides */
} step_groups[] = {
    {"clone", " clone clone_refused task_new "},
    {"signal", " signal_generate signal_target signal_deliver sigreturn group_stop group_continue "
               "syscall_restart fault "},
    {"exit", " exit zombie reap reparent "},
    {"wait", " wait "},
    {"futex", " futex_wait futex_wake futex_owner_died "},
    {"exec", " exec exec_take_over vfork_release "},
    {"ns", " ns_create ns_destroy ns_enter pidns_zap unshare "},
    {"sched", " block wake "},
};
#define STEP_NGROUPS (sizeof step_groups / sizeof step_groups[0])
#define STEP_NBREAK  16

struct step {
    struct km_sink sink;
    struct km *k;
    unsigned groups; /* bit i: step_groups[i] */
    bool running;    /* "continue": stop only at a break */
    char brk[STEP_NBREAK][32];
    int nbrk;
    FILE *in, *out;
};

static struct step the_step;

static bool kind_in_groups(const struct step *s, const char *kind)
{
    char pat[48];
    snprintf(pat, sizeof pat, " %s ", kind);
    for (size_t i = 0; i < STEP_NGROUPS; i++)
        if ((s->groups & (1u << i)) && strstr(step_groups[i].kinds, pat)) return true;
    return false;
}

/* A break matches an event kind, a --step kind, or a syscall's name. */
static bool break_hit(const struct step *s, const struct km_event *e)
{
    const struct km_field *name = km_ev_field(e, "name");
    for (int i = 0; i < s->nbrk; i++) {
        if (!strcmp(s->brk[i], e->kind)) return true;
        if (!strcmp(e->kind, "syscall") && name && name->s && !strcmp(name->s, s->brk[i]))
            return true;
        for (size_t g = 0; g < STEP_NGROUPS; g++) {
            char pat[48];
            snprintf(pat, sizeof pat, " %s ", e->kind);
            if (!strcmp(step_groups[g].name, s->brk[i]) && strstr(step_groups[g].kinds, pat))
                return true;
        }
    }
    return false;
}

static const char *state_name(const struct task *t)
{
    static const char *const n[] = {"runnable", "blocked", "stopped", "zombie", "dead"};
    return (unsigned)t->state < 5 ? n[t->state] : "?";
}

/* A live task with a register context (not init, not exited). */
static bool has_regs(const struct task *t)
{
    return t->cpu && t->mm && t->state != TASK_ZOMBIE && t->state != TASK_DEAD;
}

/* --- commands ------------------------------------------------------------ */

static void tasks_tree(struct step *s, struct task *parent, int depth)
{
    for (struct task *c = parent->children; c; c = c->sibling) {
        for (struct task *t = c->tg->threads; t; t = t->tg_next) {
            if (t != c && t->state == TASK_DEAD) continue;
            fprintf(s->out, "%*s%d/%d %s %s%s\n", 2 * depth + 2, "", t->tid, t->tg->tgid,
                    t == c ? "process" : "thread", state_name(t),
                    t == s->k->current ? " (current)" : "");
        }
        tasks_tree(s, c, depth + 1);
    }
}

static void wg_line(void *ctx, const char *l)
{
    fprintf(((struct step *)ctx)->out, "  %s\n", l);
}

static void cmd_tasks(struct step *s)
{
    fprintf(s->out, "1 init\n");
    tasks_tree(s, s->k->init, 0);
    km_wait_graph(s->k, wg_line, s);
}

/* "SIGUSR1|SIGTERM" or "-" */
static void sigset_str(u64 set, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int sig = 1; sig <= 64 && len + 1 < n; sig++)
        if (set & (1ULL << (sig - 1)))
            len +=
                (size_t)snprintf(buf + len, n - len, "%s%s", len ? "|" : "", lx_signal_name(sig));
    if (!len) snprintf(buf, n, "-");
}

static void cmd_signals(struct step *s, struct task *cur)
{
    char b1[512], b2[512];
    struct tgroup *tg = cur->tg;
    sigset_str(tg->shared_pending, b1, sizeof b1);
    fprintf(s->out, "process %d: group pending %s\n", tg->tgid, b1);
    for (struct task *t = tg->threads; t; t = t->tg_next) {
        if (t->state == TASK_DEAD) continue;
        sigset_str(t->pending, b1, sizeof b1);
        sigset_str(t->blocked, b2, sizeof b2);
        fprintf(s->out, "  thread %d (%s): pending %s; blocked %s\n", t->tid, state_name(t), b1,
                b2);
    }
    fprintf(s->out, "  handlers (sighand#%d):", cur->sighand->id);
    int shown = 0;
    for (int sig = 1; sig <= 64; sig++) {
        const struct lx_sigaction *a = &cur->sighand->action[sig - 1];
        if (!a->handler) continue;
        if (a->handler == 1)
            fprintf(s->out, " %s=SIG_IGN", lx_signal_name(sig));
        else
            fprintf(s->out, " %s=%#llx", lx_signal_name(sig), (unsigned long long)a->handler);
        shown++;
    }
    fprintf(s->out, "%s\n", shown ? "" : " all SIG_DFL");
}

static void cmd_regs(struct step *s, struct task *t)
{
    const struct cpu_ops *cpu = runloop_cpu_for(t->abi);
    if (!cpu || !has_regs(t)) {
        fprintf(s->out, "no registers (task %d has exited)\n", t->tid);
        return;
    }
    struct km_regs r;
    cpu->regs_save(t, &r);
    fprintf(s->out, "pc %#llx sp %#llx flags %#llx tls %#llx\n", (unsigned long long)r.pc,
            (unsigned long long)r.sp, (unsigned long long)r.flags, (unsigned long long)r.tls);
    for (int i = 0; i < 31; i++)
        fprintf(s->out, "r%-2d %#18llx%s", i, (unsigned long long)r.gpr[i],
                i % 4 == 3 ? "\n" : "  ");
    fprintf(s->out, "\n");
}

static void cmd_mem(struct step *s, struct task *t, const char *args)
{
    char *end;
    unsigned long long addr = strtoull(args, &end, 0);
    unsigned long long len = strtoull(end, NULL, 0);
    if (end == args || len == 0) len = 64;
    if (len > 4096) len = 4096;
    for (u64 off = 0; off < len; off += 16) {
        u8 b[16];
        size_t n = len - off < 16 ? (size_t)(len - off) : 16;
        if (!t->mm || mm_read(t->mm, addr + off, b, n) < 0) {
            fprintf(s->out, "%#llx: not readable\n", addr + off);
            return;
        }
        fprintf(s->out, "%#llx:", addr + off);
        for (size_t i = 0; i < n; i++)
            fprintf(s->out, " %02x", b[i]);
        fprintf(s->out, "\n");
    }
}

/* bt-lite: words on the stack that point into executable mappings. */
static void cmd_bt(struct step *s, struct task *t)
{
    const struct cpu_ops *cpu = runloop_cpu_for(t->abi);
    if (!cpu || !has_regs(t)) return;
    u64 pc = cpu->get_reg(t, CPU_REG_PC), sp = cpu->get_reg(t, CPU_REG_SP);
    fprintf(s->out, "#0 %#llx\n", (unsigned long long)pc);
    int n = 1;
    for (u64 a = sp; a < sp + 8 * 256 && n < 16; a += 8) {
        u64 v;
        if (mm_read_u64(t->mm, a, &v) < 0) break;
        const struct vma *m = mm_find_vma(t->mm, v);
        if (m && (m->prot & LX_PROT_EXEC) && v != pc)
            fprintf(s->out, "#%d %#llx (stack slot %#llx)\n", n++, (unsigned long long)v,
                    (unsigned long long)a);
    }
}

static void step_help(FILE *f)
{
    fputs("commands: next (n), continue (c), tasks, signals, regs, mem ADDR [LEN], bt-lite,\n"
          "          break SYSCALL|EVENT|KIND, quit (q), help\n",
          f);
}

/* Read and run commands until one resumes the guest. */
static void step_prompt(struct step *s, struct task *cur)
{
    char line[256];
    for (;;) {
        fprintf(s->out, "(clonemu) ");
        fflush(s->out);
        if (!fgets(line, sizeof line, s->in)) { /* end of input: run to the end */
            fprintf(s->out, "\n");
            s->groups = 0;
            s->nbrk = 0;
            s->running = true;
            return;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (!isatty(fileno(s->in))) fprintf(s->out, "%s\n", line); /* a readable transcript */
        char *cmd = line + strspn(line, " \t");
        char *arg = cmd + strcspn(cmd, " \t");
        if (*arg) *arg++ = '\0';
        arg += strspn(arg, " \t");
        if (!*cmd || !strcmp(cmd, "next") || !strcmp(cmd, "n")) {
            s->running = false;
            return;
        } else if (!strcmp(cmd, "continue") || !strcmp(cmd, "c")) {
            s->running = true;
            return;
        } else if (!strcmp(cmd, "tasks")) {
            cmd_tasks(s);
        } else if (!strcmp(cmd, "signals")) {
            cmd_signals(s, cur);
        } else if (!strcmp(cmd, "regs")) {
            cmd_regs(s, cur);
        } else if (!strcmp(cmd, "mem")) {
            cmd_mem(s, cur, arg);
        } else if (!strcmp(cmd, "bt-lite") || !strcmp(cmd, "bt")) {
            cmd_bt(s, cur);
        } else if (!strcmp(cmd, "break") || !strcmp(cmd, "b")) {
            if (*arg && s->nbrk < STEP_NBREAK) {
                snprintf(s->brk[s->nbrk++], sizeof s->brk[0], "%s", arg);
                fprintf(s->out, "break %d at %s\n", s->nbrk, arg);
            } else {
                fprintf(s->out, "break what? (a syscall name, an event kind or a --step kind)\n");
            }
        } else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) {
            fprintf(s->out, "quit\n");
            fflush(NULL);
            exit(130);
        } else {
            step_help(s->out);
        }
    }
}

static void step_emit(void *ctx, const struct km_event *e)
{
    struct step *s = ctx;
    bool stop = s->running ? break_hit(s, e) : (kind_in_groups(s, e->kind) || break_hit(s, e));
    if (!stop) return;
    char buf[KM_EV_STRBUF + 256];
    sink_trace_format(e, buf, sizeof buf);
    fprintf(s->out, "--- step: %s\n", buf);
    struct task *t = e->tid ? km_find_task(s->k, e->tid) : NULL;
    if (!t) t = s->k->current;
    if (t && has_regs(t)) {
        const struct cpu_ops *cpu = runloop_cpu_for(t->abi);
        char insn[128] = "?";
        u64 pc = cpu ? cpu->get_reg(t, CPU_REG_PC) : 0;
        if (cpu && cpu->disasm) cpu->disasm(t, pc, insn, sizeof insn);
        fprintf(s->out, "    task %d/%d (%s, %s) at pc %#llx: %s\n", t->tid, t->tg->tgid,
                t->abi->name, state_name(t), (unsigned long long)pc, insn);
    }
    if (t) step_prompt(s, t);
}

int step_attach(struct km *k, const char *kinds, const char **bad)
{
    struct step *s = &the_step;
    memset(s, 0, sizeof *s);
    s->k = k;
    s->in = stdin;
    s->out = stderr;
    if (!kinds || !*kinds || !strcmp(kinds, "all")) {
        s->groups = (1u << STEP_NGROUPS) - 1;
    } else {
        static char copy[256];
        snprintf(copy, sizeof copy, "%s", kinds);
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
            size_t i = 0;
            while (i < STEP_NGROUPS && strcmp(step_groups[i].name, tok) != 0)
                i++;
            if (i == STEP_NGROUPS) {
                *bad = tok;
                return -1;
            }
            s->groups |= 1u << i;
        }
    }
    s->sink.emit = step_emit;
    s->sink.ctx = s;
    km_ev_add_sink(k, &s->sink);
    return 0;
}
