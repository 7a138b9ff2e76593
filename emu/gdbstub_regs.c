/* The gdb stub's register files (gdbstub.h): per arch the registers in
 * the order of the target description sent to gdb (qXfer:features:read),
 * which is also the order of the `g` packet, and where each comes from in
 * struct km_regs (kernel-model/regs.h). The XML is built from the same
 * table, so the two cannot disagree. Register and feature names are the
 * ones gdb's i386:x86-64 and aarch64 code looks up (gdb manual, "Standard
 * Target Features"). */
#include <stdio.h>
#include <string.h>

#include "emu/gdbstub.h"

enum src {
    S_GPR,   /* gpr[arg] */
    S_SP,    /* sp */
    S_PC,    /* pc */
    S_FLAGS, /* flags */
    S_TLS,   /* tls */
    S_CONST, /* the value arg (read-only) */
    S_FP,    /* fp[arg .. arg+len) (little-endian image) */
    S_FTAG,  /* x86: the full tag word from FXSAVE's abridged one */
    S_FPSR,  /* fpsr */
    S_FPCR,  /* fpcr */
};

struct greg {
    const char *name;
    u8 size;    /* bytes in the g packet */
    u8 feature; /* index into the arch's features */
    u8 src;
    u16 arg;
    u8 len; /* S_FP: bytes taken from the image (zero-extended to size) */
    const char *type;
};

struct garch {
    u16 machine;
    const char *arch;
    const char *features[4];
    const struct greg *regs;
    int nregs;
};

#define GPR(n, i, t)                                                                               \
    {                                                                                              \
        n, 8, 0, S_GPR, i, 0, t                                                                    \
    }
#define FPX(n, sz, f, off, l, t)                                                                   \
    {                                                                                              \
        n, sz, f, S_FP, off, l, t                                                                  \
    }

/* x86-64: gdb's 64bit-core, 64bit-sse, 64bit-linux and 64bit-segments
 * features. km_regs.gpr is rax rbx rcx rdx rsi rdi rbp rsp r8..r15, the
 * same order as gdb's. */
static const struct greg x86_regs[] = {
    GPR("rax", 0, "int64"),
    GPR("rbx", 1, "int64"),
    GPR("rcx", 2, "int64"),
    GPR("rdx", 3, "int64"),
    GPR("rsi", 4, "int64"),
    GPR("rdi", 5, "int64"),
    GPR("rbp", 6, "data_ptr"),
    {"rsp", 8, 0, S_SP, 0, 0, "data_ptr"},
    GPR("r8", 8, "int64"),
    GPR("r9", 9, "int64"),
    GPR("r10", 10, "int64"),
    GPR("r11", 11, "int64"),
    GPR("r12", 12, "int64"),
    GPR("r13", 13, "int64"),
    GPR("r14", 14, "int64"),
    GPR("r15", 15, "int64"),
    {"rip", 8, 0, S_PC, 0, 0, "code_ptr"},
    {"eflags", 4, 0, S_FLAGS, 0, 0, "int32"},
    {"cs", 4, 0, S_CONST, 0x33, 0, "int32"},
    {"ss", 4, 0, S_CONST, 0x2b, 0, "int32"},
    {"ds", 4, 0, S_CONST, 0, 0, "int32"},
    {"es", 4, 0, S_CONST, 0, 0, "int32"},
    {"fs", 4, 0, S_CONST, 0, 0, "int32"},
    {"gs", 4, 0, S_CONST, 0, 0, "int32"},
    FPX("st0", 10, 0, 32, 10, "i387_ext"),
    FPX("st1", 10, 0, 48, 10, "i387_ext"),
    FPX("st2", 10, 0, 64, 10, "i387_ext"),
    FPX("st3", 10, 0, 80, 10, "i387_ext"),
    FPX("st4", 10, 0, 96, 10, "i387_ext"),
    FPX("st5", 10, 0, 112, 10, "i387_ext"),
    FPX("st6", 10, 0, 128, 10, "i387_ext"),
    FPX("st7", 10, 0, 144, 10, "i387_ext"),
    FPX("fctrl", 4, 0, 0, 2, "int"),
    FPX("fstat", 4, 0, 2, 2, "int"),
    {"ftag", 4, 0, S_FTAG, 0, 0, "int"},
    FPX("fiseg", 4, 0, 12, 2, "int"),
    FPX("fioff", 4, 0, 8, 4, "int"),
    FPX("foseg", 4, 0, 20, 2, "int"),
    FPX("fooff", 4, 0, 16, 4, "int"),
    FPX("fop", 4, 0, 6, 2, "int"),
    FPX("xmm0", 16, 1, 160, 16, "uint128"),
    FPX("xmm1", 16, 1, 176, 16, "uint128"),
    FPX("xmm2", 16, 1, 192, 16, "uint128"),
    FPX("xmm3", 16, 1, 208, 16, "uint128"),
    FPX("xmm4", 16, 1, 224, 16, "uint128"),
    FPX("xmm5", 16, 1, 240, 16, "uint128"),
    FPX("xmm6", 16, 1, 256, 16, "uint128"),
    FPX("xmm7", 16, 1, 272, 16, "uint128"),
    FPX("xmm8", 16, 1, 288, 16, "uint128"),
    FPX("xmm9", 16, 1, 304, 16, "uint128"),
    FPX("xmm10", 16, 1, 320, 16, "uint128"),
    FPX("xmm11", 16, 1, 336, 16, "uint128"),
    FPX("xmm12", 16, 1, 352, 16, "uint128"),
    FPX("xmm13", 16, 1, 368, 16, "uint128"),
    FPX("xmm14", 16, 1, 384, 16, "uint128"),
    FPX("xmm15", 16, 1, 400, 16, "uint128"),
    FPX("mxcsr", 4, 1, 24, 4, "int"),
    {"orig_rax", 8, 2, S_CONST, 0, 0, "int"}, /* -1 would mean "no syscall" */
    {"fs_base", 8, 3, S_TLS, 0, 0, "int"},
    {"gs_base", 8, 3, S_CONST, 0, 0, "int"},
};

