/* ia64-lite disassembler: the text `ia64-linux-gnu-objdump -d` (binutils
 * 2.40, opcodes/ia64-dis.c) prints for every subset form, including its
 * pseudo-ops (mov for adds 0 / addl r0, shl/shr for dep.z/extr that reach
 * bit 63, br for br.cond.sptk with p0). Branch targets are printed without
 * objdump's " <symbol+off>" annotation. */
#include "arch/ia64lite/ia64_insn.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#define F(s, lo, n) ((unsigned)(((s) >> (lo)) & ((1ULL << (n)) - 1)))

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->len < o->size ? o->size - o->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0) o->len += (size_t)n;
}

static const char *ar_name(unsigned ar, char tmp[8])
{
    switch (ar) {
    case 16: return "ar.rsc";
    case 17: return "ar.bsp";
    case 18: return "ar.bspstore";
    case 19: return "ar.rnat";
    case 32: return "ar.ccv";
    case 36: return "ar.unat";
    case 40: return "ar.fpsr";
    case 64: return "ar.pfs";
    case 65: return "ar.lc";
    case 66: return "ar.ec";
    }
    snprintf(tmp, 8, "ar%u", ar & 127);
    return tmp;
}

/* Branch completers: whether hint, prefetch hint, dealloc hint. */
static void br_hints(struct out *o, const struct ia64_slot *s, bool b5)
{
    static const char *const wh[4] = {".sptk", ".spnt", ".dptk", ".dpnt"};
    unsigned w = b5 ? (F(s->raw, 32, 3) >> 1) & 3 : F(s->raw, 33, 2);
    put(o, "%s%s%s", wh[w], F(s->raw, 12, 1) ? ".many" : ".few", F(s->raw, 35, 1) ? ".clr" : "");
}

static char unit_letter(enum ia64_unit u)
{
    return "mibflx"[u];
}

static void ill(struct out *o, const struct ia64_slot *s)
{
    put(o, "<not in ia64-lite: unit slot 0x%011" PRIx64 ">", s->raw);
}

