/* ia64-lite rt signal frames: Linux/ia64's struct sigframe and struct
 * sigcontext (arch/ia64/kernel/sigframe.h, uapi/asm/sigcontext.h), entered
 * through a signal trampoline in subset code that does what gate.S's
 * __kernel_sigtramp does. Pure: guest memory through mm_read/mm_write only.
 * docs/ia64-lite-signals.md describes the frame, the trampoline and every
 * simplification; km_regs on ia64-lite is arch/ia64lite/ia64_regs.h.
 *
 * Delivery (setup_frame): frame = (r12 - sizeof(struct sigframe)) & -16,
 * below the altstack top under SA_ONSTACK; arg0/arg1/arg2 = sig, &info,
 * &sc; handler = the sa_handler value (a function descriptor pointer);
 * siginfo always; sigcontext with the interrupted state. Then r12 =
 * frame - 16, ar.fpsr = FPSR_DEFAULT, IP = the trampoline, slot 0.
 * Linux's trampoline starts with `cover`; the subset has no cover, so the
 * kernel covers here: the interrupted frame joins the dirty partition
 * (ar.bsp += its sof registers, RNaT slots counted) and CFM becomes empty.
 * sc_ar_bsp is that covered ar.bsp, as the trampoline would store it.
 *
 * rt_sigreturn (ia64_rt_sigreturn): sc = r12 + 16 + 160; the mask, then
 * what restore_sigcontext restores (a frame the model built is never
 * IA64_SC_FLAG_IN_SYSCALL, so the scratch registers too), then the
 * rfi-with-cr.ifs step: CFM = sc_cfm and ar.bsp moves down by its sof. */
#include "arch/common/abi_common.h"
#include "arch/ia64lite/ia64_insn.h"
#include "arch/ia64lite/ia64_regs.h"
#include "kernel-model/abi.h"
#include "kernel-model/mm.h"

/* Referenced by km_abi_ia64lite (abi.c) and tests/unit/test_sigframe.c. */
extern const u8 km_ia64_sigtramp_code[96];
int km_ia64_sigframe_setup(struct mm *mm, struct km_regs *regs, const struct km_sigframe_args *a);
int km_ia64_sigframe_return(struct mm *mm, struct km_regs *regs, u64 *mask, struct km_altstack *ss);

/* struct sigframe */
#define F_ARG0     0
#define F_ARG1     8
#define F_ARG2     16
#define F_HANDLER  24
#define F_INFO     32
#define F_SC       160
#define FRAME_SIZE 2816 /* 160 + sizeof(struct sigcontext) */

/* struct sigcontext (sc_fr is 16-byte aligned: 456 -> 464) */
#define SC_FLAGS    0
#define SC_NAT      8
#define SC_STACK    16 /* stack_t: ss_sp 0, ss_flags 8 (int), ss_size 16 */
#define SC_IP       40
#define SC_CFM      48
#define SC_UM       56
#define SC_RSC      64
#define SC_BSP      72
#define SC_RNAT     80
#define SC_CCV      88
#define SC_UNAT     96
#define SC_FPSR     104
#define SC_PFS      112
#define SC_LC       120
#define SC_PR       128
#define SC_BR       136
#define SC_GR       200
#define SC_FR       464
#define SC_RBS_BASE 2512
#define SC_LOADRS   2520
#define SC_MASK     2640
#define SC_SIZE     2656

#define SC_FLAG_ONSTACK 1                     /* IA64_SC_FLAG_ONSTACK */
#define FPSR_DEFAULT    0x0009804c0270033fULL /* uapi/asm/fpu.h */
#define CFM_MASK        ((1ULL << 38) - 1)
#define CFM_SOF(c)      ((unsigned)((c)&0x7f))
#define CFM_SOL(c)      ((unsigned)(((c) >> 7) & 0x7f))
#define MAX_SOF         96

/* The [sigpage]: ia64's gate page is in region 5, above this model's
 * TASK_SIZE, so the trampoline sits in the 16 KiB page between STACK_TOP
 * (0x60000FFFFFFFC000) and TASK_SIZE (km_abi_ia64lite). */
#define SIGPAGE      0x60000FFFFFFFC000ULL
#define SIGPAGE_SIZE 0x4000

/* The trampoline, assembled by ia64-linux-gnu-as from (entered with
 * r12 = frame - 16 and an empty CFM; docs/ia64-lite-signals.md):
 *   alloc r8=ar.pfs,0,0,3,0 ; adds r2=40,r12 ; adds r3=16,r12 ;;
 *   ld8 r17=[r2] (handler descriptor) ; ld8 out0=[r3],8 (sig) ;;
 *   ld8 r10=[r17],8 (entry) ; ld8 out1=[r3],8 (&info) ;;
 *   ld8 r1=[r17] (gp) ; ld8 out2=[r3] (&sc) ; mov b6=r10 ;;
 *   br.call.sptk.many b0=b6 ;;
 *   mov r15=1181 ;; break.m 0x100000 ;;   (rt_sigreturn)
 * tests/ia64lite/test_ia64_decode.c disassembles these bytes. */