/* aarch64: gdb's aarch64-core and aarch64-fpu features. */
static const struct greg a64_regs[] = {
    GPR("x0", 0, "int"),
    GPR("x1", 1, "int"),
    GPR("x2", 2, "int"),
    GPR("x3", 3, "int"),
    GPR("x4", 4, "int"),
    GPR("x5", 5, "int"),
    GPR("x6", 6, "int"),
    GPR("x7", 7, "int"),
    GPR("x8", 8, "int"),
    GPR("x9", 9, "int"),
    GPR("x10", 10, "int"),
    GPR("x11", 11, "int"),
    GPR("x12", 12, "int"),
    GPR("x13", 13, "int"),
    GPR("x14", 14, "int"),
    GPR("x15", 15, "int"),
    GPR("x16", 16, "int"),
    GPR("x17", 17, "int"),
    GPR("x18", 18, "int"),
    GPR("x19", 19, "int"),
    GPR("x20", 20, "int"),
    GPR("x21", 21, "int"),
    GPR("x22", 22, "int"),
    GPR("x23", 23, "int"),
    GPR("x24", 24, "int"),
    GPR("x25", 25, "int"),
    GPR("x26", 26, "int"),
    GPR("x27", 27, "int"),
    GPR("x28", 28, "int"),
    GPR("x29", 29, "int"),
    GPR("x30", 30, "int"),
    {"sp", 8, 0, S_SP, 0, 0, "data_ptr"},
    {"pc", 8, 0, S_PC, 0, 0, "code_ptr"},
    {"cpsr", 4, 0, S_FLAGS, 0, 0, "int32"},
    FPX("v0", 16, 1, 0, 16, "uint128"),
    FPX("v1", 16, 1, 16, 16, "uint128"),
    FPX("v2", 16, 1, 32, 16, "uint128"),
    FPX("v3", 16, 1, 48, 16, "uint128"),
    FPX("v4", 16, 1, 64, 16, "uint128"),
    FPX("v5", 16, 1, 80, 16, "uint128"),
    FPX("v6", 16, 1, 96, 16, "uint128"),
    FPX("v7", 16, 1, 112, 16, "uint128"),
    FPX("v8", 16, 1, 128, 16, "uint128"),
    FPX("v9", 16, 1, 144, 16, "uint128"),
    FPX("v10", 16, 1, 160, 16, "uint128"),
    FPX("v11", 16, 1, 176, 16, "uint128"),
    FPX("v12", 16, 1, 192, 16, "uint128"),
    FPX("v13", 16, 1, 208, 16, "uint128"),
    FPX("v14", 16, 1, 224, 16, "uint128"),
    FPX("v15", 16, 1, 240, 16, "uint128"),
    FPX("v16", 16, 1, 256, 16, "uint128"),
    FPX("v17", 16, 1, 272, 16, "uint128"),
    FPX("v18", 16, 1, 288, 16, "uint128"),
    FPX("v19", 16, 1, 304, 16, "uint128"),
    FPX("v20", 16, 1, 320, 16, "uint128"),
    FPX("v21", 16, 1, 336, 16, "uint128"),
    FPX("v22", 16, 1, 352, 16, "uint128"),
    FPX("v23", 16, 1, 368, 16, "uint128"),
    FPX("v24", 16, 1, 384, 16, "uint128"),
    FPX("v25", 16, 1, 400, 16, "uint128"),
    FPX("v26", 16, 1, 416, 16, "uint128"),
    FPX("v27", 16, 1, 432, 16, "uint128"),
    FPX("v28", 16, 1, 448, 16, "uint128"),
    FPX("v29", 16, 1, 464, 16, "uint128"),
    FPX("v30", 16, 1, 480, 16, "uint128"),
    FPX("v31", 16, 1, 496, 16, "uint128"),
    {"fpsr", 4, 1, S_FPSR, 0, 0, "int"},
    {"fpcr", 4, 1, S_FPCR, 0, 0, "int"},
};

