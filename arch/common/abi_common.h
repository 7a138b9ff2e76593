/* Helpers shared by the per-arch ABI tables (arch/<arch>/abi.c). */
#ifndef CLONEMU_ABI_COMMON_H
#define CLONEMU_ABI_COMMON_H

#include "kernel-model/abi.h"

/* Where each clone(2) argument sits in an arch's raw syscall arguments. */
struct clone_arg_order {
    u8 flags, stack, ptid, ctid, tls;
};

/* Linux's legacy clone(): the low 32 flag bits, the CSIGNAL byte as the
 * exit signal, pidfd stored through parent_tid (kernel/fork.c). */
void abi_clone_decode(const struct clone_arg_order *o, const u64 a[6],
                      struct kernel_clone_args *out);

/* For arches whose open(2) flags are the asm-generic LX_O_* values. */
u32 abi_open_flags_identity(u32 flags);

/* The rt_sigreturn trampoline page of arches without a vDSO here: a
 * read+exec "[sigpage]" of size bytes at addr holding code, mapped on
 * first use (again after the guest unmapped it). Returns addr, or 0 if
 * its place is taken by something else. */
u64 abi_sigpage(struct mm *mm, u64 addr, u64 size, const u8 *code, size_t len);

#endif
