/* Unit test of the rt signal frames (arch/<arch>/abi_sigframe.c) and of
 * siginfo encoding (kernel-model/siginfo.c), with no CPU: setup then
 * return on a plain mm round-trips every register, the mask and the
 * altstack; the frame's fields sit where glibc's ucontext_t expects them.
 *
 * The glibc offsets were printed by offsetof probes compiled with gcc
 * (x86-64, glibc ucontext_t) and aarch64-linux-gnu-gcc:
 *   x86-64 ucontext_t: uc_stack 16 (ss_flags 24, ss_size 32), gregs 40,
 *     REG_R8 40, REG_RDI 104, REG_RAX 144, REG_RSP 160, REG_RIP 168,
 *     REG_EFL 176, REG_CSGSFS 184, REG_ERR 192, REG_TRAPNO 200,
 *     REG_OLDMASK 208, REG_CR2 216, fpregs 224, uc_sigmask 296;
 *     struct _libc_fpstate: cwd 0, mxcsr 24, _st 32, _xmm 160, size 512.
 *   aarch64 ucontext_t: uc_stack 16 (ss_flags 24, ss_size 32),
 *     uc_sigmask 40, uc_mcontext 176: fault_address 176, regs 184, sp 432,
 *     pc 440, pstate 448, __reserved 464; sizeof 4560; fpsimd_context:
 *     fpsr 8, fpcr 12, vregs 16, size 528, FPSIMD_MAGIC 0x46508001.
 *   s390x ucontext_t (s390x-linux-gnu-gcc, run under qemu-s390x-static):
 *     uc_flags 0, uc_link 8, uc_stack 16 (ss_flags 24, ss_size 32),
 *     uc_mcontext 40: psw.mask 40, psw.addr 48, gregs 56 (gregs[15] 176),
 *     aregs 184, fpregs.fpc 248, fpregs.fprs 256, sizeof(mcontext_t) 344;
 *     uc_sigmask 384; in the handler &uc - &info = 128 (so info at frame
 *     168 and uc at 296 of the rt_sigframe); glibc leaves SA_RESTORER
 *     clear (sa_flags reads back as just SA_SIGINFO).
 *   siginfo_t (all three): size 128, si_pid 16, si_uid 20, si_status 24,
 *     si_utime 32, si_stime 40, si_addr 16, si_value 24, si_timerid 16,
 *     si_overrun 20, si_band 16, si_fd 24. */
#include "kernel-model/abi.h"
#include "kernel-model/mm.h"
#include "tests/unit/support/check.h"

#include <stdio.h>
#include <string.h>

#define RW   (LX_PROT_READ | LX_PROT_WRITE)
#define ANON (LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED)
#define MEM  0x10000ULL /* 1 MiB of RW memory at 0x10000 */
#define TOP  0x110000ULL

static struct mm *test_mm(const struct km_abi *abi)
{
    struct mm *mm = mm_new(NULL, NULL, abi->big_endian, abi->task_size, abi->mmap_base);
    CHECK(mm_map_anon(mm, MEM, TOP - MEM, RW, ANON, "stack") == (i64)MEM);
    return mm;
}

static u64 rd64(struct mm *mm, u64 a)
{
    u64 v = 0xdeadbeef;
    CHECK_EQ(mm_read_u64(mm, a, &v), 0);
    return v;
}
static u32 rd32(struct mm *mm, u64 a)
{
    u32 v = 0xdeadbeef;
    CHECK_EQ(mm_read_u32(mm, a, &v), 0);
    return v;
}

static void fill_regs(struct km_regs *r, u64 sp)
{
    memset(r, 0, sizeof(*r));
    for (int i = 0; i < 32; i++)
        r->gpr[i] = 0x1111111100000000ULL * (u64)(i + 1) + (u64)i;
    for (int i = 0; i < 512; i++)
        r->fp[i] = (u8)(i * 7 + 3);
    r->sp = sp;
    r->pc = 0x401234;
    r->tls = 0x7777;
    r->fpsr = 0x8000001f;
    r->fpcr = 0x03c00000;
}

static const struct km_siginfo kill_info = {
    .signo = 10, .code = LX_SI_USER, .layout = KM_SIL_KILL, .pid = 42, .uid = 7};