const u8 km_ia64_sigtramp_code[96] = {
    0x01, 0x40, 0x0c, 0x00, 0x80, 0x05, 0x20, 0x40, 0x31, 0x00, 0x42, 0x60, 0x00, 0x61, 0x00, 0x84,
    0x09, 0x88, 0x00, 0x04, 0x18, 0x10, 0x00, 0x42, 0x0c, 0x30, 0x28, 0x00, 0x00, 0x00, 0x04, 0x00,
    0x09, 0x50, 0x20, 0x22, 0x18, 0x14, 0x10, 0x42, 0x0c, 0x30, 0x28, 0x00, 0x00, 0x00, 0x04, 0x00,
    0x09, 0x08, 0x00, 0x22, 0x18, 0x10, 0x20, 0x02, 0x0c, 0x30, 0x20, 0xc0, 0xa0, 0x08, 0x00, 0x07,
    0x11, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x68, 0x00, 0x80, 0x10,
    0x0b, 0x78, 0x74, 0x00, 0x09, 0x24, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00,
};

static bool ia64_on_sig_stack(const struct km_altstack *ss, u64 sp)
{
    if (ss->flags & LX_SS_AUTODISARM) return false;
    return sp > ss->sp && sp - ss->sp <= ss->size;
}

static void ar_get(const struct km_regs *r, u64 ar[IA64_KR_COUNT])
{
    memcpy(ar, r->fp, IA64_KR_COUNT * sizeof(u64));
}

static void ar_put(struct km_regs *r, const u64 ar[IA64_KR_COUNT])
{
    memcpy(r->fp, ar, IA64_KR_COUNT * sizeof(u64));
}

/* PC (bundle + slot 0..3, 3 = the next bundle after a syscall in slot 2)
 * as cr.iip + psr.ri, the form sc_ip holds. */
static u64 ia64_sc_ip(u64 pc)
{
    return (pc & 15) >= 3 ? (pc & ~15ULL) + 16 : pc;
}

int km_ia64_sigframe_setup(struct mm *mm, struct km_regs *regs, const struct km_sigframe_args *a)
{
    const bool be = false;
    u64 tramp = abi_sigpage(mm, SIGPAGE, SIGPAGE_SIZE, km_ia64_sigtramp_code,
                            sizeof(km_ia64_sigtramp_code));
    if (!tramp) return -LX_EFAULT;
    u64 ar[IA64_KR_COUNT];
    ar_get(regs, ar);

    u64 sp = regs->sp; /* r12 */
    const struct km_altstack *ss = &a->altstack;
    if ((a->flags & LX_SA_ONSTACK) && ss->size && !(ss->flags & LX_SS_DISABLE)) {
        if (!ia64_on_sig_stack(ss, sp))
            sp = ss->sp + ss->size;
        else if (!ia64_on_sig_stack(ss, (sp - FRAME_SIZE) & ~15ULL))
            return -LX_EFAULT; /* would overflow the altstack: SIGSEGV */
    }
    u64 frame = (sp - FRAME_SIZE) & ~15ULL;

    /* the kernel's "cover": the interrupted frame joins the dirty partition */
    u64 cfm = ar[IA64_KR_CFM] & CFM_MASK;
    u64 covered_bsp = ia64_rse_skip_regs(ar[IA64_KR_BSP], (long)CFM_SOF(cfm));

    u8 f[FRAME_SIZE];
    memset(f, 0, sizeof(f));
    lx_put64(be, f + F_ARG0, (u64)a->sig);
    lx_put64(be, f + F_ARG1, frame + F_INFO);
    lx_put64(be, f + F_ARG2, frame + F_SC);
    lx_put64(be, f + F_HANDLER, a->handler);
    if (a->info) km_siginfo_encode(a->info, be, f + F_INFO);
    u8 *sc = f + F_SC;
    lx_put64(be, sc + SC_FLAGS, ia64_on_sig_stack(ss, frame) ? SC_FLAG_ONSTACK : 0);
    lx_put64(be, sc + SC_STACK + 0, ss->sp);
    lx_put32(be, sc + SC_STACK + 8, ss->flags);
    lx_put64(be, sc + SC_STACK + 16, ss->size);
    lx_put64(be, sc + SC_IP, ia64_sc_ip(regs->pc));
    lx_put64(be, sc + SC_CFM, cfm);
    lx_put64(be, sc + SC_RSC, ar[IA64_KR_RSC]);
    lx_put64(be, sc + SC_BSP, covered_bsp);
    lx_put64(be, sc + SC_RNAT, ar[IA64_KR_RNAT]);
    lx_put64(be, sc + SC_CCV, ar[IA64_KR_CCV]);
    lx_put64(be, sc + SC_UNAT, ar[IA64_KR_UNAT]);
    lx_put64(be, sc + SC_FPSR, ar[IA64_KR_FPSR]);
    lx_put64(be, sc + SC_PFS, ar[IA64_KR_PFS]);
    lx_put64(be, sc + SC_LC, ar[IA64_KR_LC]);
    lx_put64(be, sc + SC_PR, regs->flags);
    for (int i = 0; i < 8; i++)
        lx_put64(be, sc + SC_BR + 8 * i, ar[IA64_KR_B0 + i]);
    /* sc_gr[0] is ucontext's uc_link: 0 */
    for (int i = 1; i < 32; i++)
        lx_put64(be, sc + SC_GR + 8 * i, regs->gpr[i]);
    lx_put64(be, sc + SC_GR + 8 * 12, regs->sp);
    lx_put64(be, sc + SC_GR + 8 * 13, regs->tls);
    /* sc_fr, sc_rbs_base (no register-stack switch), sc_loadrs: 0 */
    lx_put64(be, sc + SC_MASK, a->saved_mask);
    if (mm_write(mm, frame, f, sizeof(f))) return -LX_EFAULT;

    regs->sp = regs->gpr[12] = frame - 16;
    regs->pc = tramp;
    ar[IA64_KR_FPSR] = FPSR_DEFAULT;
    ar[IA64_KR_CFM] = 0;
    ar[IA64_KR_BSP] = covered_bsp;
    ar_put(regs, ar);
    return 0;
}

