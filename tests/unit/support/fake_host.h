/* A fake emulator for unit tests of the kernel model: no CPU. cpu_clone
 * records the child's requested SP/TLS; exec_load fails with ENOEXEC. */
#ifndef CLONEMU_FAKE_HOST_H
#define CLONEMU_FAKE_HOST_H

#include "kernel-model/km.h"

struct fake_cpu {
    u64 sp, tls;
    bool settls;
    i64 ret; /* last syscall return value written by the model */
};

extern const struct km_host fake_host;
/* A ready model with one initial x86-64 (or given abi) process and 1 MiB
 * of RW memory at 0x10000 (and 64 KiB read-only at 0x200000). */
struct task *fake_boot(struct km *k, const struct km_abi *abi);
void fake_shutdown(struct km *k);

#endif
