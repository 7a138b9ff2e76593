/* Unit test of ia64-lite's signal frames (arch/ia64lite/abi_sigframe.c,
 * docs/ia64-lite-signals.md) and of ia64's struct sigaction in
 * rt_sigaction, with no CPU.
 *
 * The struct sigframe / sigcontext offsets come from the Linux/ia64
 * headers (arch/ia64/kernel/sigframe.h, uapi/asm/sigcontext.h) laid out
 * with LP64 rules and struct ia64_fpreg's 16-byte alignment: handler 24,
 * info 32, sc 160; sc_stack 16, sc_ip 40, sc_cfm 48, sc_ar_bsp 72, sc_pr
 * 128, sc_br 136, sc_gr 200, sc_fr 464, sc_rbs_base 2512, sc_mask 2640,
 * sizeof(struct sigcontext) 2656, sizeof(struct sigframe) 2816. */
#include "arch/ia64lite/ia64_insn.h"
#include "arch/ia64lite/ia64_regs.h"
#include "kernel-model/abi.h"
#include "kernel-model/mm.h"
#include "kernel-model/sys.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

#include <stdio.h>
#include <string.h>

extern const u8 km_ia64_sigtramp_code[96];

#define RW      (LX_PROT_READ | LX_PROT_WRITE)
#define ANON    (LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED)
#define MEM     0x10000ULL
#define TOP     0x110000ULL
#define SIGPAGE 0x60000FFFFFFFC000ULL
#define BS_BASE 0x60000fff7fffc000ULL /* STACK_TOP - 2 GiB */
#define F_SC    160
#define SC_MASK 2640
#define FRAME   2816

static u64 rd64(struct mm *mm, u64 a)
{
    u64 v = 0xdeadbeef;
    CHECK_EQ(mm_read_u64(mm, a, &v), 0);
    return v;
}

static u64 ar_of(const struct km_regs *r, int i)
{
    u64 v;
    memcpy(&v, r->fp + 8 * i, 8);
    return v;
}
static void ar_set(struct km_regs *r, int i, u64 v)
{
    memcpy(r->fp + 8 * i, &v, 8);
}

/* An interrupted state: frame of sof 9 / sol 5 at bof 60 (so the cover
 * crosses an RNaT collection slot), PC in slot 1. */
static void ia64_regs(struct km_regs *r, u64 sp)
{
    memset(r, 0, sizeof(*r));
    for (int i = 1; i < 32; i++)
        r->gpr[i] = 0x1111111100000000ULL * (u64)i + (u64)i;
    r->gpr[12] = r->sp = sp;
    r->gpr[13] = r->tls = 0x6000000000001000ULL;
    r->pc = 0x4000000000000120ULL + 1;
    r->flags = 0x8000000000c30001ULL; /* pr */
    for (int i = 0; i < 8; i++)
        ar_set(r, IA64_KR_B0 + i, 0x4000000000000400ULL + 0x10 * (u64)i);
    ar_set(r, IA64_KR_PFS, 0xc000000000000183ULL);
    ar_set(r, IA64_KR_LC, 7);
    ar_set(r, IA64_KR_CCV, 0x55);
    ar_set(r, IA64_KR_UNAT, 0x66);
    ar_set(r, IA64_KR_FPSR, 0x77);
    ar_set(r, IA64_KR_RSC, 0xf);
    ar_set(r, IA64_KR_CFM, 9 | 5 << 7);
    ar_set(r, IA64_KR_BSP, ia64_rse_skip_regs(BS_BASE, 60));
    ar_set(r, IA64_KR_BS_BASE, BS_BASE);
}

static struct mm *test_mm(void)
{
    const struct km_abi *abi = &km_abi_ia64lite;
    struct mm *mm = mm_new(NULL, NULL, abi->big_endian, abi->task_size, abi->mmap_base);
    CHECK(mm_map_anon(mm, MEM, TOP - MEM, RW, ANON, "stack") == (i64)MEM);
    return mm;
}

static const struct km_siginfo tkill_info = {
    .signo = 12, .code = LX_SI_TKILL, .layout = KM_SIL_KILL, .pid = 42, .uid = 7};

