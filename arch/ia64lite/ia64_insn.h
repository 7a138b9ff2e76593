/* ia64-lite: bundle decoder and disassembler for the IA-64 subset of
 * /work/shared/ia64-lite/ENCODINGS.md. Pure C (no CPU, no Unicorn): the
 * interpreter (emu/cpu_ia64lite.c) executes the decoded slots and the unit
 * test compares the disassembly with `ia64-linux-gnu-objdump -d`. */
#ifndef CLONEMU_IA64_INSN_H
#define CLONEMU_IA64_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One operation per subset form; IA64_ILL is anything outside the subset
 * (executing it raises SIGILL naming the instruction). */
enum ia64_op {
    IA64_ILL,
    IA64_NOP, /* nop.{m,i,b,f,x}, mf, invala (no effect here) */
    IA64_BREAK,
    /* A unit */
    IA64_ADD,
    IA64_ADD1,
    IA64_SUB,
    IA64_SUB1,
    IA64_AND,
    IA64_ANDCM,
    IA64_OR,
    IA64_XOR,
    IA64_SHLADD,
    IA64_SUB_IMM,
    IA64_AND_IMM,
    IA64_ANDCM_IMM,
    IA64_OR_IMM,
    IA64_XOR_IMM,
    IA64_ADDS, /* adds and addl: r1 = imm + r3 */
    IA64_CMP,  /* cmp/cmp4 lt/ltu/eq [.unc], register or imm8 */
    /* I unit */
    IA64_MOV_R_B,
    IA64_MOV_R_IP,
    IA64_MOV_R_PR,
    IA64_MOV_PR_R,
    IA64_MOV_AR_R, /* mov ar3 = r2 (mov.i and mov.m) */
    IA64_MOV_R_AR, /* mov r1 = ar3 */
    IA64_ZXT,
    IA64_SXT,
    IA64_MOV_B_R,
    IA64_EXTR,
    IA64_EXTRU,
    IA64_DEPZ,
    IA64_TBIT,
    IA64_SHR_R,
    IA64_SHRU_R,
    IA64_SHL_R,
    /* M unit */
    IA64_ALLOC,
    IA64_LD, /* ld r1=[r3] / [r3],r2 / [r3],imm9 */
    IA64_ST, /* st [r3]=r2 / [r3]=r2,imm9 */
    IA64_CMPXCHG,
    IA64_XCHG,
    IA64_FETCHADD,
    /* X */
    IA64_MOVL,
    /* B unit */
    IA64_BR_COND, /* ip-relative (target) or indirect (b2) */
    IA64_BR_CALL,
    IA64_BR_RET,
    IA64_BR_CLOOP,
};

/* Unit of a slot as the template assigns it. */
enum ia64_unit { IA64_UNIT_M, IA64_UNIT_I, IA64_UNIT_B, IA64_UNIT_F, IA64_UNIT_L, IA64_UNIT_X };

/* A decoded slot. Fields not used by op are 0. */
struct ia64_slot {
    uint8_t op; /* enum ia64_op */
    uint8_t qp; /* qualifying predicate */
    uint8_t r1, r2, r3;
    uint8_t p1, p2;
    uint8_t b1, b2;
    uint8_t size;     /* memory access bytes; zxt/sxt width; cmp: 4 or 8 */
    uint8_t flags;    /* IA64_F_* */
    uint8_t cmp;      /* 0 lt, 1 ltu, 2 eq */
    uint8_t pos, len; /* extr/dep.z/tbit, shladd count (len) */
    uint8_t sof, sol, sor;
    uint16_t ar;  /* application register number */
    int64_t imm;  /* immediate, branch displacement (bytes) or target */
    uint64_t raw; /* the 41-bit slot */
};

#define IA64_F_IMM    0x01 /* cmp: imm8 form; ld/st: post-increment imm9 */
#define IA64_F_REGINC 0x02 /* ld: post-increment by r2 */
#define IA64_F_UNC    0x04 /* cmp/tbit .unc */
#define IA64_F_INDIR  0x08 /* branch through b2 */
#define IA64_F_ACQREL 0x10 /* .acq / .rel ordering */
#define IA64_F_STOP   0x20 /* an instruction-group stop follows this slot */
#define IA64_F_L      0x40 /* the L slot of an MLX bundle (no instruction) */
#define IA64_F_SPILL  0x80 /* ld8.fill / st8.spill (treated as ld8/st8) */

struct ia64_bundle {
    uint8_t tmpl;
    bool valid;      /* false: reserved template (illegal operation) */
    uint8_t unit[3]; /* enum ia64_unit of each slot */
    struct ia64_slot s[3];
};

/* Splits a 16-byte little-endian bundle and decodes its three slots
 * (ip: the bundle address, for ip-relative branch targets). */
void ia64_decode_bundle(const uint8_t bytes[16], uint64_t ip, struct ia64_bundle *out);

/* objdump's text of one slot ("(p06) br.cond.sptk.few 1e0", "add r8=r9,r10",
 * ";;" appended after a stop). An ip-relative target is printed as objdump
 * prints it before its " <symbol>" annotation. Returns the length. */
size_t ia64_disasm_slot(const struct ia64_bundle *b, int slot, char *buf, size_t size);

/* For an IA64_ILL slot: what the instruction is (unit, major opcode and,
 * where known, its name: "M-unit ld8.s (control speculation)"). */
size_t ia64_describe_ill(const struct ia64_bundle *b, int slot, char *buf, size_t size);

/* "[MII]", "[MLX]", ... (objdump's template mnemonic) */
const char *ia64_template_name(uint8_t tmpl);

/* Kernel's ia64_rse_skip_regs (asm/rse.h): addr advanced by num registers,
 * counting an RNaT collection slot at every 64th doubleword. */
uint64_t ia64_rse_skip_regs(uint64_t addr, long num);
/* The number of registers between two backing-store addresses. */
long ia64_rse_num_regs(uint64_t bspstore, uint64_t bsp);

#endif
