/* ia64-lite's use of struct km_regs (kernel-model/regs.h), shared by the
 * CPU backend (emu/cpu_ia64lite.c) and the signal frame code
 * (arch/ia64lite/abi_sigframe.c): gpr[] = r0..r31, sp = r12,
 * pc = bundle address + slot, flags = p0..p63, tls = r13, and fp[] read as
 * u64[IA64_KR_COUNT] (host byte order) holding the registers below. */
#ifndef CLONEMU_IA64_REGS_H
#define CLONEMU_IA64_REGS_H

enum ia64_kr {
    IA64_KR_B0 = 0, /* b0..b7 at 0..7 */
    IA64_KR_PFS = 8,
    IA64_KR_LC,
    IA64_KR_EC,
    IA64_KR_CCV,
    IA64_KR_UNAT,
    IA64_KR_FPSR,
    IA64_KR_RSC,
    IA64_KR_RNAT,
    IA64_KR_CFM,     /* sof | sol << 7 of the current frame */
    IA64_KR_BSP,     /* ar.bsp: ia64_rse_skip_regs(bs_base, bof) */
    IA64_KR_BS_BASE, /* backing-store address of the task's stk[0] (read only) */
    IA64_KR_COUNT
};

#endif
