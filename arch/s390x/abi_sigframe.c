/* s390x (64-bit) rt signal frames, as arch/s390/kernel/signal.c lays them
 * out (pure: guest memory through mm_read/mm_write only, big-endian).
 *
 * km_regs on s390x: gpr[0..15] = r0..r15 (sp mirrors r15; the CPU backend
 * loads r15 from sp), pc = PSW address, flags = PSW mask, tls = a0:a1
 * (a0 in the high word), acr[2..15] = a2..a15, fp = f0..f15 (8 big-endian
 * bytes each), fpsr = FPC.
 *
 * struct rt_sigframe (64-bit):
 *     0  callee_used_stack[__SIGNAL_FRAMESIZE = 160] (back chain at 0)
 *   160  __u16 svc_insn
 *   168  struct siginfo info (128 bytes)
 *   296  struct ucontext_extended uc:
 *          0 uc_flags, 8 uc_link, 16 uc_stack {ss_sp, ss_flags, ss_size},
 *         40 uc_mcontext = _sigregs {psw {mask, addr}, gprs[16], acrs[16]
 *            (u32), fpregs {fpc, pad, fprs[16]}} (344 bytes),
 *        384 uc_sigmask (8 bytes), 392 uc_mcontext_ext (_sigregs_ext,
 *            only when the machine has vector registers)
 * The CPU model has no vector facility (no HWCAP_S390_VXRS, as
 * MACHINE_HAS_VX is false): the frame stops after uc_sigmask (688
 * bytes) and uc_flags is 0. glibc's ucontext_t offsets (psw.mask 40,
 * gregs 56, aregs 184, fpregs 248, fprs 256, uc_sigmask 384) were checked
 * with s390x-linux-gnu-gcc under qemu-s390x (tests/unit/test_sigframe.c).
 *
 * Handler entry (setup_rt_frame): r2 = sig, r3 = &info, r4 = &uc, r5 =
 * thread.last_break (not modelled: 0), r14 = return address, r15 = frame
 * with the old r15 stored at frame+0 as the back chain, PSW address =
 * handler, PSW mask kept with EA|BA forced and primary space.
 *
 * Return address: sa_restorer under SA_RESTORER. Otherwise Linux >= 5.13
 * uses the vDSO's __kernel_rt_sigreturn (older kernels pointed r14 at
 * svc_insn = `svc 173` in the frame). clonemu maps stacks without EXEC
 * (Unicorn enforces it), and glibc's s390 sigaction never sets
 * SA_RESTORER, so, as on aarch64, the first such frame maps a one-page
 * "[sigpage]" holding `svc 173` (0x0aad) at a fixed address just above
 * mmap_base (below the stack, where Linux puts the s390 vDSO) and r14
 * points at it. svc_insn is still filled in, as older kernels did.
 *
 * Deviation: Linux gives handlers without SA_SIGINFO the old-style struct
 * sigframe (sigcontext, returned from by sigreturn, nr 119). The model has
 * no generic sigreturn syscall (nr 119 is LX_SYS_NONE), so every handler
 * gets this rt frame; such handlers only read r2 (the signal number), so
 * they cannot tell, except through r3/r4 (&info/&uc rather than &sc and
 * the interruption code). */
#include "arch/common/abi_common.h"
#include "kernel-model/abi.h"
#include "kernel-model/mm.h"

/* Referenced by km_abi_s390x (abi.c). */
int km_s390x_sigframe_setup(struct mm *mm, struct km_regs *regs, const struct km_sigframe_args *a);
int km_s390x_sigframe_return(struct mm *mm, struct km_regs *regs, u64 *mask,
                             struct km_altstack *ss);

#define SIGNAL_FRAMESIZE 160
#define F_SVC            160
#define F_INFO           168
#define F_UC             296
#define UC_FLAGS         0
#define UC_LINK          8
#define UC_STACK         16 /* stack_t: ss_sp 0, ss_flags 8 (int), ss_size 16 */
#define UC_MCTX          40
#define UC_SIGMASK       384
#define UC_SIZE          392              /* without uc_mcontext_ext */
#define FRAME_SIZE       (F_UC + UC_SIZE) /* 688 */

