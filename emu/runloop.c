/* The run loop and the model's CPU hooks (see runloop.h). Knows no arch and
 * no backend: registers are named by role (enum cpu_reg) and every CPU
 * action goes through the task's struct cpu_ops. */
#include "emu/runloop.h"
#include "kernel-model/files.h"

#include "emu/cpu.h"
#include "emu/loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEADLOCK_STATUS 125

/* The km the host hooks act on (runloop_host_init). One per process. */
static struct km *runloop_km;

/* The backends compiled in; the first that supports an ABI runs it. */
static const struct cpu_ops *const runloop_cpus[] = {&cpu_unicorn_ops};

static const struct cpu_ops *cpu_for(const struct km_abi *abi)
{
    for (size_t i = 0; i < sizeof(runloop_cpus) / sizeof(runloop_cpus[0]); i++)
        if (runloop_cpus[i]->supports(abi)) return runloop_cpus[i];
    return NULL;
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
    int rc = loader_exec(k, cpu, host_path, execfn, argv, envp, &abi, &mm, &img, err, sizeof(err));
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
        rc = loader_exec(k, cpu, host_path, execfn, argv, envp, &abi, &mm, &img, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "clonemu: %s\n", err);
        return rc;
    }
    struct task *t = km_spawn_initial(k, abi, mm);
    if (!t) {
        fprintf(stderr, "clonemu: cannot create the initial task\n");
        return -LX_ENOMEM;
    }
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

/* Writes a syscall result unless the model said not to, or the task died
 * during the syscall (a fatal signal, exit_group; its registers may be
 * freed already if it was reaped). */
static void finish_syscall(const struct cpu_ops *cpu, struct task *t, i64 r)
{
    if (r == KM_NORET || r == KM_BLOCKED || t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
        return;
    cpu->set_reg(t, CPU_REG_RET, (u64)r);
}

/* Runs t for one slice: until it blocks, leaves RUNNABLE, faults, the
 * model asks for a reschedule or the block budget is used up. */
static void run_slice(struct km *k, struct task *t)
{
    const struct cpu_ops *cpu = cpu_for(t->abi);
    u64 budget = km_sched_slice(k);
    if (budget == 0) budget = 1;
    while (budget > 0) {
        struct cpu_stop s;
        cpu->run(t, budget, &s);
        km_account(k, t, s.blocks);
        budget -= s.blocks < budget ? s.blocks : budget;
        if (s.kind == CPU_STOP_SLICE_END) return;
        if (s.kind == CPU_STOP_FAULT) {
            runloop_diag(k, "tid %d: %s", t->tid, s.what);
            km_force_signal(k, t, s.sig, s.si_code, s.addr);
            return;
        }
        i64 r = km_syscall(k, t, s.nr, s.args);
        if (r == KM_BLOCKED) return;
        /* execve replaced the backend's context; the ABI stays. */
        finish_syscall(cpu, t, r);
        if (t->state != TASK_RUNNABLE || k->need_resched) {
            k->need_resched = false;
            return;
        }
    }
}

static const char *wait_kind_name(enum km_wait_kind w)
{
    static const char *const names[] = {"none",  "futex", "child", "vfork",
                                        "sleep", "pipe",  "poll",  "pause"};
    return (unsigned)w < sizeof(names) / sizeof(names[0]) ? names[w] : "?";
}

static int report_deadlock(struct km *k)
{
    fprintf(stderr, "clonemu: deadlock: every task is blocked\n");
    for (struct task *t = k->tasks; t; t = t->all_next) {
        if (t == k->init || t->state == TASK_ZOMBIE || t->state == TASK_DEAD) continue;
        fprintf(stderr, "clonemu:   tid %d (%s): %s, wait %s key %#llx\n", t->tid, t->comm,
                t->state == TASK_STOPPED ? "stopped" : "blocked", wait_kind_name(t->wait.kind),
                (unsigned long long)t->wait.key);
    }
    return DEADLOCK_STATUS;
}

int runloop_run(struct km *k)
{
    for (;;) {
        struct task *t = km_sched_next(k);
        if (!t) break;
        task_get(t); /* the task may exit (and be reaped) during its slice */
        bool can_run = true;
        if (t->psys.active) { /* woken with a pending syscall: finish it first */
            i64 r = km_syscall_resume(k, t);
            if (r == KM_BLOCKED)
                can_run = false;
            else
                finish_syscall(cpu_for(t->abi), t, r);
        }
        if (can_run && t->state == TASK_RUNNABLE) run_slice(k, t);
        task_put(k, t);
    }
    if (!km_all_exited(k)) return report_deadlock(k);
    int st = k->initial_status;
    if ((st & 0x7f) == 0) return (st >> 8) & 0xff;
    return 128 + (st & 0x7f);
}