static void test_roundtrip(void)
{
    const struct km_abi *abi = &km_abi_ia64lite;
    struct mm *mm = test_mm();
    struct km_regs r, orig;
    u64 sp = 0x100000 - 0x128;
    ia64_regs(&r, sp);
    orig = r;
    struct km_sigframe_args fa = {.sig = 12,
                                  .handler = 0x6000000000000b58ULL,
                                  .flags = LX_SA_RESTART,
                                  .info = &tkill_info,
                                  .saved_mask = LX_SIGBIT(10),
                                  .altstack = {.flags = LX_SS_DISABLE}};
    CHECK_EQ(abi->sigframe_setup(mm, &r, &fa), 0);
    u64 frame = (sp - FRAME) & ~15ULL, sc = frame + F_SC;
    /* the handler's entry state: the trampoline, r12 = frame - 16, covered */
    CHECK_EQ(r.pc, SIGPAGE);
    CHECK_EQ(r.sp, frame - 16);
    CHECK_EQ(r.gpr[12], frame - 16);
    CHECK_EQ(ar_of(&r, IA64_KR_CFM), 0);
    CHECK_EQ(ar_of(&r, IA64_KR_BSP), ia64_rse_skip_regs(BS_BASE, 69));
    CHECK_EQ(ar_of(&r, IA64_KR_BSP), ar_of(&orig, IA64_KR_BSP) + 8 * 10); /* 9 regs + RNaT */
    CHECK_EQ(ar_of(&r, IA64_KR_FPSR), 0x0009804c0270033fULL);
    const struct vma *v = mm_find_vma(mm, SIGPAGE);
    CHECK(v && strcmp(v->name, "[sigpage]") == 0);
    u8 code[96];
    CHECK_EQ(mm_read(mm, SIGPAGE, code, sizeof(code)), 0);
    CHECK(memcmp(code, km_ia64_sigtramp_code, sizeof(code)) == 0);
    /* struct sigframe */
    CHECK_EQ(rd64(mm, frame + 0), 12);
    CHECK_EQ(rd64(mm, frame + 8), frame + 32);
    CHECK_EQ(rd64(mm, frame + 16), sc);
    CHECK_EQ(rd64(mm, frame + 24), 0x6000000000000b58ULL);
    u32 signo = 0, code32 = 0;
    CHECK_EQ(mm_read_u32(mm, frame + 32, &signo), 0);
    CHECK_EQ(mm_read_u32(mm, frame + 32 + 8, &code32), 0);
    CHECK_EQ(signo, 12);
    CHECK_EQ((i32)code32, LX_SI_TKILL);
    /* struct sigcontext */
    CHECK_EQ(rd64(mm, sc + 0), 0);                      /* sc_flags */
    CHECK_EQ(rd64(mm, sc + 16 + 8) & 0xffffffff, 2);    /* ss_flags SS_DISABLE */
    CHECK_EQ(rd64(mm, sc + 40), 0x4000000000000121ULL); /* sc_ip = iip + ri */
    CHECK_EQ(rd64(mm, sc + 48), 9 | 5 << 7);
    CHECK_EQ(rd64(mm, sc + 64), 0xf);
    CHECK_EQ(rd64(mm, sc + 72), ia64_rse_skip_regs(BS_BASE, 69)); /* after the cover */
    CHECK_EQ(rd64(mm, sc + 88), 0x55);
    CHECK_EQ(rd64(mm, sc + 96), 0x66);
    CHECK_EQ(rd64(mm, sc + 104), 0x77);
    CHECK_EQ(rd64(mm, sc + 112), 0xc000000000000183ULL);
    CHECK_EQ(rd64(mm, sc + 120), 7);
    CHECK_EQ(rd64(mm, sc + 128), orig.flags);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(rd64(mm, sc + 136 + 8 * (u64)i), ar_of(&orig, IA64_KR_B0 + i));
    CHECK_EQ(rd64(mm, sc + 200), 0); /* uc_link */
    for (int i = 1; i < 32; i++)
        CHECK_EQ(rd64(mm, sc + 200 + 8 * (u64)i), orig.gpr[i]);
    CHECK_EQ(rd64(mm, sc + 2512), 0); /* sc_rbs_base */
    CHECK_EQ(rd64(mm, sc + SC_MASK), LX_SIGBIT(10));

    /* the trampoline's alloc 0,0,3,0 and a handler that clobbers registers */
    ar_set(&r, IA64_KR_CFM, 3);
    for (int i = 1; i < 32; i++)
        if (i != 12) r.gpr[i] = 0xbad0000 + (u64)i;
    r.flags = 1;
    r.pc = SIGPAGE + 0x50 + 2;
    for (int i = 0; i < 8; i++)
        ar_set(&r, IA64_KR_B0 + i, 0xbad);
    u64 mask = 0;
    struct km_altstack ss = {0};
    CHECK_EQ(abi->sigframe_return(mm, &r, &mask, &ss), 0);
    CHECK_EQ(mask, LX_SIGBIT(10));
    CHECK_EQ(ss.flags, LX_SS_DISABLE);
    CHECK_EQ(r.pc, orig.pc);
    CHECK_EQ(r.sp, orig.sp);
    CHECK_EQ(r.tls, orig.tls);
    CHECK_EQ(r.flags, orig.flags);
    for (int i = 1; i < 32; i++) /* r4-r7 are preserved: the handler's stand */
        CHECK_EQ(r.gpr[i], i >= 4 && i <= 7 ? 0xbad0000 + (u64)i : orig.gpr[i]);
    for (int i = 0; i < 8; i++) /* b0, b6, b7 restored; b1-b5 preserved */
        CHECK_EQ(ar_of(&r, IA64_KR_B0 + i),
                 i == 0 || i >= 6 ? ar_of(&orig, IA64_KR_B0 + i) : 0xbad);
    CHECK_EQ(ar_of(&r, IA64_KR_CFM), 9 | 5 << 7);
    CHECK_EQ(ar_of(&r, IA64_KR_BSP), ar_of(&orig, IA64_KR_BSP));
    CHECK_EQ(ar_of(&r, IA64_KR_FPSR), 0x77);
    CHECK_EQ(ar_of(&r, IA64_KR_PFS), 0xc000000000000183ULL);
    mm_put(mm);
}

