#include "arch/common/abi_common.h"

void abi_clone_decode(const struct clone_arg_order *o, const u64 a[6],
                      struct kernel_clone_args *out)
{
    u64 flags = a[o->flags] & 0xffffffffu;
    memset(out, 0, sizeof(*out));
    out->kind = KM_CLONE_CLONE;
    out->flags = flags & ~LX_CSIGNAL;
    out->exit_signal = (int)(flags & LX_CSIGNAL);
    out->stack = a[o->stack];
    out->parent_tid = a[o->ptid];
    out->pidfd = a[o->ptid];
    out->child_tid = a[o->ctid];
    out->tls = a[o->tls];
}

u32 abi_open_flags_identity(u32 flags)
{
    return flags;
}
