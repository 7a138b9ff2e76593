/* x86-64 rt signal frames, as arch/x86/kernel/signal.c + signal_64.c lay
 * them out (pure: guest memory through mm_read/mm_write only).
 *
 * km_regs on x86-64: gpr[0..15] = rax rbx rcx rdx rsi rdi rbp rsp r8..r15
 * (gpr[7] mirrors sp), flags = rflags, fp = the 512-byte FXSAVE image.
 *
 * Stack, top down (get_sigframe): the 128-byte red zone is skipped (or
 * the altstack top taken under SA_ONSTACK), the FXSAVE area is placed at
 * round_down(sp - 512, 64), then the frame at
 * round_down(fpstate - sizeof(rt_sigframe), 16) - 8, so that the frame
 * looks like a function entry (rsp + 8 16-aligned) after the handler's
 * "call". Offsets below were checked against glibc's ucontext_t (offsetof
 * probes; see tests/unit/test_sigframe.c). */
#include "kernel-model/abi.h"
#include "kernel-model/mm.h"

/* Referenced by km_abi_x86_64 (abi.c). */
int km_x86_64_sigframe_setup(struct mm *mm, struct km_regs *regs, const struct km_sigframe_args *a);
int km_x86_64_sigframe_return(struct mm *mm, struct km_regs *regs, u64 *mask,
                              struct km_altstack *ss);

/* struct rt_sigframe { char *pretcode; struct ucontext uc; struct siginfo info; } */
#define F_PRETCODE 0
#define F_UC       8
#define UC_FLAGS   0
#define UC_LINK    8
#define UC_STACK   16 /* stack_t: ss_sp 0, ss_flags 8 (int), ss_size 16 */
#define UC_MCTX    40 /* struct sigcontext, 256 bytes */
#define UC_SIGMASK 296
#define UC_SIZE    304
#define F_INFO     (F_UC + UC_SIZE) /* 312 */
#define FRAME_SIZE (F_INFO + 128)   /* 440 */

/* struct sigcontext (uapi/asm/sigcontext.h, 64-bit): r8..r15 at 0..56,
 * then rdi rsi rbp rbx rdx rax rcx rsp rip eflags, cs gs fs ss (u16),
 * err, trapno, oldmask, cr2, fpstate, reserved1[8]. */
#define SC_RDI     64
#define SC_RIP     128
#define SC_EFLAGS  136
#define SC_CS      144
#define SC_GS      146
#define SC_FS      148
#define SC_SS      150
#define SC_ERR     152
#define SC_TRAPNO  160
#define SC_OLDMASK 168
#define SC_CR2     176
#define SC_FPSTATE 184

#define FXSAVE_SIZE          512
#define FX_FCW               0
#define FX_MXCSR             24
#define REDZONE              128
#define USER_CS              0x33
#define USER_DS              0x2b
#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4

#define EFL_CF 0x1u
#define EFL_PF 0x4u
#define EFL_AF 0x10u
#define EFL_ZF 0x40u
#define EFL_SF 0x80u
#define EFL_TF 0x100u
#define EFL_DF 0x400u
#define EFL_OF 0x800u
#define EFL_RF 0x10000u
#define EFL_AC 0x40000u
/* The flags rt_sigreturn takes from the frame (signal.c FIX_EFLAGS). */
#define FIX_EFLAGS                                                                                 \
    (EFL_AC | EFL_OF | EFL_DF | EFL_TF | EFL_SF | EFL_ZF | EFL_AF | EFL_PF | EFL_CF | EFL_RF)

/* sigcontext order of the 16 GPRs -> km_regs.gpr index. */
static const u8 sc_gpr[16] = {8, 9, 10, 11, 12, 13, 14, 15, /* r8..r15 */
                              5, 4, 6,  1,  3,  0,  2,  7}; /* rdi rsi rbp rbx rdx rax rcx rsp */

/* include/linux/sched/signal.h on_sig_stack / sas_ss_flags. */
static bool x86_on_sig_stack(const struct km_altstack *ss, u64 sp)
{
    if (ss->flags & LX_SS_AUTODISARM) return false;
    return sp > ss->sp && sp - ss->sp <= ss->size;
}

static bool x86_altstack_usable(const struct km_altstack *ss, u64 sp)
{
    if (!ss->size || (ss->flags & LX_SS_DISABLE)) return false;
    return !x86_on_sig_stack(ss, sp);
}

/* Linux's thread.trap_nr / error_code / cr2 for a fault signal (the
 * model knows the signal, not the vector: the usual vector is used). */
static void x86_fault_regs(const struct km_siginfo *si, u64 *trapno, u64 *err, u64 *cr2)
{
    *trapno = *err = *cr2 = 0;
    if (!si || si->layout != KM_SIL_FAULT) return;
    switch (si->signo) {
    case LX_SIGSEGV:
    case LX_SIGBUS:
        if (si->code == LX_SI_KERNEL) {
            *trapno = 13; /* #GP */
        } else {
            *trapno = 14;                       /* #PF */
            *err = 4 | (si->code == 2 ? 1 : 0); /* user, protection (SEGV_ACCERR) */
            *cr2 = si->addr;
        }
        break;
    case LX_SIGFPE: *trapno = 0; break;
    case LX_SIGILL: *trapno = 6; break;
    case LX_SIGTRAP: *trapno = 3; break;
    default: break;
    }
}

/* The FPU state a handler starts with (fpu__clear_user_states). */
static void x86_fpu_init(u8 fp[FXSAVE_SIZE])
{
    memset(fp, 0, FXSAVE_SIZE);
    lx_put16(false, fp + FX_FCW, 0x37f);
    lx_put32(false, fp + FX_MXCSR, 0x1f80);
}