/* --- x86-64 -------------------------------------------------------------- */

#define X_INFO 312 /* offsetof(struct rt_sigframe, info) */
#define X_UC   8

static void x86_regs(struct km_regs *r, u64 sp)
{
    fill_regs(r, sp);
    r->gpr[7] = sp;
    r->flags = 0x656;                    /* DF, IF, ZF, AF, PF, bit 1 */
    lx_put32(false, r->fp + 24, 0x1fa0); /* a valid MXCSR */
    lx_put32(false, r->fp + 28, 0xffff);
}

static void test_x86_roundtrip(void)
{
    const struct km_abi *abi = &km_abi_x86_64;
    struct mm *mm = test_mm(abi);
    struct km_regs r, orig;
    u64 sp = 0x100000 - 0x123;
    x86_regs(&r, sp);
    orig = r;
    struct km_sigframe_args a = {.sig = 10,
                                 .handler = 0x405000,
                                 .flags = LX_SA_SIGINFO | LX_SA_RESTORER,
                                 .restorer = 0x406000,
                                 .info = &kill_info,
                                 .saved_mask = 0x1234,
                                 .altstack = {0, 0, LX_SS_DISABLE}};
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    u64 fpstate = (sp - 128 - 512) & ~63ULL;
    u64 frame = ((fpstate - 440) & ~15ULL) - 8;
    CHECK_EQ(r.sp, frame);
    CHECK_EQ(r.gpr[7], frame);
    CHECK_EQ((r.sp + 8) % 16, 0);
    CHECK_EQ(r.pc, 0x405000);
    CHECK_EQ(r.gpr[5], 10);                       /* rdi */
    CHECK_EQ(r.gpr[4], frame + X_INFO);           /* rsi */
    CHECK_EQ(r.gpr[3], frame + X_UC);             /* rdx */
    CHECK_EQ(r.gpr[0], 0);                        /* rax */
    CHECK_EQ(r.flags & 0x400, 0);                 /* DF cleared */
    CHECK_EQ(lx_get32(false, r.fp + 24), 0x1f80); /* handler's FPU: init state */
    CHECK_EQ(lx_get16(false, r.fp + 0), 0x37f);

    /* where glibc reads them */
    u64 uc = frame + X_UC;
    CHECK_EQ(rd64(mm, frame), 0x406000);               /* pretcode */
    CHECK_EQ(rd64(mm, uc + 0), 6);                     /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS */
    CHECK_EQ(rd64(mm, uc + 168), orig.pc);             /* REG_RIP */
    CHECK_EQ(rd64(mm, uc + 160), sp);                  /* REG_RSP */
    CHECK_EQ(rd64(mm, uc + 144), orig.gpr[0]);         /* REG_RAX */
    CHECK_EQ(rd64(mm, uc + 104), orig.gpr[5]);         /* REG_RDI */
    CHECK_EQ(rd64(mm, uc + 40), orig.gpr[8]);          /* REG_R8 */
    CHECK_EQ(rd64(mm, uc + 176), orig.flags);          /* REG_EFL */
    CHECK_EQ(rd64(mm, uc + 184), 0x2b000000000033ULL); /* cs 0x33, gs 0, fs 0, ss 0x2b */
    CHECK_EQ(rd64(mm, uc + 208), 0x1234);              /* REG_OLDMASK */
    CHECK_EQ(rd64(mm, uc + 224), fpstate);             /* fpregs */
    CHECK_EQ(fpstate % 64, 0);
    CHECK_EQ(rd64(mm, uc + 296), 0x1234);        /* uc_sigmask */
    CHECK_EQ(rd32(mm, uc + 24), LX_SS_DISABLE);  /* uc_stack.ss_flags */
    CHECK_EQ(rd32(mm, frame + X_INFO + 0), 10);  /* si_signo */
    CHECK_EQ(rd32(mm, frame + X_INFO + 16), 42); /* si_pid */
    CHECK_EQ(rd32(mm, frame + X_INFO + 20), 7);  /* si_uid */
    u8 img[512];
    CHECK_EQ(mm_read(mm, fpstate, img, sizeof(img)), 0);
    CHECK(memcmp(img, orig.fp, 512) == 0);
    CHECK(frame + 440 <= fpstate);

    /* the handler clobbers everything and returns through the restorer */
    struct km_regs h;
    memset(&h, 0xa5, sizeof(h));
    h.sp = h.gpr[7] = frame + 8;
    h.flags = 0x202;
    u64 mask = 0;
    struct km_altstack ss = {1, 1, 1};
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), 0);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(h.gpr[i], orig.gpr[i]);
    CHECK_EQ(h.sp, sp);
    CHECK_EQ(h.pc, orig.pc);
    CHECK_EQ(h.flags, orig.flags);
    CHECK(memcmp(h.fp, orig.fp, 512) == 0);
    CHECK_EQ(mask, 0x1234);
    CHECK_EQ(ss.sp, 0);
    CHECK_EQ(ss.size, 0);
    CHECK_EQ(ss.flags, LX_SS_DISABLE);

    /* a handler that edits uc_mcontext changes where we resume */
    CHECK_EQ(mm_write_u64(mm, uc + 168, 0x409999), 0);
    CHECK_EQ(mm_write_u64(mm, uc + 144, 77), 0);
    h.sp = frame + 8;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), 0);
    CHECK_EQ(h.pc, 0x409999);
    CHECK_EQ(h.gpr[0], 77);

    /* fpstate NULL: the FPU returns to its init state */
    CHECK_EQ(mm_write_u64(mm, uc + 224, 0), 0);
    h.sp = frame + 8;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), 0);
    CHECK_EQ(lx_get32(false, h.fp + 24), 0x1f80);
    /* a bad fpstate pointer fails the sigreturn */
    CHECK_EQ(mm_write_u64(mm, uc + 224, 0x900000), 0);
    h.sp = frame + 8;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    /* a frame in unmapped memory */
    h.sp = 0x900000;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    mm_put(mm);
}

