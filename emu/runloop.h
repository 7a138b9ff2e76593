/* The run loop: picks tasks with the model's scheduler, runs them on their
 * CPU backend (through struct cpu_ops only) and turns traps into model
 * calls: syscall -> km_syscall, fault -> km_force_signal, end of slice ->
 * reschedule. Also provides the model's CPU hooks (struct km_host). */
#ifndef CLONEMU_EMU_RUNLOOP_H
#define CLONEMU_EMU_RUNLOOP_H

#include "kernel-model/km.h"

/* Fills h's CPU hooks: cpu_clone, cpu_free, cpu_set_tls, cpu_get_tls,
 * exec_load. The other members (ctx, fs, diag) are the caller's. The hooks
 * act on k, which must be the struct km later initialised with h (they do
 * not use h->ctx). Call before km_init. */
void runloop_host_init(struct km_host *h, struct km *k);

/* Loads the program host_path (AT_EXECFN execfn, e.g. the path as the user
 * typed it) with argv/envp into a new mm, creates the initial task with
 * km_spawn_initial (which takes over the mm reference) and sets its
 * registers. 0, or -LX_E* after printing one line to stderr. */
int runloop_start(struct km *k, const char *host_path, const char *execfn, char *const argv[],
                  char *const envp[]);

/* Runs until no task can run. Returns the exit status for the shell: the
 * initial process's exit code, 128 + N if a signal N killed it, or 125
 * after printing "clonemu: deadlock: ..." when live tasks are all blocked. */
int runloop_run(struct km *k);

/* Budgets for the next runloop_run (0: none): wall-clock seconds and
 * basic blocks executed by all tasks together. When one is used up the
 * run stops with a message on stderr and runloop_run returns 124. */
void runloop_set_limits(double timeout_s, u64 max_blocks);

/* Preemption (default on): a slice ends after a seeded number of basic
 * blocks whenever another task could run or a timer is armed; a task that
 * runs alone is not counted (see run_slice). Off (--no-preempt): no task is
 * ever cut by blocks, tasks change only when one blocks, yields or exits
 * (spin-waits on another task never end). */
void runloop_set_preempt(bool on);

/* The CPU backend that runs guests of abi (NULL: none), for --step and
 * the gdb stub, which read registers and disassemble through it. */
struct cpu_ops;
const struct cpu_ops *runloop_cpu_for(const struct km_abi *abi);

/* A debugger driving the run loop (the gdb stub, emu/gdbstub.c). */
struct cpu_debug;
enum runloop_dbg_why {
    RL_DBG_TRAP,           /* a breakpoint or the end of a single step */
    RL_DBG_SYSCALL_ENTRY,  /* t trapped into syscall nr; the model has not run it */
    RL_DBG_SYSCALL_RETURN, /* syscall nr returned to t (results written) */
};
struct runloop_debugger {
    void *ctx;
    /* Before each run of t on its CPU: breakpoints and stepping for it
     * (the pointer stays valid until the next call). */
    const struct cpu_debug *(*prepare)(void *ctx, struct task *t);
    /* t stopped or passed a syscall. The debugger may talk to its user
     * before returning; true ends t's slice. */
    bool (*stop)(void *ctx, struct task *t, enum runloop_dbg_why why, u32 nr);
    /* false: t must not run now (another task is being single-stepped). */
    bool (*may_run)(void *ctx, struct task *t);
    /* The run is over; status as runloop_run returns it. */
    void (*end)(void *ctx, int status);
};
/* Attach d (NULL: detach) for the following runloop_run. */
void runloop_set_debugger(const struct runloop_debugger *d);

#endif