static const struct garch garches[] = {
    {62,
     "i386:x86-64",
     {"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", "org.gnu.gdb.i386.linux",
      "org.gnu.gdb.i386.segments"},
     x86_regs,
     (int)(sizeof x86_regs / sizeof x86_regs[0])},
    {183,
     "aarch64",
     {"org.gnu.gdb.aarch64.core", "org.gnu.gdb.aarch64.fpu", NULL, NULL},
     a64_regs,
     (int)(sizeof a64_regs / sizeof a64_regs[0])},
};

static const struct garch *garch_for(const struct km_abi *abi)
{
    for (size_t i = 0; abi && i < sizeof garches / sizeof garches[0]; i++)
        if (garches[i].machine == abi->elf_machine) return &garches[i];
    return NULL;
}

bool gdb_regs_supported(const struct km_abi *abi)
{
    return garch_for(abi) != NULL;
}

int gdb_regs_count(const struct km_abi *abi)
{
    const struct garch *a = garch_for(abi);
    return a ? a->nregs : 0;
}

size_t gdb_target_xml(const struct km_abi *abi, char *buf, size_t n)
{
    const struct garch *a = garch_for(abi);
    if (!a) return 0;
    size_t len = (size_t)snprintf(buf, n,
                                  "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM "
                                  "\"gdb-target.dtd\">\n<target>\n<architecture>%s</architecture>\n"
                                  "<osabi>GNU/Linux</osabi>\n",
                                  a->arch);
    int feat = -1;
    for (int i = 0; i < a->nregs && len < n; i++) {
        const struct greg *g = &a->regs[i];
        if (g->feature != feat) {
            if (feat >= 0) len += (size_t)snprintf(buf + len, n - len, "</feature>\n");
            feat = g->feature;
            len +=
                (size_t)snprintf(buf + len, n - len, "<feature name=\"%s\">\n", a->features[feat]);
        }
        if (len < n)
            len += (size_t)snprintf(buf + len, n - len,
                                    "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"/>\n",
                                    g->name, 8 * g->size, g->type, i);
    }
    if (len < n) len += (size_t)snprintf(buf + len, n - len, "</feature>\n</target>\n");
    return len < n ? len : 0;
}

/* Register i of r as bytes in the target's order; its size. */
int gdb_reg_get(const struct km_abi *abi, const struct km_regs *r, int i, u8 *out)
{
    const struct garch *a = garch_for(abi);
    if (!a || i < 0 || i >= a->nregs) return -1;
    const struct greg *g = &a->regs[i];
    bool be = abi->big_endian;
    u64 v = 0;
    switch ((enum src)g->src) {
    case S_GPR: v = r->gpr[g->arg]; break;
    case S_SP: v = r->sp; break;
    case S_PC: v = r->pc; break;
    case S_FLAGS: v = r->flags; break;
    case S_TLS: v = r->tls; break;
    case S_CONST: v = g->arg; break;
    case S_FPSR: v = r->fpsr; break;
    case S_FPCR: v = r->fpcr; break;
    case S_FTAG:
        for (int k = 0; k < 8; k++)
            if (!(r->fp[4] & (1u << k))) v |= 3ull << (2 * k);
        break;
    case S_FP:
        memset(out, 0, g->size);
        memcpy(out, r->fp + g->arg, g->len);
        return g->size;
    }
    if (g->size == 8)
        lx_put64(be, out, v);
    else
        lx_put32(be, out, (u32)v);
    return g->size;
}

/* Set register i of r from bytes in the target's order. Read-only
 * registers (constants) ignore the write. Its size, or -1. */
int gdb_reg_set(const struct km_abi *abi, struct km_regs *r, int i, const u8 *in)
{
    const struct garch *a = garch_for(abi);
    if (!a || i < 0 || i >= a->nregs) return -1;
    const struct greg *g = &a->regs[i];
    bool be = abi->big_endian;
    u64 v = g->size == 8 ? lx_get64(be, in) : lx_get32(be, in);
    switch ((enum src)g->src) {
    case S_GPR: r->gpr[g->arg] = v; break;
    case S_SP:
        r->sp = v;
        if (abi->elf_machine == 62) r->gpr[7] = v; /* x86-64 rsp is gpr[7] too */
        break;
    case S_PC: r->pc = v; break;
    case S_FLAGS: r->flags = v; break;
    case S_TLS: r->tls = v; break;
    case S_CONST: break;
    case S_FPSR: r->fpsr = (u32)v; break;
    case S_FPCR: r->fpcr = (u32)v; break;
    case S_FTAG: {
        u8 ftw = 0;
        for (int k = 0; k < 8; k++)
            if (((v >> (2 * k)) & 3) != 3) ftw |= (u8)(1u << k);
        r->fp[4] = ftw;
        break;
    }
    case S_FP: memcpy(r->fp + g->arg, in, g->len); break;
    }
    return g->size;
}