/* _sigregs */
#define SR_PSW_MASK 0
#define SR_PSW_ADDR 8
#define SR_GPRS     16
#define SR_ACRS     144
#define SR_FPC      208
#define SR_FPRS     216
#define SR_SIZE     344

#define SVC_RT_SIGRETURN 0x0aadu          /* S390_SYSCALL_OPCODE | __NR_rt_sigreturn */
#define SIGPAGE          0x3fff7fff000ULL /* km_abi_s390x.mmap_base: above all top-down mmaps */
#define SIGPAGE_SIZE     0x1000

/* arch/s390/include/asm/ptrace.h */
#define PSW_MASK_DAT    0x0400000000000000ULL
#define PSW_MASK_IO     0x0200000000000000ULL
#define PSW_MASK_EXT    0x0100000000000000ULL
#define PSW_MASK_MCHECK 0x0004000000000000ULL
#define PSW_MASK_PSTATE 0x0001000000000000ULL
#define PSW_MASK_ASC    0x0000c00000000000ULL
#define PSW_ASC_HOME    0x0000c00000000000ULL
#define PSW_MASK_RI     0x0000008000000000ULL
#define PSW_MASK_EA     0x0000000100000000ULL
#define PSW_MASK_BA     0x0000000080000000ULL
#define PSW_MASK_USER   0x0000ff0180000000ULL /* ASC, CC, PM, EA, BA */
#define PSW_USER_BITS                                                                              \
    (PSW_MASK_DAT | PSW_MASK_IO | PSW_MASK_EXT | PSW_MASK_MCHECK | PSW_MASK_PSTATE)
/* FPC bits that must be zero (sfpc raises a specification exception,
 * which restore_sigregs' test_fp_ctl turns into a bad frame). */
#define FPC_RESERVED 0x03030088u

static bool s390x_on_sig_stack(const struct km_altstack *ss, u64 sp)
{
    if (ss->flags & LX_SS_AUTODISARM) return false;
    return sp > ss->sp && sp - ss->sp <= ss->size;
}

/* The rt_sigreturn trampoline: the [sigpage], mapped on first use (again
 * after the guest unmapped it). 0 if its place is taken by something else. */
static u64 s390x_sigtramp(struct mm *mm)
{
    u8 code[2];
    lx_put16(true, code, SVC_RT_SIGRETURN);
    return abi_sigpage(mm, SIGPAGE, SIGPAGE_SIZE, code, sizeof(code));
}

