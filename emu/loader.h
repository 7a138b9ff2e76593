/* The ELF loader: an ELF64 guest (ET_EXEC, static-pie ET_DYN, or dynamically
 * linked with its PT_INTERP interpreter found through km's sysroot) into a
 * fresh mm, and the initial stack (strings, AT_RANDOM, auxv, argc/argv/envp)
 * as Linux's binfmt_elf lays it out. Used for the first process and for
 * execve (runloop.c's exec_load hook). */
#ifndef CLONEMU_EMU_LOADER_H
#define CLONEMU_EMU_LOADER_H

#include "emu/cpu.h"
#include "kernel-model/km.h"

#define LOADER_STACK_SIZE    (8ULL << 20)   /* "[stack]" below abi->stack_top: its limit */
#define LOADER_STACK_INITIAL (128ULL << 10) /* mapped at exec, the rest on demand */

/* Where the program starts. The caller sets the registers: PC = entry,
 * SP = sp, CPU_REG_ENTRY_FINI = 0 (no rtld fini function). */
struct loader_image {
    u64 entry;       /* where to start: the interpreter's entry, else prog_entry */
    u64 prog_entry;  /* the program's e_entry + load bias (AT_ENTRY) */
    u64 interp_base; /* AT_BASE: the interpreter's load bias, 0 without one */
    u64 sp;          /* initial SP: points at argc */
    u64 load_bias;   /* 0 for ET_EXEC */
    u64 phdr;        /* AT_PHDR */
    u64 brk;         /* initial program break */
};

/* Reads host_path's ELF header: *abi_out for its e_machine. 0, or -LX_ENOENT,
 * -LX_EACCES, -LX_ENOEXEC ... with a one-line reason in err. */
int loader_probe(const char *host_path, const struct km_abi **abi_out, char *err, size_t errsz);

/* Loads host_path into a new mm made with cpu's observer and builds the
 * initial stack. host_path is opened through via if not NULL (a path the
 * guest named, confined like its other files), else with the host's open
 * (the PROGRAM of clonemu's command line); the interpreter goes through
 * k's hostfs when it has one. execfn is AT_EXECFN (the path the guest
 * named); argv and envp are NULL-terminated. On success *abi_out, *mm_out
 * (one reference, for the caller) and *img are set; on failure nothing is
 * left mapped and err holds a one-line reason. AT_RANDOM's bytes come from
 * km_rand(k), so a run is deterministic for a seed. */
int loader_exec(struct km *k, const struct cpu_ops *cpu, const struct km_hostfs *via,
                const char *host_path, const char *execfn, char *const argv[], char *const envp[],
                const struct km_abi **abi_out, struct mm **mm_out, struct loader_image *img,
                char *err, size_t errsz);

#endif