static void test_x86_errors_altstack(void)
{
    const struct km_abi *abi = &km_abi_x86_64;
    struct mm *mm = test_mm(abi);
    struct km_regs r;
    struct km_sigframe_args a = {.sig = 11,
                                 .handler = 0x405000,
                                 .flags = LX_SA_SIGINFO | LX_SA_RESTORER | LX_SA_ONSTACK,
                                 .restorer = 0x406000,
                                 .info = &kill_info,
                                 .saved_mask = 0,
                                 .altstack = {0x20000, 0x4000, 0}};
    /* SA_ONSTACK: the frame goes to the top of the altstack */
    x86_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    u64 fpstate = (0x24000 - 512) & ~63ULL;
    CHECK_EQ(r.sp, ((fpstate - 440) & ~15ULL) - 8);
    CHECK_EQ(rd64(mm, r.sp + X_UC + 16), 0x20000); /* uc_stack.ss_sp */
    CHECK_EQ(rd32(mm, r.sp + X_UC + 24), 0);       /* ss_flags */
    CHECK_EQ(rd64(mm, r.sp + X_UC + 32), 0x4000);  /* ss_size */
    /* already on the altstack: no switch, below the red zone */
    u64 on = 0x22000;
    x86_regs(&r, on);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK_EQ(r.sp, ((((on - 128 - 512) & ~63ULL) - 440) & ~15ULL) - 8);
    /* SS_AUTODISARM: never "on" it, so always the top */
    a.altstack.flags = LX_SS_AUTODISARM;
    x86_regs(&r, on);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK_EQ(r.sp, ((fpstate - 440) & ~15ULL) - 8);
    a.altstack.flags = 0;
    /* an altstack too small to hold the frame */
    a.altstack.size = 0x200;
    x86_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    /* no SA_ONSTACK: the altstack is ignored */
    a.flags = LX_SA_RESTORER;
    x86_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK(r.sp > 0x100000 - 2048);
    /* no SA_RESTORER */
    a.flags = LX_SA_SIGINFO;
    x86_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    /* unmapped stack */
    a.flags = LX_SA_SIGINFO | LX_SA_RESTORER;
    x86_regs(&r, 0x900000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    x86_regs(&r, MEM + 0x100); /* the frame would cross below the mapping */
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    mm_put(mm);
}

/* --- aarch64 ------------------------------------------------------------- */

#define A_UC   128
#define A_SIZE 4688

static void a64_regs(struct km_regs *r, u64 sp)
{
    fill_regs(r, sp);
    r->flags = 0x60000000; /* Z, C */
}

static void test_a64_roundtrip(void)
{
    const struct km_abi *abi = &km_abi_aarch64;
    struct mm *mm = test_mm(abi);
    struct km_regs r, orig;
    u64 sp = 0x100000 - 0x38;
    a64_regs(&r, sp);
    orig = r;
    struct km_siginfo fault = {
        .signo = LX_SIGSEGV, .code = 1, .layout = KM_SIL_FAULT, .addr = 0xdead0};
    struct km_sigframe_args a = {.sig = LX_SIGSEGV,
                                 .handler = 0x405000,
                                 .flags = LX_SA_SIGINFO | LX_SA_RESTORER,
                                 .restorer = 0x406000,
                                 .info = &fault,
                                 .saved_mask = 0x4321,
                                 .altstack = {0, 0, LX_SS_DISABLE}};
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    u64 rec = (sp - 16) & ~15ULL;
    u64 frame = rec - A_SIZE;
    CHECK_EQ(r.sp, frame);
    CHECK_EQ(frame % 16, 0);
    CHECK_EQ(r.pc, 0x405000);
    CHECK_EQ(r.gpr[0], LX_SIGSEGV);
    CHECK_EQ(r.gpr[1], frame);
    CHECK_EQ(r.gpr[2], frame + A_UC);
    CHECK_EQ(r.gpr[29], rec);
    CHECK_EQ(r.gpr[30], 0x406000);
    CHECK_EQ(r.flags, orig.flags);
    CHECK_EQ(rd64(mm, rec), orig.gpr[29]);
    CHECK_EQ(rd64(mm, rec + 8), orig.gpr[30]);

    u64 uc = frame + A_UC;
    CHECK_EQ(rd32(mm, frame + 0), LX_SIGSEGV); /* si_signo */
    CHECK_EQ(rd32(mm, frame + 8), 1);          /* si_code */
    CHECK_EQ(rd64(mm, frame + 16), 0xdead0);   /* si_addr */
    CHECK_EQ(rd64(mm, uc + 40), 0x4321);       /* uc_sigmask */
    CHECK_EQ(rd64(mm, uc + 176), 0xdead0);     /* fault_address */
    for (int i = 0; i < 31; i++)
        CHECK_EQ(rd64(mm, uc + 184 + 8 * (u64)i), orig.gpr[i]);
    CHECK_EQ(rd64(mm, uc + 432), sp);
    CHECK_EQ(rd64(mm, uc + 440), orig.pc);
    CHECK_EQ(rd64(mm, uc + 448), orig.flags);
    CHECK_EQ(rd32(mm, uc + 464), 0x46508001); /* fpsimd_context */
    CHECK_EQ(rd32(mm, uc + 468), 528);
    CHECK_EQ(rd32(mm, uc + 472), orig.fpsr);
    CHECK_EQ(rd32(mm, uc + 476), orig.fpcr);
    u8 v[512];
    CHECK_EQ(mm_read(mm, uc + 480, v, sizeof(v)), 0);
    CHECK(memcmp(v, orig.fp, 512) == 0);
    CHECK_EQ(rd64(mm, uc + 464 + 528), 0); /* the end record */
    CHECK_EQ(rd32(mm, uc + 24), LX_SS_DISABLE);

    struct km_regs h;
    memset(&h, 0x5a, sizeof(h));
    h.sp = frame;
    u64 mask = 0;
    struct km_altstack ss = {1, 1, 1};
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), 0);
    for (int i = 0; i < 31; i++)
        CHECK_EQ(h.gpr[i], orig.gpr[i]);
    CHECK_EQ(h.sp, sp);
    CHECK_EQ(h.pc, orig.pc);
    CHECK_EQ(h.flags, orig.flags);
    CHECK_EQ(h.fpsr, orig.fpsr);
    CHECK_EQ(h.fpcr, orig.fpcr);
    CHECK(memcmp(h.fp, orig.fp, 512) == 0);
    CHECK_EQ(mask, 0x4321);
    CHECK_EQ(ss.flags, LX_SS_DISABLE);
    CHECK_EQ(ss.size, 0);

    /* a handler that edits uc_mcontext.pc changes where we resume */
    CHECK_EQ(mm_write_u64(mm, uc + 440, 0x409998), 0);
    h.sp = frame;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), 0);
    CHECK_EQ(h.pc, 0x409998);
    /* bad frames: misaligned sp, a pstate for EL1, no fpsimd record */
    h.sp = frame + 8;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    CHECK_EQ(mm_write_u64(mm, uc + 448, 0x60000005), 0);
    h.sp = frame;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    CHECK_EQ(mm_write_u64(mm, uc + 448, 0x60000000), 0);
    CHECK_EQ(mm_write_u32(mm, uc + 464, 0x12345678), 0);
    h.sp = frame;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    CHECK_EQ(mm_write_u32(mm, uc + 464, 0), 0); /* just the end record */
    CHECK_EQ(mm_write_u32(mm, uc + 468, 0), 0);
    h.sp = frame;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    h.sp = 0x900000;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    mm_put(mm);
}

