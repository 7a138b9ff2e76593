/* A backend-neutral snapshot of a task's user registers: what a signal
 * frame saves and rt_sigreturn restores. The CPU backend fills and loads
 * it (cpu_ops.regs_save/regs_load); the per-arch frame code in
 * arch/<arch>/abi_sigframe.c reads and writes it without any CPU. The
 * meaning of each gpr index is the arch's (see its abi_sigframe.c). */
#ifndef CLONEMU_REGS_H
#define CLONEMU_REGS_H

#include "kernel-model/uapi.h"

struct km_regs {
    u64 gpr[32];    /* x86-64: rax rbx rcx rdx rsi rdi rbp rsp r8..r15;
                     * aarch64: x0..x30; s390x: r0..r15 */
    u64 sp, pc;     /* sp also in gpr[7] on x86-64 and gpr[15] on s390x */
    u64 flags;      /* x86-64 rflags, aarch64 pstate (nzcv), s390x PSW mask */
    u64 tls;        /* fs base / tpidr_el0 / a0:a1 */
    u32 acr[16];    /* s390x access registers */
    u8 fp[512];     /* x86-64 FXSAVE image; aarch64 v0..v31 (16 bytes each,
                     * little-endian); s390x f0..f15 (8 bytes each) */
    u32 fpsr, fpcr; /* aarch64; s390x fpc in fpsr */
    u64 orig_arg0;  /* aarch64 orig_x0 / s390x orig_gpr2: restart needs it */
};

#endif
