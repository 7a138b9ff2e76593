/* The hand-decoded bundles of /work/shared/ia64-lite/ENCODINGS.md, the
 * kernel's RSE address arithmetic (asm/rse.h) and the decoder's handling of
 * reserved templates and out-of-subset slots. No binutils needed. */
#include "arch/ia64lite/ia64_insn.h"

#include <stdio.h>
#include <string.h>

static int failures;

static void expect_text(const struct ia64_bundle *b, int slot, const char *want)
{
    char text[160];
    ia64_disasm_slot(b, slot, text, sizeof text);
    if (strcmp(text, want)) {
        printf("FAIL slot %d: got \"%s\", want \"%s\"\n", slot, text, want);
        failures++;
    }
}

static void check(bool cond, const char *what)
{
    if (!cond) {
        printf("FAIL %s\n", what);
        failures++;
    }
}

int main(void)
{
    struct ia64_bundle b;
    static const uint8_t b1[16] = {0x01, 0x10, 0x25, 0x0a, 0x80, 0x05, 0x80, 0x48,
                                   0x28, 0x00, 0x40, 0x60, 0xc1, 0x68, 0x14, 0x80};
    ia64_decode_bundle(b1, 0, &b);
    check(b.tmpl == 1 && b.s[0].raw == 0x02c00512880ULL && b.s[1].raw == 0x10000a12200ULL &&
              b.s[2].raw == 0x10028d182c0ULL,
          "insns.o+0 slot split");
    check(b.s[0].op == IA64_ALLOC && b.s[0].sof == 9 && b.s[0].sol == 5, "alloc fields");
    expect_text(&b, 0, "alloc r34=ar.pfs,9,5,0");
    expect_text(&b, 1, "add r8=r9,r10");
    expect_text(&b, 2, "sub r11=r12,r13;;");

    static const uint8_t b2[16] = {0x0b, 0x78, 0x0c, 0x00, 0x08, 0x24, 0x00, 0x00,
                                   0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00};
    ia64_decode_bundle(b2, 0x40000000000000a0ULL, &b);
    expect_text(&b, 0, "mov r15=1027;;");
    expect_text(&b, 1, "break.m 0x100000");
    expect_text(&b, 2, "nop.i 0x0;;");
    check(b.s[1].op == IA64_BREAK && b.s[1].imm == 0x100000, "syscall break");

    static const uint8_t b3[16] = {0x11, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                   0x00, 0x02, 0x00, 0x00, 0xb8, 0x01, 0x00, 0x50};
    ia64_decode_bundle(b3, 0x4000000000000190ULL, &b);
    check(b.s[2].op == IA64_BR_CALL && (uint64_t)b.s[2].imm == 0x4000000000000340ULL,
          "br.call target put_hex");
    expect_text(&b, 2, "br.call.sptk.many b0=4000000000000340;;");

    /* reserved template 0x06 */
    uint8_t r[16] = {0x06};
    ia64_decode_bundle(r, 0, &b);
    check(!b.valid, "template 0x06 is reserved");

    /* an F-unit slot other than nop.f is outside the subset */
    uint8_t f[16] = {0x0c};
    f[15] = 0x10; /* slot2 major opcode != 0 ... slot1 (F) stays 0 = break.f */
    ia64_decode_bundle(f, 0, &b);
    check(b.s[1].op == IA64_BREAK, "MFI slot1 zero is break.f");

    /* rse.h: an RNaT slot after 63 registers */
    check(ia64_rse_skip_regs(0x1000, 63) == 0x1000 + 64 * 8, "skip 63 regs from slot 0");
    check(ia64_rse_skip_regs(0x1000, 62) == 0x1000 + 62 * 8, "skip 62 regs from slot 0");
    check(ia64_rse_num_regs(0x1000, 0x1000 + 64 * 8) == 63, "num_regs over the RNaT slot");
    for (long n = 0; n < 400; n++)
        check(ia64_rse_num_regs(0x1008, ia64_rse_skip_regs(0x1008, n)) == n, "skip/num inverse");
    check(ia64_rse_skip_regs(ia64_rse_skip_regs(0x1008, 200), -200) == 0x1008, "skip back");

    if (failures) return 1;
    printf("ok\n");
    return 0;
}