size_t ia64_disasm_slot(const struct ia64_bundle *b, int slot, char *buf, size_t size)
{
    const struct ia64_slot *s = &b->s[slot];
    enum ia64_unit u = (enum ia64_unit)b->unit[slot];
    struct out o = {buf, size, 0};
    if (size) buf[0] = 0;
    if (s->flags & IA64_F_L) return 0;
    if (s->qp && b->valid) put(&o, "(p%02u) ", s->qp);
    unsigned major = F(s->raw, 37, 4);
    const char *acq = (s->flags & IA64_F_ACQREL) ? ".acq" : "";
    const char *rel = (s->flags & IA64_F_ACQREL) ? ".rel" : "";
    char tmp[8];
    if (!b->valid) {
        put(&o, "<reserved template 0x%02x>", b->tmpl);
        return o.len;
    }
    switch ((enum ia64_op)s->op) {
    case IA64_ILL: ill(&o, s); break;
    case IA64_NOP:
        if (u == IA64_UNIT_M && major == 0 && F(s->raw, 31, 2) == 2)
            put(&o, "mf");
        else if (u == IA64_UNIT_M && major == 0 && F(s->raw, 31, 2) == 1)
            put(&o, "invala");
        else
            put(&o, "nop.%c 0x%" PRIx64, unit_letter(u), (uint64_t)s->imm);
        break;
    case IA64_BREAK: put(&o, "break.%c 0x%" PRIx64, unit_letter(u), (uint64_t)s->imm); break;
    case IA64_ADD: put(&o, "add r%u=r%u,r%u", s->r1, s->r2, s->r3); break;
    case IA64_ADD1: put(&o, "add r%u=r%u,r%u,1", s->r1, s->r2, s->r3); break;
    case IA64_SUB: put(&o, "sub r%u=r%u,r%u", s->r1, s->r2, s->r3); break;
    case IA64_SUB1: put(&o, "sub r%u=r%u,r%u,1", s->r1, s->r2, s->r3); break;
    case IA64_AND: put(&o, "and r%u=r%u,r%u", s->r1, s->r2, s->r3); break;
    case IA64_ANDCM: put(&o, "andcm r%u=r%u,r%u", s->r1, s->r2, s->r3); break;
    case IA64_OR: put(&o, "or r%u=r%u,r%u", s->r1, s->r2, s->r3); break;
    case IA64_XOR: put(&o, "xor r%u=r%u,r%u", s->r1, s->r2, s->r3); break;
    case IA64_SHLADD: put(&o, "shladd r%u=r%u,%u,r%u", s->r1, s->r2, s->len, s->r3); break;
    case IA64_SUB_IMM: put(&o, "sub r%u=%" PRId64 ",r%u", s->r1, s->imm, s->r3); break;
    case IA64_AND_IMM: put(&o, "and r%u=%" PRId64 ",r%u", s->r1, s->imm, s->r3); break;
    case IA64_ANDCM_IMM: put(&o, "andcm r%u=%" PRId64 ",r%u", s->r1, s->imm, s->r3); break;
    case IA64_OR_IMM: put(&o, "or r%u=%" PRId64 ",r%u", s->r1, s->imm, s->r3); break;
    case IA64_XOR_IMM: put(&o, "xor r%u=%" PRId64 ",r%u", s->r1, s->imm, s->r3); break;
    case IA64_ADDS:
        if (major == 8 && s->imm == 0)
            put(&o, "mov r%u=r%u", s->r1, s->r3);
        else if (major == 9 && s->r3 == 0)
            put(&o, "mov r%u=%" PRId64, s->r1, s->imm);
        else
            put(&o, "%s r%u=%" PRId64 ",r%u", major == 8 ? "adds" : "addl", s->r1, s->imm, s->r3);
        break;
    case IA64_CMP: {
        static const char *const rel_name[3] = {"lt", "ltu", "eq"};
        put(&o, "cmp%s.%s%s p%u,p%u=", s->size == 4 ? "4" : "", rel_name[s->cmp],
            (s->flags & IA64_F_UNC) ? ".unc" : "", s->p1, s->p2);
        if (s->flags & IA64_F_IMM)
            put(&o, "%" PRId64 ",r%u", s->imm, s->r3);
        else
            put(&o, "r%u,r%u", s->r2, s->r3);
        break;
    }
    case IA64_MOV_R_B: put(&o, "mov r%u=b%u", s->r1, s->b2); break;
    case IA64_MOV_R_IP: put(&o, "mov r%u=ip", s->r1); break;
    case IA64_MOV_R_PR: put(&o, "mov r%u=pr", s->r1); break;
    case IA64_MOV_PR_R: put(&o, "mov pr=r%u,0x%" PRIx64, s->r2, (uint64_t)s->imm); break;
    case IA64_MOV_AR_R: put(&o, "mov.%c %s=r%u", unit_letter(u), ar_name(s->ar, tmp), s->r2); break;
    case IA64_MOV_R_AR: put(&o, "mov.%c r%u=%s", unit_letter(u), s->r1, ar_name(s->ar, tmp)); break;
    case IA64_ZXT: put(&o, "zxt%u r%u=r%u", s->size, s->r1, s->r3); break;
    case IA64_SXT: put(&o, "sxt%u r%u=r%u", s->size, s->r1, s->r3); break;
    case IA64_MOV_B_R: put(&o, "mov b%u=r%u", s->b1, s->r2); break;
    case IA64_EXTR:
    case IA64_EXTRU: {
        const char *un = s->op == IA64_EXTRU ? ".u" : "";
        if (s->pos + s->len == 64)
            put(&o, "shr%s r%u=r%u,%u", un, s->r1, s->r3, s->pos);
        else
            put(&o, "extr%s r%u=r%u,%u,%u", un, s->r1, s->r3, s->pos, s->len);
        break;
    }
    case IA64_DEPZ:
        if (s->pos + s->len == 64)
            put(&o, "shl r%u=r%u,%u", s->r1, s->r2, s->pos);
        else
            put(&o, "dep.z r%u=r%u,%u,%u", s->r1, s->r2, s->pos, s->len);
        break;
    case IA64_TBIT:
        put(&o, "tbit.z%s p%u,p%u=r%u,%u", (s->flags & IA64_F_UNC) ? ".unc" : "", s->p1, s->p2,
            s->r3, s->pos);
        break;
    case IA64_SHR_R: put(&o, "shr r%u=r%u,r%u", s->r1, s->r3, s->r2); break;
    case IA64_SHRU_R: put(&o, "shr.u r%u=r%u,r%u", s->r1, s->r3, s->r2); break;
    case IA64_SHL_R: put(&o, "shl r%u=r%u,r%u", s->r1, s->r2, s->r3); break;
    case IA64_ALLOC:
        put(&o, "alloc r%u=ar.pfs,%u,%u,%u", s->r1, s->sof, s->sol, s->sor * 8u);
        break;
    case IA64_LD:
        if (s->flags & IA64_F_SPILL)
            put(&o, "ld8.fill r%u=[r%u]", s->r1, s->r3);
        else
            put(&o, "ld%u%s r%u=[r%u]", s->size, acq, s->r1, s->r3);
        if (s->flags & IA64_F_IMM) put(&o, ",%" PRId64, s->imm);
        if (s->flags & IA64_F_REGINC) put(&o, ",r%u", s->r2);
        break;
    case IA64_ST:
        if (s->flags & IA64_F_SPILL)
            put(&o, "st8.spill [r%u]=r%u", s->r3, s->r2);
        else
            put(&o, "st%u%s [r%u]=r%u", s->size, rel, s->r3, s->r2);
        if (s->flags & IA64_F_IMM) put(&o, ",%" PRId64, s->imm);
        break;
    case IA64_CMPXCHG:
        put(&o, "cmpxchg%u.%s r%u=[r%u],r%u,ar.ccv", s->size,
            (s->flags & IA64_F_ACQREL) ? "rel" : "acq", s->r1, s->r3, s->r2);
        break;
    case IA64_XCHG: put(&o, "xchg%u r%u=[r%u],r%u", s->size, s->r1, s->r3, s->r2); break;
    case IA64_FETCHADD:
        put(&o, "fetchadd%u.%s r%u=[r%u],%" PRId64, s->size,
            (s->flags & IA64_F_ACQREL) ? "rel" : "acq", s->r1, s->r3, s->imm);
        break;
    case IA64_MOVL: put(&o, "movl r%u=0x%" PRIx64, s->r1, (uint64_t)s->imm); break;
    case IA64_BR_COND:
        if (s->qp == 0 && F(s->raw, 33, 2) == 0) {
            put(&o, "br%s%s", F(s->raw, 12, 1) ? ".many" : ".few", F(s->raw, 35, 1) ? ".clr" : "");
        } else {
            put(&o, "br.cond");
            br_hints(&o, s, false);
        }
        if (s->flags & IA64_F_INDIR)
            put(&o, " b%u", s->b2);
        else
            put(&o, " %" PRIx64, (uint64_t)s->imm);
        break;
    case IA64_BR_CLOOP:
        put(&o, "br.cloop");
        br_hints(&o, s, false);
        put(&o, " %" PRIx64, (uint64_t)s->imm);
        break;
    case IA64_BR_CALL:
        put(&o, "br.call");
        br_hints(&o, s, (s->flags & IA64_F_INDIR) != 0);
        if (s->flags & IA64_F_INDIR)
            put(&o, " b%u=b%u", s->b1, s->b2);
        else
            put(&o, " b%u=%" PRIx64, s->b1, (uint64_t)s->imm);
        break;
    case IA64_BR_RET:
        put(&o, "br.ret");
        br_hints(&o, s, false);
        put(&o, " b%u", s->b2);
        break;
    }
    if (s->flags & IA64_F_STOP) put(&o, ";;");
    return o.len;
}

