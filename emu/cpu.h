/* The interface a CPU backend implements (DESIGN.md rule 3). The run loop
 * drives guest tasks only through these ops, so it does not know whether
 * Unicorn (cpu_unicorn.c) or a future ia64-lite interpreter executes them.
 *
 * Model:
 *  - An address space (struct mm) gets one execution engine, created
 *    lazily the first time a task of that mm needs registers; it is kept
 *    in mm->cpu_priv and lives until the mm is destroyed (the backend's
 *    mm_observer.destroy). The backend learns of mapping changes through
 *    its mm_observer, which must be passed to mm_new for every guest mm.
 *  - A task owns one register context (t->cpu). Threads sharing an mm
 *    share the engine; the backend loads a task's context into the engine
 *    when it runs or when its registers are read or written.
 *  - run() executes until a syscall trap, a fault or the end of the slice,
 *    and reports which; the syscall itself is handled by the caller,
 *    outside the backend, which then writes the result with set_reg. */
#ifndef CLONEMU_EMU_CPU_H
#define CLONEMU_EMU_CPU_H

#include "kernel-model/km.h"

/* Registers every backend exposes by role, not by arch name. */
enum cpu_reg {
    CPU_REG_PC,
    CPU_REG_SP,
    CPU_REG_RET,        /* syscall return value (x86-64 rax, aarch64 x0) */
    CPU_REG_TLS,        /* thread pointer (x86-64 fs base, aarch64 tpidr_el0) */
    CPU_REG_ENTRY_FINI, /* process entry: the rtld fini pointer register
                         * (x86-64 rdx, aarch64 x0); 0 at exec */
    CPU_REG_COUNT
};

enum cpu_stop_kind {
    CPU_STOP_SYSCALL,   /* nr, args set; PC already past the trap */
    CPU_STOP_FAULT,     /* sig, si_code, addr set; PC at the faulting insn */
    CPU_STOP_SLICE_END, /* the block budget is used up; PC at the next block */
    CPU_STOP_DEBUG,     /* a breakpoint or the end of a single step (struct
                         * cpu_debug); PC at the next instruction to run */
};

/* cpu_ops.run's max_blocks for a run that counts no blocks. */
#define CPU_RUN_UNCOUNTED 0

/* What a debugger (the gdb stub) asks of the next run() calls: stop before
 * an instruction at one of the bp addresses, or (step) before the second
 * instruction of the run. Nothing is written into guest memory. */
struct cpu_debug {
    const u64 *bp;
    int nbp;
    bool step;
};

struct cpu_stop {
    enum cpu_stop_kind kind;
    u64 blocks; /* basic blocks executed by this run() call */
    u64 pc;     /* PC after the stop */
    u32 nr;     /* SYSCALL: the arch's syscall number */
    u64 args[6];
    int sig, si_code; /* FAULT: LX_SIG*, SEGV_MAPERR... */
    u64 addr;         /* FAULT: faulting data address (or PC) */
    char what[256];   /* FAULT: one line: cause, PC and its disassembly */
};

struct cpu_ops {
    const char *name;
    /* Pass observer and observer_ctx(abi) to mm_new for every guest mm
     * (mm_fork keeps them): the engine is then created at the first
     * mapping and sees every mapping with its host memory, including
     * PROT_NONE ones that are made accessible later. */
    const struct mm_observer *observer;
    void *(*observer_ctx)(const struct km_abi *abi);
    /* Does this backend run guests of that ABI? */
    bool (*supports)(const struct km_abi *abi);
    /* A fresh, zeroed register context for t in address space mm (which
     * need not be t->mm yet: exec builds the new mm first). Replaces and
     * frees any previous t->cpu. 0 or -LX_ENOMEM / -LX_ENOEXEC. */
    int (*ctx_new)(struct task *t, struct mm *mm);
    void (*ctx_free)(struct task *t); /* t->cpu = NULL afterwards */
    /* child->cpu := a copy of parent's registers, in child->mm's engine. */
    int (*ctx_clone)(struct task *parent, struct task *child);
    /* Run t from its PC for at most max_blocks basic blocks. 0, or
     * -LX_E* if the engine itself failed (stop->what says why). With
     * max_blocks == CPU_RUN_UNCOUNTED (backends with run_uncounted only):
     * run until a syscall, fault or debug stop, never SLICE_END, and
     * stop->blocks is 0: nobody needs the count, so the backend may stop
     * counting (Unicorn: drop its per-block hook). */
    int (*run)(struct task *t, u64 max_blocks, struct cpu_stop *stop);
    bool run_uncounted;
    u64 (*get_reg)(struct task *t, enum cpu_reg r);
    void (*set_reg)(struct task *t, enum cpu_reg r, u64 v);
    /* Every user register of t <-> struct km_regs (kernel-model/regs.h),
     * for signal frames and rt_sigreturn. save then load is exact.
     * orig_arg0 is the first argument of t's last syscall (load ignores it). */
    void (*regs_save)(struct task *t, struct km_regs *r);
    void (*regs_load)(struct task *t, const struct km_regs *r);
    /* Optional (NULL: none): the instruction at pc in t's address space as
     * text ("mov x8, #0x81"), for --step; "?" when it cannot be read. */
    void (*disasm)(struct task *t, u64 pc, char *buf, size_t n);
    /* Optional (NULL: no debugging): the breakpoints and stepping of the
     * following run() calls (NULL d: none). The backend keeps the pointer;
     * the first call may make every later run slower. */
    void (*set_debug)(const struct cpu_debug *d);
};

/* The Unicorn backend (cpu_unicorn.c). */
extern const struct cpu_ops cpu_unicorn_ops;
/* The ia64-lite interpreter (cpu_ia64lite.c). */
extern const struct cpu_ops cpu_ia64lite_ops;

#endif
