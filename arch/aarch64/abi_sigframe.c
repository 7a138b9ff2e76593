/* aarch64 rt signal frames, as arch/arm64/kernel/signal.c lays them out
 * (pure: guest memory through mm_read/mm_write only).
 *
 * km_regs on aarch64: gpr[0..30] = x0..x30, sp, pc, flags = NZCV (pstate
 * bits 31..28), fp = v0..v31 (16 bytes each, little-endian), fpsr, fpcr.
 *
 * Stack, top down (get_sigframe): sp_top = sp, or the altstack top under
 * SA_ONSTACK; a struct frame_record {fp, lr} at round_down(sp_top - 16,
 * 16) (x29 of the handler points at it); the rt_sigframe {siginfo;
 * ucontext} below it, 16-aligned. uc_mcontext.__reserved holds the
 * fpsimd_context record and the terminating null record; no esr_context
 * (Linux adds one only when thread.fault_code is set; the model does not
 * keep ESR values). Offsets checked against glibc's ucontext_t with
 * aarch64-linux-gnu-gcc (see tests/unit/test_sigframe.c).
 *
 * Without SA_RESTORER (glibc on aarch64 never sets it) Linux returns
 * through the vDSO's __kernel_rt_sigreturn. clonemu maps no vDSO: the
 * first such frame maps a one-page "[sigpage]" (as 32-bit ARM Linux does)
 * in the last page below TASK_SIZE, above the stack, holding the same two
 * instructions, and x30 points at them. */
#include "arch/common/abi_common.h"
#include "kernel-model/abi.h"
#include "kernel-model/mm.h"

/* Referenced by km_abi_aarch64 (abi.c). */
int km_aarch64_sigframe_setup(struct mm *mm, struct km_regs *regs,
                              const struct km_sigframe_args *a);
int km_aarch64_sigframe_return(struct mm *mm, struct km_regs *regs, u64 *mask,
                               struct km_altstack *ss);

/* struct rt_sigframe { struct siginfo info; struct ucontext uc; } */
#define F_INFO     0
#define F_UC       128
#define UC_FLAGS   0
#define UC_LINK    8
#define UC_STACK   16 /* stack_t: ss_sp 0, ss_flags 8 (int), ss_size 16 */
#define UC_SIGMASK 40 /* 8 bytes, then padding to glibc's 128-byte sigset */
#define UC_MCTX    176
#define UC_SIZE    4560
#define FRAME_SIZE (F_UC + UC_SIZE) /* 4688, a multiple of 16 */

/* struct sigcontext */
#define SC_FAULT    0
#define SC_REGS     8
#define SC_SP       256
#define SC_PC       264
#define SC_PSTATE   272
#define SC_RESERVED 288
#define SC_RES_SIZE 4096

#define FPSIMD_MAGIC 0x46508001u
#define FPSIMD_SIZE  528 /* head 8, fpsr 8, fpcr 12, vregs 16..528 */
#define ESR_MAGIC    0x45535201u
#define FRAME_RECORD 16

#define SIGPAGE      0xfffffffff000ULL /* [stack_top, task_size) of km_abi_aarch64 */
#define SIGPAGE_SIZE 0x1000
#define INSN_MOV_X8  0xd2801168u /* mov x8, #139 (__NR_rt_sigreturn) */
#define INSN_SVC0    0xd4000001u /* svc #0 */

#define PSR_NZCV    0xf0000000u
#define PSR_INVALID 0x3dfu /* mode M[4:0] != EL0t, or D/A/I/F set */

static bool a64_on_sig_stack(const struct km_altstack *ss, u64 sp)
{
    if (ss->flags & LX_SS_AUTODISARM) return false;
    return sp > ss->sp && sp - ss->sp <= ss->size;
}

/* The sigreturn trampoline's address: the [sigpage], mapped on first
 * use (again after the guest unmapped it). 0 if its place is taken. */
static u64 a64_sigtramp(struct mm *mm)
{
    u8 code[8];
    lx_put32(false, code, INSN_MOV_X8);
    lx_put32(false, code + 4, INSN_SVC0);
    return abi_sigpage(mm, SIGPAGE, SIGPAGE_SIZE, code, sizeof(code));
}

