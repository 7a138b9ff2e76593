/* A model host without a CPU: boots a kernel model whose tasks never run
 * guest code. Used by the unit tests (tests/unit/support/fake_host.h) and
 * by `clonemu explain`, which asks a freshly booted model about a flag set.
 * cpu_clone records the child's requested SP/TLS; exec_load fails with
 * ENOEXEC; diag lines go to stderr. */
#ifndef CLONEMU_BARE_HOST_H
#define CLONEMU_BARE_HOST_H

#include "kernel-model/km.h"

struct km_bare_cpu {
    u64 sp, tls;
    bool settls;
    i64 ret; /* last syscall return value written by the model */
};

extern const struct km_host km_bare_host;
/* A ready model (uid 0, hostname "fakehost", seed 1) with one initial
 * process of abi (tid 1000, parent: the modelled init) and 1 MiB of RW
 * memory at 0x10000 (and 64 KiB read-only at 0x200000). */
struct task *km_bare_boot(struct km *k, const struct km_abi *abi);
void km_bare_shutdown(struct km *k);

#endif