static void test_a64_errors_altstack(void)
{
    const struct km_abi *abi = &km_abi_aarch64;
    struct mm *mm = test_mm(abi);
    struct km_regs r;
    struct km_sigframe_args a = {.sig = 10,
                                 .handler = 0x405000,
                                 .flags = LX_SA_RESTORER | LX_SA_ONSTACK,
                                 .restorer = 0x406000,
                                 .info = &kill_info,
                                 .saved_mask = 0,
                                 .altstack = {0x20000, 0x4000, 0}};
    a64_regs(&r, 0x100000);
    r.gpr[1] = 111;
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK_EQ(r.sp, 0x24000 - 16 - A_SIZE);
    CHECK_EQ(r.gpr[1], 111); /* no SA_SIGINFO: x1/x2 untouched */
    CHECK_EQ(rd64(mm, r.sp + A_UC + 16), 0x20000);
    CHECK_EQ(rd64(mm, r.sp + A_UC + 32), 0x4000);
    /* on the altstack already: no switch */
    a64_regs(&r, 0x23000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK_EQ(r.sp, 0x23000 - 16 - A_SIZE);
    /* no SA_RESTORER (glibc's way on aarch64): x30 = the [sigpage]
     * trampoline "mov x8, #139; svc #0", mapped on first use */
    a.flags = LX_SA_SIGINFO;
    a64_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK_EQ(r.gpr[30], 0xfffffffff000ULL);
    CHECK_EQ(rd32(mm, 0xfffffffff000ULL), 0xd2801168);
    CHECK_EQ(rd32(mm, 0xfffffffff004ULL), 0xd4000001);
    const struct vma *sp_vma = mm_find_vma(mm, 0xfffffffff000ULL);
    CHECK(sp_vma && sp_vma->prot == (LX_PROT_READ | LX_PROT_EXEC));
    CHECK(sp_vma && strcmp(sp_vma->name, "[sigpage]") == 0);
    a64_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0); /* reused */
    CHECK_EQ(r.gpr[30], 0xfffffffff000ULL);
    /* the guest put something else there: no trampoline, no frame */
    CHECK_EQ(mm_unmap(mm, 0xfffffffff000ULL, 0x1000), 0);
    CHECK_EQ(mm_map_anon(mm, 0xfffffffff000ULL, 0x1000, RW, ANON, "x"), (i64)0xfffffffff000ULL);
    a64_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    a.flags = LX_SA_RESTORER;
    a64_regs(&r, 0x900000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    a64_regs(&r, MEM + 0x1000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    mm_put(mm);
}

/* --- s390x --------------------------------------------------------------- */

#define S_INFO    168
#define S_UC      296
#define S_SIZE    688
#define S_SIGPAGE 0x3fff7fff000ULL
#define S_PSWM    0x0001230180000000ULL /* PSTATE, CC 2, PM 3, EA, BA */

static void s390x_regs(struct km_regs *r, u64 sp)
{
    fill_regs(r, sp);
    r->gpr[15] = sp;
    r->flags = S_PSWM;
    r->tls = 0x1234567889abcdefULL;
    for (int i = 2; i < 16; i++)
        r->acr[i] = 0xa0000000u + (u32)i;
    r->fpsr = 0xf8f80003; /* masks, flags, rounding mode 3: a valid FPC */
}

static void test_s390x_roundtrip(void)
{
    const struct km_abi *abi = &km_abi_s390x;
    struct mm *mm = test_mm(abi);
    struct km_regs r, orig;
    u64 sp = 0x100000 - 0x3c;
    s390x_regs(&r, sp);
    orig = r;
    struct km_siginfo fault = {
        .signo = LX_SIGSEGV, .code = 1, .layout = KM_SIL_FAULT, .addr = 0xdead0};
    struct km_sigframe_args a = {.sig = LX_SIGSEGV,
                                 .handler = 0x405000,
                                 .flags = LX_SA_SIGINFO | LX_SA_RESTORER,
                                 .restorer = 0x406000,
                                 .info = &fault,
                                 .saved_mask = 0x4321,
                                 .altstack = {0, 0, LX_SS_DISABLE}};
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    u64 frame = (sp - S_SIZE) & ~7ULL;
    CHECK_EQ(r.sp, frame);
    CHECK_EQ(r.gpr[15], frame);
    CHECK_EQ(r.pc, 0x405000);
    CHECK_EQ(r.gpr[2], LX_SIGSEGV);
    CHECK_EQ(r.gpr[3], frame + S_INFO);
    CHECK_EQ(r.gpr[4], frame + S_UC);
    CHECK_EQ(r.gpr[5], 0);
    CHECK_EQ(r.gpr[14], 0x406000);
    CHECK_EQ(r.flags, S_PSWM);
    CHECK_EQ(rd64(mm, frame), sp); /* back chain */
    u16 svc = 0;
    CHECK_EQ(mm_read(mm, frame + 160, &svc, 2), 0);
    CHECK_EQ(lx_get16(true, &svc), 0x0aad);

    u64 uc = frame + S_UC;
    CHECK_EQ(rd32(mm, frame + S_INFO + 0), LX_SIGSEGV); /* si_signo, big-endian */
    CHECK_EQ(rd32(mm, frame + S_INFO + 8), 1);          /* si_code */
    CHECK_EQ(rd64(mm, frame + S_INFO + 16), 0xdead0);   /* si_addr */
    CHECK_EQ(rd64(mm, uc + 0), 0);                      /* uc_flags: no UC_VXRS */
    CHECK_EQ(rd64(mm, uc + 8), 0);                      /* uc_link */
    CHECK_EQ(rd32(mm, uc + 24), LX_SS_DISABLE);
    CHECK_EQ(rd64(mm, uc + 40), 0x0705230180000000ULL); /* PSW_USER_BITS | user bits */
    CHECK_EQ(rd64(mm, uc + 48), orig.pc);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(rd64(mm, uc + 56 + 8 * (u64)i), orig.gpr[i]);
    CHECK_EQ(rd64(mm, uc + 176), sp); /* gregs[15] */
    CHECK_EQ(rd32(mm, uc + 184), 0x12345678);
    CHECK_EQ(rd32(mm, uc + 188), 0x89abcdef);
    for (int i = 2; i < 16; i++)
        CHECK_EQ(rd32(mm, uc + 184 + 4 * (u64)i), orig.acr[i]);
    CHECK_EQ(rd32(mm, uc + 248), orig.fpsr);
    u8 v[128];
    CHECK_EQ(mm_read(mm, uc + 256, v, sizeof(v)), 0);
    CHECK(memcmp(v, orig.fp, 128) == 0);
    CHECK_EQ(rd64(mm, uc + 384), 0x4321); /* uc_sigmask */

    struct km_regs h;
    memset(&h, 0x5a, sizeof(h));
    h.sp = h.gpr[15] = frame;
    h.flags = 0x0001000180000000ULL; /* the handler's PSW at its svc */
    u64 mask = 0;
    struct km_altstack ss = {1, 1, 1};
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), 0);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(h.gpr[i], orig.gpr[i]);
    CHECK_EQ(h.sp, sp);
    CHECK_EQ(h.pc, orig.pc);
    CHECK_EQ(h.flags, orig.flags);
    CHECK_EQ(h.tls, orig.tls);
    CHECK_EQ(h.acr[0], 0x12345678);
    CHECK_EQ(h.acr[1], 0x89abcdef);
    for (int i = 2; i < 16; i++)
        CHECK_EQ(h.acr[i], orig.acr[i]);
    CHECK_EQ(h.fpsr, orig.fpsr);
    CHECK(memcmp(h.fp, orig.fp, 128) == 0);
    CHECK_EQ(mask, 0x4321);
    CHECK_EQ(ss.flags, LX_SS_DISABLE);
    CHECK_EQ(ss.size, 0);

    /* a handler that edits the PSW: the address is taken; of the mask only
     * the user bits (ASC, CC, PM, EA, BA), home space becoming primary */
    CHECK_EQ(mm_write_u64(mm, uc + 48, 0x409998), 0);
    CHECK_EQ(mm_write_u64(mm, uc + 40, 0x04f0c10100000000ULL), 0);
    h.sp = frame;
    h.flags = 0x0001000180000000ULL;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), 0);
    CHECK_EQ(h.pc, 0x409998);
    CHECK_EQ(h.flags, 0x0001010180000000ULL);
    /* bad frames: runtime instrumentation, a reserved FPC bit, unmapped */
    CHECK_EQ(mm_write_u64(mm, uc + 40, 0x0705008180000000ULL), 0);
    h.sp = frame;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    CHECK_EQ(mm_write_u64(mm, uc + 40, 0x0705000180000000ULL), 0);
    CHECK_EQ(mm_write_u32(mm, uc + 248, 0x00000008), 0);
    h.sp = frame;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    h.sp = 0x900000;
    CHECK_EQ(abi->sigframe_return(mm, &h, &mask, &ss), -LX_EFAULT);
    mm_put(mm);
}

