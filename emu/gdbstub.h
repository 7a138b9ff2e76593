/* --gdb PORT: a GDB remote serial protocol stub (gdb-multiarch) for the
 * Unicorn arches whose register files gdbstub_regs.c describes. Tasks are
 * gdb's threads; breakpoints and single steps are done inside the CPU
 * backend (cpu_ops.set_debug), never by writing trap bytes into the guest.
 * It drives the run loop through struct runloop_debugger. */
#ifndef CLONEMU_EMU_GDBSTUB_H
#define CLONEMU_EMU_GDBSTUB_H

#include <stddef.h>

#include "kernel-model/km.h"

/* Listens on 127.0.0.1:port (0: any free port; the line printed on stderr
 * names it), waits for gdb and serves it until it resumes the guest. k's
 * initial task must exist. 0, or -1 after printing why. */
int gdbstub_start(struct km *k, int port);

/* gdbstub_regs.c: the register file gdb sees for an ABI. */
bool gdb_regs_supported(const struct km_abi *abi);
int gdb_regs_count(const struct km_abi *abi);
/* The target description XML (qXfer:features:read:target.xml); its
 * length, 0 if it does not fit. */
size_t gdb_target_xml(const struct km_abi *abi, char *buf, size_t n);
/* Register i <-> bytes in the target's byte order; its size or -1. */
int gdb_reg_get(const struct km_abi *abi, const struct km_regs *r, int i, u8 *out);
int gdb_reg_set(const struct km_abi *abi, struct km_regs *r, int i, const u8 *in);

#endif
