#include "arch/common/abi_common.h"

#include "kernel-model/mm.h"

#include <stdlib.h>

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

u64 abi_sigpage(struct mm *mm, u64 addr, u64 size, const u8 *code, size_t len)
{
    if (!mm_find_vma(mm, addr)) {
        if (mm_map_anon(mm, addr, size, LX_PROT_READ | LX_PROT_EXEC,
                        LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED_NOREPLACE,
                        "[sigpage]") != (i64)addr ||
            mm_poke(mm, addr, code, len))
            return 0;
        return addr;
    }
    u8 have[256];
    if (len > sizeof(have)) abort(); /* a trampoline is a few instructions */
    if (mm_read(mm, addr, have, len) || memcmp(have, code, len)) return 0;
    return addr;
}