/* After a syscall break in slot 2 the PC is bundle + 3: sc_ip is the next
 * bundle, slot 0 (cr.iip was advanced); altstack and error cases. */
static void test_slot3_altstack_errors(void)
{
    const struct km_abi *abi = &km_abi_ia64lite;
    struct mm *mm = test_mm();
    struct km_regs r;
    u64 sp = 0x80000;
    ia64_regs(&r, sp);
    r.pc = 0x4000000000000200ULL + 3;
    struct km_sigframe_args fa = {.sig = 10, .handler = 0x1234, .info = &tkill_info};
    fa.altstack = (struct km_altstack){.sp = 0x20000, .size = 0x20000};
    fa.flags = LX_SA_ONSTACK;
    CHECK_EQ(abi->sigframe_setup(mm, &r, &fa), 0);
    u64 frame = (0x40000 - FRAME) & ~15ULL;
    CHECK_EQ(r.sp, frame - 16);
    CHECK_EQ(rd64(mm, frame + F_SC + 0), 1); /* IA64_SC_FLAG_ONSTACK */
    CHECK_EQ(rd64(mm, frame + F_SC + 40), 0x4000000000000210ULL);
    /* a second signal on the altstack that no longer fits: bad frame */
    struct km_regs r2;
    ia64_regs(&r2, 0x20000 + 0x100);
    CHECK_EQ(abi->sigframe_setup(mm, &r2, &fa), -LX_EFAULT);
    /* a frame that cannot be written */
    ia64_regs(&r2, 0x5000);
    fa.flags = 0;
    CHECK_EQ(abi->sigframe_setup(mm, &r2, &fa), -LX_EFAULT);
    /* sigreturn: rotating registers (sor) or more registers than the
     * register stack holds below are bad frames */
    u64 mask;
    struct km_altstack ss;
    CHECK_EQ(mm_write_u64(mm, frame + F_SC + 48, 8 | 1ULL << 14), 0);
    CHECK_EQ(abi->sigframe_return(mm, &r, &mask, &ss), -LX_EFAULT);
    CHECK_EQ(mm_write_u64(mm, frame + F_SC + 48, 96), 0);
    CHECK_EQ(abi->sigframe_return(mm, &r, &mask, &ss), -LX_EFAULT); /* bof 69 < 96 */
    CHECK_EQ(mm_write_u64(mm, frame + F_SC + 48, 9 | 5 << 7), 0);
    CHECK_EQ(abi->sigframe_return(mm, &r, &mask, &ss), 0);
    CHECK_EQ(r.pc, 0x4000000000000210ULL);
    r.sp = 0x5000;
    CHECK_EQ(abi->sigframe_return(mm, &r, &mask, &ss), -LX_EFAULT);
    mm_put(mm);
}

/* The trampoline bytes are the subset code documented in abi_sigframe.c
 * (the disassembler agrees with ia64-linux-gnu-objdump: ia64lite tests). */