static void test_s390x_errors_altstack(void)
{
    const struct km_abi *abi = &km_abi_s390x;
    struct mm *mm = test_mm(abi);
    struct km_regs r;
    struct km_sigframe_args a = {.sig = 10,
                                 .handler = 0x405000,
                                 .flags = LX_SA_RESTORER | LX_SA_ONSTACK,
                                 .restorer = 0x406000,
                                 .info = &kill_info,
                                 .saved_mask = 0,
                                 .altstack = {0x20000, 0x4000, 0}};
    s390x_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK_EQ(r.sp, 0x24000 - S_SIZE);
    CHECK_EQ(rd64(mm, r.sp), 0x100000); /* back chain: the interrupted r15 */
    /* without SA_SIGINFO the same rt frame (see abi_sigframe.c) */
    CHECK_EQ(r.gpr[3], r.sp + S_INFO);
    CHECK_EQ(rd32(mm, r.sp + S_INFO + 16), 42); /* si_pid */
    CHECK_EQ(rd64(mm, r.sp + S_UC + 16), 0x20000);
    CHECK_EQ(rd64(mm, r.sp + S_UC + 32), 0x4000);
    /* on the altstack already: no switch */
    s390x_regs(&r, 0x23000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK_EQ(r.sp, 0x23000 - S_SIZE);
    /* on the altstack and the frame would overflow it: no frame */
    s390x_regs(&r, 0x20000 + 0x100);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    /* no SA_RESTORER (glibc's way): r14 = the [sigpage] "svc 173" */
    a.flags = LX_SA_SIGINFO;
    s390x_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0);
    CHECK_EQ(r.gpr[14], S_SIGPAGE);
    u16 insn = 0;
    CHECK_EQ(mm_read(mm, S_SIGPAGE, &insn, 2), 0);
    CHECK_EQ(lx_get16(true, &insn), 0x0aad);
    const struct vma *sp_vma = mm_find_vma(mm, S_SIGPAGE);
    CHECK(sp_vma && sp_vma->prot == (LX_PROT_READ | LX_PROT_EXEC));
    CHECK(sp_vma && strcmp(sp_vma->name, "[sigpage]") == 0);
    s390x_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), 0); /* reused */
    CHECK_EQ(r.gpr[14], S_SIGPAGE);
    CHECK_EQ(mm_unmap(mm, S_SIGPAGE, 0x1000), 0);
    CHECK_EQ(mm_map_anon(mm, S_SIGPAGE, 0x1000, RW, ANON, "x"), (i64)S_SIGPAGE);
    s390x_regs(&r, 0x100000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    a.flags = LX_SA_RESTORER;
    s390x_regs(&r, 0x900000);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    s390x_regs(&r, MEM + 0x100);
    CHECK_EQ(abi->sigframe_setup(mm, &r, &a), -LX_EFAULT);
    mm_put(mm);
}