int km_ia64_sigframe_return(struct mm *mm, struct km_regs *regs, u64 *mask, struct km_altstack *ss)
{
    const bool be = false;
    u8 sc[SC_SIZE];
    if (mm_read(mm, regs->sp + 16 + F_SC, sc, sizeof(sc))) return -LX_EFAULT;
    u64 ar[IA64_KR_COUNT];
    ar_get(regs, ar);

    /* cr.ifs = sc_cfm | valid; rfi then pops sof registers off ar.bsp. A
     * frame the subset cannot run (rotating registers, sof > 96) or one
     * larger than the register stack below is a bad frame: SIGSEGV. */
    u64 cfm = lx_get64(be, sc + SC_CFM) & CFM_MASK;
    unsigned sof = CFM_SOF(cfm), sol = CFM_SOL(cfm);
    if ((cfm >> 14) || sof > MAX_SOF || sol > sof ||
        ia64_rse_num_regs(ar[IA64_KR_BS_BASE], ar[IA64_KR_BSP]) < (long)sof)
        return -LX_EFAULT;
    *mask = lx_get64(be, sc + SC_MASK);
    ss->sp = lx_get64(be, sc + SC_STACK + 0);
    ss->flags = lx_get32(be, sc + SC_STACK + 8);
    ss->size = lx_get64(be, sc + SC_STACK + 16);

    u64 ip = lx_get64(be, sc + SC_IP);
    regs->pc = (ip & ~15ULL) | (ip & 3);
    regs->flags = lx_get64(be, sc + SC_PR);
    /* r1-r3, r8-r31; r4-r7 (preserved) stay as the handler left them */
    for (int i = 1; i < 32; i++)
        if (i < 4 || i > 7) regs->gpr[i] = lx_get64(be, sc + SC_GR + 8 * i);
    regs->sp = regs->gpr[12];
    regs->tls = regs->gpr[13];
    /* b0, b6, b7; b1-b5 (preserved) stay */
    ar[IA64_KR_B0] = lx_get64(be, sc + SC_BR);
    ar[IA64_KR_B0 + 6] = lx_get64(be, sc + SC_BR + 8 * 6);
    ar[IA64_KR_B0 + 7] = lx_get64(be, sc + SC_BR + 8 * 7);
    ar[IA64_KR_UNAT] = lx_get64(be, sc + SC_UNAT);
    ar[IA64_KR_FPSR] = lx_get64(be, sc + SC_FPSR);
    ar[IA64_KR_PFS] = lx_get64(be, sc + SC_PFS);
    ar[IA64_KR_CCV] = lx_get64(be, sc + SC_CCV);
    ar[IA64_KR_RSC] = lx_get64(be, sc + SC_RSC) | (3 << 2); /* force PL3 */
    ar[IA64_KR_CFM] = cfm;
    ar[IA64_KR_BSP] = ia64_rse_skip_regs(ar[IA64_KR_BSP], -(long)sof);
    ar_put(regs, ar);
    return 0;
}