int km_aarch64_sigframe_setup(struct mm *mm, struct km_regs *regs, const struct km_sigframe_args *a)
{
    const bool be = false;
    u64 tramp = a->restorer;
    if (!(a->flags & LX_SA_RESTORER) && !(tramp = a64_sigtramp(mm))) return -LX_EFAULT;

    u64 sp = regs->sp;
    const struct km_altstack *ss = &a->altstack;
    /* sigsp(): sas_ss_flags(sp) == 0 means enabled and not on it */
    if ((a->flags & LX_SA_ONSTACK) && ss->size && !(ss->flags & LX_SS_DISABLE) &&
        !a64_on_sig_stack(ss, sp))
        sp = ss->sp + ss->size;
    u64 next_frame = (sp - FRAME_RECORD) & ~15ULL;
    u64 frame = (next_frame & ~15ULL) - FRAME_SIZE;

    u8 f[FRAME_SIZE];
    memset(f, 0, sizeof(f));
    if ((a->flags & LX_SA_SIGINFO) && a->info) km_siginfo_encode(a->info, be, f + F_INFO);
    u8 *uc = f + F_UC, *sc = uc + UC_MCTX;
    lx_put64(be, uc + UC_FLAGS, 0);
    lx_put64(be, uc + UC_LINK, 0);
    lx_put64(be, uc + UC_STACK + 0, ss->sp);
    lx_put32(be, uc + UC_STACK + 8, ss->flags);
    lx_put64(be, uc + UC_STACK + 16, ss->size);
    lx_put64(be, uc + UC_SIGMASK, a->saved_mask);
    u64 fault = a->info && a->info->layout == KM_SIL_FAULT ? a->info->addr : 0;
    lx_put64(be, sc + SC_FAULT, fault);
    for (int i = 0; i < 31; i++)
        lx_put64(be, sc + SC_REGS + 8 * i, regs->gpr[i]);
    lx_put64(be, sc + SC_SP, regs->sp);
    lx_put64(be, sc + SC_PC, regs->pc);
    lx_put64(be, sc + SC_PSTATE, regs->flags & PSR_NZCV);
    u8 *fp = sc + SC_RESERVED;
    lx_put32(be, fp + 0, FPSIMD_MAGIC);
    lx_put32(be, fp + 4, FPSIMD_SIZE);
    lx_put32(be, fp + 8, regs->fpsr);
    lx_put32(be, fp + 12, regs->fpcr);
    memcpy(fp + 16, regs->fp, 512);
    /* the end record (magic 0, size 0) is already zero */

    u8 rec[FRAME_RECORD];
    lx_put64(be, rec + 0, regs->gpr[29]);
    lx_put64(be, rec + 8, regs->gpr[30]);
    u64 start = (a->flags & LX_SA_SIGINFO) ? frame : frame + F_UC;
    if (mm_write(mm, start, f + (start - frame), FRAME_SIZE - (start - frame)) ||
        mm_write(mm, next_frame, rec, sizeof(rec)))
        return -LX_EFAULT;

    /* setup_return(): NZCV kept, BTYPE/TCO are not modelled. */
    regs->gpr[0] = (u64)a->sig;
    if (a->flags & LX_SA_SIGINFO) {
        regs->gpr[1] = frame + F_INFO;
        regs->gpr[2] = frame + F_UC;
    }
    regs->sp = frame;
    regs->gpr[29] = next_frame;
    regs->pc = a->handler;
    regs->gpr[30] = tramp;
    return 0;
}

/* parse_user_sigframe(): the records of __reserved; only fpsimd (exactly
 * once), esr (ignored) and the end record are known. */
static int a64_parse_records(const u8 *res, const u8 **fpsimd)
{
    const bool be = false;
    u32 off = 0;
    *fpsimd = NULL;
    for (;;) {
        if (SC_RES_SIZE - off < 8) return -LX_EFAULT;
        u32 magic = lx_get32(be, res + off), size = lx_get32(be, res + off + 4);
        if (magic == 0) return size == 0 && *fpsimd ? 0 : -LX_EFAULT;
        if (size < 8 || SC_RES_SIZE - off < size) return -LX_EFAULT;
        if (magic == FPSIMD_MAGIC) {
            if (*fpsimd || size != FPSIMD_SIZE) return -LX_EFAULT;
            *fpsimd = res + off;
        } else if (magic != ESR_MAGIC) {
            return -LX_EFAULT;
        }
        off += size;
    }
}

int km_aarch64_sigframe_return(struct mm *mm, struct km_regs *regs, u64 *mask,
                               struct km_altstack *ss)
{
    const bool be = false;
    u64 frame = regs->sp;
    if (frame & 15) return -LX_EFAULT;
    u8 uc[UC_SIZE];
    if (mm_read(mm, frame + F_UC, uc, sizeof(uc))) return -LX_EFAULT;
    const u8 *sc = uc + UC_MCTX, *fp;
    u64 pstate = lx_get64(be, sc + SC_PSTATE);
    if ((pstate & PSR_INVALID) || a64_parse_records(sc + SC_RESERVED, &fp)) return -LX_EFAULT;

    *mask = lx_get64(be, uc + UC_SIGMASK);
    for (int i = 0; i < 31; i++)
        regs->gpr[i] = lx_get64(be, sc + SC_REGS + 8 * i);
    regs->sp = lx_get64(be, sc + SC_SP);
    regs->pc = lx_get64(be, sc + SC_PC);
    regs->flags = pstate & PSR_NZCV;
    regs->fpsr = lx_get32(be, fp + 8);
    regs->fpcr = lx_get32(be, fp + 12);
    memcpy(regs->fp, fp + 16, 512);
    ss->sp = lx_get64(be, uc + UC_STACK + 0);
    ss->flags = lx_get32(be, uc + UC_STACK + 8);
    ss->size = lx_get64(be, uc + UC_STACK + 16);
    return 0;
}
