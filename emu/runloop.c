/* The run loop and the model's CPU hooks (see runloop.h). Knows no arch and
 * no backend: registers are named by role (enum cpu_reg) and every CPU
 * action goes through the task's struct cpu_ops. */
#include "emu/runloop.h"
#include "kernel-model/files.h"
#include "kernel-model/waitgraph.h"

#include "emu/cpu.h"
#include "emu/loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEADLOCK_STATUS 125
#define LIMIT_STATUS    124 /* --timeout, --max-insns: as timeout(1) */

/* --timeout / --max-insns (runloop_set_limits) and what the run used. */
static struct {
    double timeout_s;   /* 0: none */
    u64 max_blocks;     /* 0: none */
    u64 blocks;         /* executed so far */
    struct timespec t0; /* runloop_run's start */
} limits;

void runloop_set_limits(double timeout_s, u64 max_blocks)
{
    limits.timeout_s = timeout_s;
    limits.max_blocks = max_blocks;
}

static bool runloop_preempt = true;

void runloop_set_preempt(bool on)
{
    runloop_preempt = on;
}

/* Virtual time charged per stop (syscall, fault) of an uncounted run, in
 * basic blocks: time still moves for a task that runs alone and polls a
 * clock, as if each syscall took that many blocks. */
#define UNCOUNTED_STOP_BLOCKS 100

/* The limit the run has reached: a message for stderr, or NULL. */
static const char *limit_reached(void)
{
    if (limits.max_blocks && limits.blocks >= limits.max_blocks)
        return "--max-insns reached (basic blocks executed by all tasks)";
    if (limits.timeout_s > 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double el = (double)(now.tv_sec - limits.t0.tv_sec) +
                    (double)(now.tv_nsec - limits.t0.tv_nsec) / 1e9;
        if (el >= limits.timeout_s) return "--timeout reached (wall-clock seconds)";
    }
    return NULL;
}

/* The km the host hooks act on (runloop_host_init). One per process. */
static struct km *runloop_km;

/* The attached debugger (runloop_set_debugger), or NULL. */
static const struct runloop_debugger *runloop_dbg;

void runloop_set_debugger(const struct runloop_debugger *d)
{
    runloop_dbg = d;
}

/* The backends compiled in; the first that supports an ABI runs it. */
static const struct cpu_ops *const runloop_cpus[] = {&cpu_unicorn_ops, &cpu_ia64lite_ops};

static const struct cpu_ops *cpu_for(const struct km_abi *abi)
{
    for (size_t i = 0; i < sizeof(runloop_cpus) / sizeof(runloop_cpus[0]); i++)
        if (runloop_cpus[i]->supports(abi)) return runloop_cpus[i];
    return NULL;
}

const struct cpu_ops *runloop_cpu_for(const struct km_abi *abi)
{
    return cpu_for(abi);
}