int km_s390x_sigframe_setup(struct mm *mm, struct km_regs *regs, const struct km_sigframe_args *a)
{
    const bool be = true;
    u64 tramp = a->restorer;
    if (!(a->flags & LX_SA_RESTORER) && !(tramp = s390x_sigtramp(mm))) return -LX_EFAULT;

    /* get_sigframe(): overflowing the altstack is a bad frame */
    u64 sp = regs->sp;
    const struct km_altstack *ss = &a->altstack;
    if (s390x_on_sig_stack(ss, sp) && !s390x_on_sig_stack(ss, (sp - FRAME_SIZE) & ~7ULL))
        return -LX_EFAULT;
    if ((a->flags & LX_SA_ONSTACK) && ss->size && !(ss->flags & LX_SS_DISABLE) &&
        !s390x_on_sig_stack(ss, sp))
        sp = ss->sp + ss->size;
    u64 frame = (sp - FRAME_SIZE) & ~7ULL;

    u8 f[FRAME_SIZE];
    memset(f, 0, sizeof(f));
    lx_put64(be, f + 0, regs->sp); /* back chain: the interrupted r15 */
    lx_put16(be, f + F_SVC, SVC_RT_SIGRETURN);
    if (a->info) km_siginfo_encode(a->info, be, f + F_INFO);
    u8 *uc = f + F_UC, *sr = uc + UC_MCTX;
    lx_put64(be, uc + UC_FLAGS, 0); /* no UC_VXRS: no vector facility */
    lx_put64(be, uc + UC_LINK, 0);
    lx_put64(be, uc + UC_STACK + 0, ss->sp);
    lx_put32(be, uc + UC_STACK + 8, ss->flags);
    lx_put64(be, uc + UC_STACK + 16, ss->size);
    /* save_sigregs(): a clean mask, whatever supervisor bits are set */
    lx_put64(be, sr + SR_PSW_MASK, PSW_USER_BITS | (regs->flags & (PSW_MASK_USER | PSW_MASK_RI)));
    lx_put64(be, sr + SR_PSW_ADDR, regs->pc);
    for (int i = 0; i < 16; i++)
        lx_put64(be, sr + SR_GPRS + 8 * i, regs->gpr[i]);
    lx_put32(be, sr + SR_ACRS + 0, (u32)(regs->tls >> 32));
    lx_put32(be, sr + SR_ACRS + 4, (u32)regs->tls);
    for (int i = 2; i < 16; i++)
        lx_put32(be, sr + SR_ACRS + 4 * i, regs->acr[i]);
    lx_put32(be, sr + SR_FPC, regs->fpsr);
    memcpy(sr + SR_FPRS, regs->fp, 16 * 8); /* already big-endian */
    lx_put64(be, uc + UC_SIGMASK, a->saved_mask);
    if (mm_write(mm, frame, f, sizeof(f))) return -LX_EFAULT;

    regs->gpr[14] = tramp;
    regs->gpr[15] = regs->sp = frame;
    /* Force default amode and primary space; CC and program mask stay. */
    regs->flags = PSW_MASK_EA | PSW_MASK_BA | (regs->flags & ~PSW_MASK_ASC);
    regs->pc = a->handler;
    regs->gpr[2] = (u64)a->sig;
    regs->gpr[3] = frame + F_INFO;
    regs->gpr[4] = frame + F_UC;
    regs->gpr[5] = 0; /* thread.last_break: not modelled */
    return 0;
}

int km_s390x_sigframe_return(struct mm *mm, struct km_regs *regs, u64 *mask, struct km_altstack *ss)
{
    const bool be = true;
    u64 frame = regs->sp;
    u8 uc[UC_SIZE];
    if (mm_read(mm, frame + F_UC, uc, sizeof(uc))) return -LX_EFAULT;
    const u8 *sr = uc + UC_MCTX;
    u64 pswm = lx_get64(be, sr + SR_PSW_MASK);
    u32 fpc = lx_get32(be, sr + SR_FPC);
    /* restore_sigregs(): no runtime instrumentation, a valid FPC */
    if ((pswm & PSW_MASK_RI) || (fpc & FPC_RESERVED)) return -LX_EFAULT;

    *mask = lx_get64(be, uc + UC_SIGMASK);
    u64 m = (regs->flags & ~(PSW_MASK_USER | PSW_MASK_RI)) | (pswm & PSW_MASK_USER);
    if ((m & PSW_MASK_ASC) == PSW_ASC_HOME) m &= ~PSW_MASK_ASC; /* primary */
    if (m & PSW_MASK_EA) m |= PSW_MASK_BA;
    regs->flags = m;
    regs->pc = lx_get64(be, sr + SR_PSW_ADDR);
    for (int i = 0; i < 16; i++)
        regs->gpr[i] = lx_get64(be, sr + SR_GPRS + 8 * i);
    regs->sp = regs->gpr[15];
    regs->tls = (u64)lx_get32(be, sr + SR_ACRS + 0) << 32 | lx_get32(be, sr + SR_ACRS + 4);
    for (int i = 0; i < 16; i++)
        regs->acr[i] = lx_get32(be, sr + SR_ACRS + 4 * i);
    regs->fpsr = fpc;
    memcpy(regs->fp, sr + SR_FPRS, 16 * 8);
    ss->sp = lx_get64(be, uc + UC_STACK + 0);
    ss->flags = lx_get32(be, uc + UC_STACK + 8);
    ss->size = lx_get64(be, uc + UC_STACK + 16);
    return 0;
}