int km_x86_64_sigframe_setup(struct mm *mm, struct km_regs *regs, const struct km_sigframe_args *a)
{
    const bool be = false;
    /* signal_64.c: "x86-64 should always use SA_RESTORER" */
    if (!(a->flags & LX_SA_RESTORER)) return -LX_EFAULT;

    u64 sp = regs->sp;
    bool nested = x86_on_sig_stack(&a->altstack, sp), entering = false;
    sp -= REDZONE;
    if ((a->flags & LX_SA_ONSTACK) && x86_altstack_usable(&a->altstack, sp)) {
        sp = a->altstack.sp + a->altstack.size;
        entering = true;
    }
    u64 fpstate = (sp - FXSAVE_SIZE) & ~63ULL;
    u64 frame = ((fpstate - FRAME_SIZE) & ~15ULL) - 8;
    /* Overflowing the altstack gives an always-bad frame: SIGSEGV. */
    if ((nested || entering) &&
        !(frame > a->altstack.sp && frame - a->altstack.sp <= a->altstack.size))
        return -LX_EFAULT;

    u8 f[FRAME_SIZE];
    memset(f, 0, sizeof(f));
    lx_put64(be, f + F_PRETCODE, a->restorer);
    u8 *uc = f + F_UC;
    lx_put64(be, uc + UC_FLAGS, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
    lx_put64(be, uc + UC_LINK, 0);
    lx_put64(be, uc + UC_STACK + 0, a->altstack.sp);
    lx_put32(be, uc + UC_STACK + 8, a->altstack.flags);
    lx_put64(be, uc + UC_STACK + 16, a->altstack.size);
    u8 *sc = uc + UC_MCTX;
    for (int i = 0; i < 16; i++)
        lx_put64(be, sc + 8 * i, sc_gpr[i] == 7 ? regs->sp : regs->gpr[sc_gpr[i]]);
    lx_put64(be, sc + SC_RIP, regs->pc);
    lx_put64(be, sc + SC_EFLAGS, regs->flags);
    lx_put16(be, sc + SC_CS, USER_CS);
    lx_put16(be, sc + SC_GS, 0);
    lx_put16(be, sc + SC_FS, 0);
    lx_put16(be, sc + SC_SS, USER_DS);
    u64 trapno, err, cr2;
    x86_fault_regs(a->info, &trapno, &err, &cr2);
    lx_put64(be, sc + SC_ERR, err);
    lx_put64(be, sc + SC_TRAPNO, trapno);
    lx_put64(be, sc + SC_OLDMASK, a->saved_mask);
    lx_put64(be, sc + SC_CR2, cr2);
    lx_put64(be, sc + SC_FPSTATE, fpstate);
    lx_put64(be, uc + UC_SIGMASK, a->saved_mask);
    if ((a->flags & LX_SA_SIGINFO) && a->info) km_siginfo_encode(a->info, be, f + F_INFO);

    int rc = mm_write(mm, fpstate, regs->fp, FXSAVE_SIZE);
    if (!rc) rc = mm_write(mm, frame, f, (a->flags & LX_SA_SIGINFO) ? FRAME_SIZE : F_INFO);
    if (rc) return -LX_EFAULT;

    /* Enter the handler (x64_setup_rt_frame, handle_signal). */
    regs->gpr[5] = (u64)a->sig;    /* rdi */
    regs->gpr[0] = 0;              /* rax: for handlers without prototype */
    regs->gpr[4] = frame + F_INFO; /* rsi */
    regs->gpr[3] = frame + F_UC;   /* rdx */
    regs->pc = a->handler;
    regs->sp = regs->gpr[7] = frame;
    regs->flags &= ~(u64)(EFL_DF | EFL_RF | EFL_TF);
    x86_fpu_init(regs->fp);
    return 0;
}

int km_x86_64_sigframe_return(struct mm *mm, struct km_regs *regs, u64 *mask,
                              struct km_altstack *ss)
{
    const bool be = false;
    u64 frame = regs->sp - 8; /* the handler's ret popped pretcode */
    u8 f[FRAME_SIZE];
    if (mm_read(mm, frame, f, F_INFO)) return -LX_EFAULT;
    const u8 *uc = f + F_UC, *sc = uc + UC_MCTX;

    /* The FPU image first: a bad one fails the whole sigreturn. */
    u8 fp[FXSAVE_SIZE];
    u64 fpstate = lx_get64(be, sc + SC_FPSTATE);
    if (fpstate) {
        if ((fpstate & 15) || mm_read(mm, fpstate, fp, FXSAVE_SIZE)) return -LX_EFAULT;
        if (lx_get32(be, fp + FX_MXCSR) & ~0xffffu) return -LX_EFAULT; /* fxrstor #GP */
    } else {
        x86_fpu_init(fp);
    }

    *mask = lx_get64(be, uc + UC_SIGMASK);
    for (int i = 0; i < 16; i++)
        regs->gpr[sc_gpr[i]] = lx_get64(be, sc + 8 * i);
    regs->sp = regs->gpr[7];
    regs->pc = lx_get64(be, sc + SC_RIP);
    regs->flags = (regs->flags & ~(u64)FIX_EFLAGS) | (lx_get64(be, sc + SC_EFLAGS) & FIX_EFLAGS);
    memcpy(regs->fp, fp, FXSAVE_SIZE);
    ss->sp = lx_get64(be, uc + UC_STACK + 0);
    ss->flags = lx_get32(be, uc + UC_STACK + 8);
    ss->size = lx_get64(be, uc + UC_STACK + 16);
    return 0;
}