/* --- siginfo ------------------------------------------------------------- */

static void test_siginfo(void)
{
    u8 b[128];
    struct km_siginfo d;
    struct km_siginfo chld = {.signo = LX_SIGCHLD,
                              .code = LX_CLD_EXITED,
                              .layout = KM_SIL_CHLD,
                              .pid = 1234,
                              .uid = 1000,
                              .status = 3,
                              .utime = 5,
                              .stime = 6};
    km_siginfo_encode(&chld, false, b);
    CHECK_EQ(lx_get32(false, b + 16), 1234);
    CHECK_EQ(lx_get32(false, b + 24), 3);
    CHECK_EQ(lx_get64(false, b + 32), 5);
    CHECK_EQ(lx_get64(false, b + 40), 6);
    km_siginfo_decode(b, false, &d);
    CHECK(memcmp(&d, &chld, sizeof(d)) == 0);

    struct km_siginfo rt = {
        .signo = 40, .code = LX_SI_QUEUE, .layout = KM_SIL_RT, .pid = 9, .uid = 8, .value = 0xabc};
    km_siginfo_encode(&rt, true, b); /* s390x byte order */
    CHECK_EQ(b[3], 40);
    CHECK_EQ(lx_get32(true, b + 8), (u32)-1);
    CHECK_EQ(lx_get64(true, b + 24), 0xabc);
    km_siginfo_decode(b, true, &d);
    CHECK(memcmp(&d, &rt, sizeof(d)) == 0);

    struct km_siginfo flt = {.signo = LX_SIGSEGV, .code = 2, .layout = KM_SIL_FAULT, .addr = 0x10};
    km_siginfo_encode(&flt, false, b);
    km_siginfo_decode(b, false, &d);
    CHECK(memcmp(&d, &flt, sizeof(d)) == 0);

    struct km_siginfo tmr = {
        .signo = 14, .code = -2, .layout = KM_SIL_TIMER, .timerid = 3, .overrun = 4, .value = 99};
    km_siginfo_encode(&tmr, false, b);
    km_siginfo_decode(b, false, &d);
    CHECK(memcmp(&d, &tmr, sizeof(d)) == 0);

    km_siginfo_encode(&kill_info, false, b);
    km_siginfo_decode(b, false, &d);
    CHECK(memcmp(&d, &kill_info, sizeof(d)) == 0);
    /* tkill's SI_TKILL is an RT layout; SIGSEGV with SI_KERNEL is KILL */
    lx_put32(false, b + 8, (u32)LX_SI_TKILL);
    km_siginfo_decode(b, false, &d);
    CHECK_EQ(d.layout, KM_SIL_RT);
    lx_put32(false, b + 0, LX_SIGSEGV);
    lx_put32(false, b + 8, LX_SI_KERNEL);
    km_siginfo_decode(b, false, &d);
    CHECK_EQ(d.layout, KM_SIL_KILL);
}

static void test_abi_fields(void)
{
    CHECK_EQ(km_abi_x86_64.syscall_insn_len, 2);
    CHECK_EQ(km_abi_aarch64.syscall_insn_len, 4);
    CHECK_EQ(km_abi_x86_64.minsigstksz, 2048);
    CHECK_EQ(km_abi_aarch64.minsigstksz, A_SIZE + 16 + 16);
    CHECK_EQ(km_abi_aarch64.sigaltstack_min, 5120);
    CHECK_EQ(km_abi_s390x.syscall_insn_len, 2);
    CHECK_EQ(km_abi_s390x.minsigstksz, 0); /* no AT_MINSIGSTKSZ on s390 */
    CHECK(km_abi_s390x.sigaltstack_min >= S_SIZE);
}

int main(void)
{
    test_x86_roundtrip();
    test_x86_errors_altstack();
    test_a64_roundtrip();
    test_a64_errors_altstack();
    test_s390x_roundtrip();
    test_s390x_errors_altstack();
    test_siginfo();
    test_abi_fields();
    return check_report("test_sigframe");
}