/* Names of the out-of-subset instructions a guest is most likely to meet:
 * speculation and NaT (ld.s/ld.a/chk/tnat), the RSE controls (cover,
 * flushrs, loadrs), rotating registers, floating point. */
size_t ia64_describe_ill(const struct ia64_bundle *b, int slot, char *buf, size_t size)
{
    const struct ia64_slot *s = &b->s[slot];
    enum ia64_unit u = (enum ia64_unit)b->unit[slot];
    unsigned major = F(s->raw, 37, 4);
    const char *what = NULL;
    if (u == IA64_UNIT_F) {
        what = "floating-point instruction";
    } else if ((u == IA64_UNIT_M || u == IA64_UNIT_I) && major >= 8) {
        if (major == 8 && F(s->raw, 34, 2) == 1)
            what = "multimedia ALU (padd/psub...)";
        else if (major >= 0xc && major <= 0xe)
            what = "parallel compare (cmp.and/.or)";
        else
            what = "A-unit instruction";
    } else if (u == IA64_UNIT_M) {
        unsigned x6 = F(s->raw, 30, 6), x3 = F(s->raw, 33, 3), x4 = F(s->raw, 27, 4);
        if (major == 6 || major == 7)
            what = "floating-point load/store";
        else if ((major == 4 || major == 5) && x6 >= 0x04 && x6 <= 0x13)
            what = "ld.s/ld.a (speculative load)";
        else if ((major == 4 || major == 5) && x6 >= 0x18 && x6 <= 0x2b)
            what = "speculative/advanced load";
        else if (major == 0 && x3 == 0 && F(s->raw, 31, 2) == 0 && x4 == 0xc)
            what = "flushrs (RSE control)";
        else if (major == 0 && x3 == 0 && F(s->raw, 31, 2) == 0 && x4 == 0xa)
            what = "loadrs (RSE control)";
        else if ((major == 0 || major == 1) && x3 >= 1 && x3 <= 3)
            what = "chk.s/chk.a (speculation check)";
        else if (major == 1 && x3 == 0)
            what = "system/memory-management instruction";
        else
            what = "M-unit instruction";
    } else if (u == IA64_UNIT_I) {
        if (major == 5 && F(s->raw, 34, 2) == 0 && F(s->raw, 13, 1))
            what = "tnat (NaT test)";
        else if (major == 0 && F(s->raw, 33, 3) == 1)
            what = "chk.s.i (speculation check)";
        else if (major == 0 && F(s->raw, 33, 3) == 2)
            what = "mov pr.rot (rotating predicates)";
        else if (major == 7)
            what = "multimedia/shift instruction";
        else if (major == 4 || major == 5)
            what = "deposit/test instruction";
        else
            what = "I-unit instruction";
    } else if (u == IA64_UNIT_B) {
        if (major == 0 && F(s->raw, 27, 6) == 0x02)
            what = "cover (RSE control)";
        else if (major == 4 && F(s->raw, 6, 3) >= 6)
            what = "br.wtop/br.ctop (rotating loop)";
        else if (major == 7)
            what = "brp (branch predict)";
        else
            what = "B-unit instruction";
    } else {
        what = "X-unit instruction";
    }
    return (size_t)snprintf(buf, size, "%s, %c-unit opcode %u, slot bits 0x%011" PRIx64, what,
                            "MIBFLX"[u], major, s -> raw);
}