static void runloop_diag(struct km *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void runloop_diag(struct km *k, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (k && k->host && k->host->diag)
        k->host->diag(k->host->ctx, line);
    else
        fprintf(stderr, "clonemu: %s\n", line);
}

/* Live guest tasks, for the limit message. */
static int km_live_count(const struct km *k)
{
    int n = 0;
    for (const struct task *t = k->tasks; t; t = t->all_next)
        if (t != k->init && t->state < TASK_ZOMBIE) n++;
    return n;
}

/* Registers of a freshly loaded program (binfmt_elf start_thread). */
static void set_entry_regs(const struct cpu_ops *cpu, struct task *t,
                           const struct loader_image *img)
{
    cpu->set_reg(t, CPU_REG_PC, img->entry);
    cpu->set_reg(t, CPU_REG_SP, img->sp);
    cpu->set_reg(t, CPU_REG_ENTRY_FINI, 0);
}

/* --- km_host CPU hooks --------------------------------------------------- */

static int host_cpu_clone(void *ctx, struct task *parent, struct task *child, u64 stack,
                          bool settls, u64 tls)
{
    (void)ctx;
    const struct cpu_ops *cpu = cpu_for(child->abi);
    int rc = cpu ? cpu->ctx_clone(parent, child) : -LX_ENOEXEC;
    if (rc) return rc;
    cpu->set_reg(child, CPU_REG_RET, 0);
    if (stack) cpu->set_reg(child, CPU_REG_SP, stack);
    if (settls) cpu->set_reg(child, CPU_REG_TLS, tls);
    return 0;
}

static void host_cpu_free(void *ctx, struct task *t)
{
    (void)ctx;
    const struct cpu_ops *cpu = cpu_for(t->abi);
    if (cpu && t->cpu) cpu->ctx_free(t);
}

static int host_cpu_set_tls(void *ctx, struct task *t, u64 tls)
{
    (void)ctx;
    cpu_for(t->abi)->set_reg(t, CPU_REG_TLS, tls);
    return 0;
}

static u64 host_cpu_get_tls(void *ctx, struct task *t)
{
    (void)ctx;
    return cpu_for(t->abi)->get_reg(t, CPU_REG_TLS);
}

/* Signal delivery (km_return_to_user): the syscall return register and
 * the whole register file as struct km_regs. */
static void host_cpu_set_return(void *ctx, struct task *t, i64 v)
{
    (void)ctx;
    cpu_for(t->abi)->set_reg(t, CPU_REG_RET, (u64)v);
}

static void host_cpu_regs_save(void *ctx, struct task *t, struct km_regs *r)
{
    (void)ctx;
    cpu_for(t->abi)->regs_save(t, r);
}

static void host_cpu_regs_load(void *ctx, struct task *t, const struct km_regs *r)
{
    (void)ctx;
    cpu_for(t->abi)->regs_load(t, r);
}

/* execve: the new image in a fresh mm and t's registers reset for it.
 * Replaces t's register context (the old image is gone either way once
 * the ELF is mapped, as after Linux's point of no return). */
static int host_exec_load(void *ctx, struct task *t, const char *host_path, char *const argv[],
                          char *const envp[], struct mm **mm_out)
{
    (void)ctx;
    struct km *k = runloop_km;
    const struct cpu_ops *cpu = cpu_for(t->abi);
    const struct km_abi *abi = NULL;
    struct mm *mm = NULL;
    struct loader_image img;
    char err[256];
    /* AT_EXECFN should be the path execve was given; the hook gets only the
     * host path, so argv[0] stands in for it. */
    const char *execfn = argv && argv[0] ? argv[0] : host_path;
    int rc = loader_exec(k, cpu, k->host->fs, host_path, execfn, argv, envp, &abi, &mm, &img, err,
                         sizeof(err));
    if (rc) {
        if (rc == -LX_ENOEXEC) runloop_diag(k, "execve: %s", err);
        return rc;
    }
    if (abi != t->abi) { /* the task's ABI is the model's; it cannot change here */
        runloop_diag(k, "execve: %s is %s, the caller is %s (not supported)", host_path, abi->name,
                     t->abi->name);
        mm_put(mm);
        return -LX_ENOEXEC;
    }
    rc = cpu->ctx_new(t, mm);
    if (rc) {
        mm_put(mm);
        return rc;
    }
    set_entry_regs(cpu, t, &img);
    mm->as_limit = k->opt.max_memory;
    mm->stack_limit = t->tg->rlim_stack == ~0ULL ? 0 : t->tg->rlim_stack;
    *mm_out = mm;
    return 0;
}

void runloop_host_init(struct km_host *h, struct km *k)
{
    runloop_km = k;
    h->cpu_clone = host_cpu_clone;
    h->cpu_free = host_cpu_free;
    h->cpu_set_tls = host_cpu_set_tls;
    h->cpu_get_tls = host_cpu_get_tls;
    h->cpu_set_return = host_cpu_set_return;
    h->cpu_regs_save = host_cpu_regs_save;
    h->cpu_regs_load = host_cpu_regs_load;
    h->exec_load = host_exec_load;
}

int runloop_start(struct km *k, const char *host_path, const char *execfn, char *const argv[],
                  char *const envp[])
{
    const struct km_abi *abi = NULL;
    struct mm *mm = NULL;
    struct loader_image img;
    char err[256];
    int rc = loader_probe(host_path, &abi, err, sizeof(err));
    const struct cpu_ops *cpu = rc == 0 ? cpu_for(abi) : NULL;
    if (rc == 0 && !cpu) {
        snprintf(err, sizeof(err), "%s: no CPU backend runs %s", host_path, abi->name);
        rc = -LX_ENOEXEC;
    }
    if (rc == 0)
        rc = loader_exec(k, cpu, NULL, host_path, execfn, argv, envp, &abi, &mm, &img, err,
                         sizeof(err));
    if (rc) {
        fprintf(stderr, "clonemu: %s\n", err);
        return rc;
    }
    mm->as_limit = k->opt.max_memory; /* --max-memory, for the guest's own mappings */
    struct task *t = km_spawn_initial(k, abi, mm);
    if (!t) {
        fprintf(stderr, "clonemu: cannot create the initial task\n");
        return -LX_ENOMEM;
    }
    mm->stack_limit = t->tg->rlim_stack == ~0ULL ? 0 : t->tg->rlim_stack; /* RLIMIT_STACK */
    /* /proc/self/exe: the program's absolute path as the guest sees it
     * (the --root prefix removed). */
    char real[4096];
    if (realpath(host_path, real)) {
        const char *root = k->opt.root ? k->opt.root : "";
        size_t rl = strlen(root);
        while (rl && root[rl - 1] == '/')
            rl--;
        const char *guest = real;
        if (rl && !strncmp(real, root, rl) && real[rl] == '/') guest = real + rl;
        fs_set_exe(k, t->mm, guest);
    }
    rc = cpu->ctx_new(t, t->mm);
    if (rc) {
        fprintf(stderr, "clonemu: no CPU context for %s\n", abi->name);
        return rc;
    }
    set_entry_regs(cpu, t, &img);
    return 0;
}

/* --- the loop ------------------------------------------------------------ */

/* May t's next run go uncounted (CPU_RUN_UNCOUNTED)? Only when no block
 * count is needed: no --max-insns or --timeout (checked between slices), no
 * debugger, and t runs alone (km_sched_alone: no other task to preempt it
 * for, no timer to fire) or preemption is off. The choice depends on model
 * state only, so a run stays deterministic. */
static bool run_uncounted(struct km *k, struct task *t, const struct cpu_ops *cpu)
{
    if (!cpu->run_uncounted || runloop_dbg || limits.max_blocks || limits.timeout_s > 0)
        return false;
    return !runloop_preempt || km_sched_alone(k, t);
}

static u64 slice_budget(struct km *k)
{
    u64 budget = km_sched_slice(k);
    if (budget == 0) budget = 1;
    if (limits.max_blocks && budget > limits.max_blocks - limits.blocks)
        budget = limits.max_blocks - limits.blocks;
    return budget;
}

/* Runs t for one slice: until it blocks, leaves RUNNABLE, faults fatally,
 * the model asks for a reschedule or the block budget is used up (an
 * uncounted slice has none until another task can run). Every return to
 * guest code goes through km_return_to_user (km.h): it writes a syscall's
 * result (unless the syscall is restarted) and delivers pending signals,
 * after which t may be dead or stopped. entered: that was just done for t
 * (a resumed syscall), so the slice starts directly. */
static void run_slice(struct km *k, struct task *t, bool entered)
{
    const struct cpu_ops *cpu = cpu_for(t->abi);
    if (!entered) {
        km_return_to_user(k, t, KM_NORET);
        if (!km_task_can_run(k, t)) return;
    }
    bool uncounted = run_uncounted(k, t, cpu);
    u64 budget = uncounted ? 0 : slice_budget(k);
    const struct runloop_debugger *dbg = runloop_dbg;
    while (uncounted || budget > 0) {
        struct cpu_stop s;
        if (dbg && cpu->set_debug) cpu->set_debug(dbg->prepare(dbg->ctx, t));
        cpu->run(t, uncounted ? CPU_RUN_UNCOUNTED : budget, &s);
        if (uncounted) {
            km_account(k, t, UNCOUNTED_STOP_BLOCKS);
        } else {
            km_account(k, t, s.blocks);
            limits.blocks += s.blocks;
            budget -= s.blocks < budget ? s.blocks : budget;
        }
        if (s.kind == CPU_STOP_SLICE_END) return;
        if (s.kind == CPU_STOP_DEBUG) {
            dbg->stop(dbg->ctx, t, RL_DBG_TRAP, 0);
            return;
        }
        if (s.kind == CPU_STOP_FAULT) {
            runloop_diag(k, "tid %d: %s", t->tid, s.what);
            km_force_signal(k, t, s.sig, s.si_code, s.addr);
            km_return_to_user(k, t, KM_NORET);
            /* The slice ends: a fault may use no block (a repeating fault
             * would never use up the budget); a handler runs next slice. */
            return;
        } else {
            if (dbg) dbg->stop(dbg->ctx, t, RL_DBG_SYSCALL_ENTRY, s.nr);
            i64 r = km_syscall(k, t, s.nr, s.args);
            if (r == KM_BLOCKED) return;
            /* execve replaced the backend's context; the ABI stays. */
            km_return_to_user(k, t, r);
            if (dbg && km_task_can_run(k, t) && dbg->stop(dbg->ctx, t, RL_DBG_SYSCALL_RETURN, s.nr))
                return;
        }
        if (!km_task_can_run(k, t) || k->need_resched) {
            k->need_resched = false;
            return;
        }
        /* The syscall woke or made another task, or armed a timer: the
         * rest of the slice is counted. */
        if (uncounted && !run_uncounted(k, t, cpu)) {
            uncounted = false;
            budget = slice_budget(k);
        }
    }
}

static void deadlock_line(void *ctx, const char *s)
{
    (void)ctx;
    fprintf(stderr, "clonemu:   %s\n", s);
}

/* Every live task is blocked and no timer can wake one: print the wait
 * graph (kernel-model/waitgraph.h) and end with DEADLOCK_STATUS. */
static int report_deadlock(struct km *k)
{
    fprintf(stderr,
            "clonemu: deadlock: every task is blocked and no timer can wake one "
            "(exit status %d); the wait graph:\n",
            DEADLOCK_STATUS);
    km_wait_graph(k, deadlock_line, NULL);
    return DEADLOCK_STATUS;
}

int runloop_run(struct km *k)
{
    clock_gettime(CLOCK_MONOTONIC, &limits.t0);
    limits.blocks = 0;
    const char *limit = NULL;
    for (;;) {
        if ((limits.timeout_s > 0 || limits.max_blocks) && (limit = limit_reached())) break;
        struct task *t = km_sched_next(k);
        if (!t) break;
        task_get(t); /* the task may exit (and be reaped) during its slice */
        bool can_run = true, entered = false;
        if (runloop_dbg && !runloop_dbg->may_run(runloop_dbg->ctx, t)) {
            task_put(k, t);
            continue;
        }
        if (t->psys.active) { /* woken with a pending syscall: finish it first */
            i64 r = km_syscall_resume(k, t);
            if (r == KM_BLOCKED) {
                can_run = false;
            } else {
                km_return_to_user(k, t, r);
                entered = true;
            }
        }
        if (can_run && km_task_can_run(k, t)) run_slice(k, t, entered);
        task_put(k, t);
    }
    int status;
    if (limit) {
        fprintf(stderr,
                "clonemu: %s: the run is stopped, %d task(s) still alive (exit status %d)\n", limit,
                km_live_count(k), LIMIT_STATUS);
        status = LIMIT_STATUS;
    } else if (!km_all_exited(k)) {
        status = report_deadlock(k);
    } else {
        int st = k->initial_status;
        status = (st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f);
    }
    if (runloop_dbg) runloop_dbg->end(runloop_dbg->ctx, status);
    return status;
}