static void test_trampoline_code(void)
{
    static const char *want[] = {
        "alloc r8=ar.pfs,3,0,0",
        "adds r2=40,r12",
        "adds r3=16,r12;;",
        "ld8 r17=[r2]",
        "ld8 r32=[r3],8",
        "nop.i 0x0;;",
        "ld8 r10=[r17],8",
        "ld8 r33=[r3],8",
        "nop.i 0x0;;",
        "ld8 r1=[r17]",
        "ld8 r34=[r3]",
        "mov b6=r10;;",
        "nop.m 0x0",
        "nop.i 0x0",
        "br.call.sptk.many b0=b6;;",
        "mov r15=1181;;",
        "break.m 0x100000",
        "nop.i 0x0;;",
    };
    for (int b = 0; b < 6; b++) {
        struct ia64_bundle bd;
        ia64_decode_bundle(km_ia64_sigtramp_code + 16 * b, SIGPAGE + 16 * (u64)b, &bd);
        CHECK(bd.valid);
        for (int s = 0; s < 3; s++) {
            char text[96];
            ia64_disasm_slot(&bd, s, text, sizeof text);
            CHECK(strcmp(text, want[3 * b + s]) == 0,
                  "trampoline bundle %d slot %d: '%s', want '%s'", b, s, text, want[3 * b + s]);
        }
    }
}

/* rt_sigaction on ia64: struct sigaction is {sa_handler, sa_flags, sa_mask}
 * (24 bytes, no sa_restorer); x86-64 keeps its 32-byte layout. */
static void test_sigaction_layout(void)
{
    static struct km k;
    struct task *t = fake_boot(&k, &km_abi_ia64lite);
    const struct km_sys_entry *rt = NULL;
    for (const struct km_sys_entry *e = km_sys_misc; e->sysno != LX_SYS_NONE; e++)
        if (e->sysno == LX_SYS_rt_sigaction) rt = e;
    CHECK(rt != NULL);
    if (!rt) return;
    u64 act = 0x10200, oact = 0x10300;
    CHECK_EQ(mm_write_u64(t->mm, act, 0x6000000000000b58ULL), 0);
    CHECK_EQ(mm_write_u64(t->mm, act + 8, LX_SA_RESTART | LX_SA_SIGINFO), 0);
    CHECK_EQ(mm_write_u64(t->mm, act + 16, LX_SIGBIT(12) | LX_SIGBIT(LX_SIGKILL)), 0);
    CHECK_EQ(mm_write_u64(t->mm, act + 24, 0xfeedULL), 0); /* not part of it */
    CHECK_EQ(mm_write_u64(t->mm, oact + 24, 0x5a5aULL), 0);
    u64 a[6] = {10, act, 0, 8, 0, 0};
    CHECK_EQ(rt->fn(&k, t, a), 0);
    const struct lx_sigaction *sa = &t->sighand->action[9];
    CHECK_EQ(sa->handler, 0x6000000000000b58ULL);
    CHECK_EQ(sa->flags, LX_SA_RESTART | LX_SA_SIGINFO);
    CHECK_EQ(sa->restorer, 0);
    CHECK_EQ(sa->mask, LX_SIGBIT(12));
    u64 b[6] = {10, 0, oact, 8, 0, 0};
    CHECK_EQ(rt->fn(&k, t, b), 0);
    CHECK_EQ(rd64(t->mm, oact), 0x6000000000000b58ULL);
    CHECK_EQ(rd64(t->mm, oact + 8), LX_SA_RESTART | LX_SA_SIGINFO);
    CHECK_EQ(rd64(t->mm, oact + 16), LX_SIGBIT(12));
    CHECK_EQ(rd64(t->mm, oact + 24), 0x5a5aULL); /* untouched */
    fake_shutdown(&k);
    CHECK(!km_abi_x86_64.sigaction_no_restorer && !km_abi_aarch64.sigaction_no_restorer &&
          !km_abi_s390x.sigaction_no_restorer && km_abi_ia64lite.sigaction_no_restorer);
    CHECK_EQ(km_abi_ia64lite.sigaltstack_min, 131027);
    CHECK_EQ(km_abi_ia64lite.minsigstksz, 0); /* no AT_MINSIGSTKSZ in ia64's ARCH_DLINFO */
}

int main(void)
{
    test_roundtrip();
    test_slot3_altstack_errors();
    test_trampoline_code();
    test_sigaction_layout();
    return check_report("test_sigframe_ia64");
}
