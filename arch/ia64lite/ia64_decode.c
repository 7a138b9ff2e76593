/* ia64-lite bundle decoder (ENCODINGS.md). Each slot is decoded once into
 * struct ia64_slot; anything outside the subset becomes IA64_ILL and keeps
 * its raw bits so the SIGILL message and the disassembler can name it. */
#include "arch/ia64lite/ia64_insn.h"

#define F(s, lo, n) ((unsigned)(((s) >> (lo)) & ((1ULL << (n)) - 1)))

static int64_t sext(uint64_t v, int bits)
{
    uint64_t m = 1ULL << (bits - 1);
    v &= (1ULL << bits) - 1;
    return (int64_t)((v ^ m) - m);
}

/* Templates: units of slots 0..2 and the stop mask (bit i: stop after i). */
static const struct {
    uint8_t u[3];
    uint8_t stops;
    bool valid;
} templates[32] = {
#define T(a, b, c, s)                                                                              \
    {                                                                                              \
        {IA64_UNIT_##a, IA64_UNIT_##b, IA64_UNIT_##c}, s, true                                     \
    }
    [0x00] = T(M, I, I, 0), [0x01] = T(M, I, I, 4), [0x02] = T(M, I, I, 2), [0x03] = T(M, I, I, 6),
    [0x04] = T(M, L, X, 0), [0x05] = T(M, L, X, 4), [0x08] = T(M, M, I, 0), [0x09] = T(M, M, I, 4),
    [0x0a] = T(M, M, I, 1), [0x0b] = T(M, M, I, 5), [0x0c] = T(M, F, I, 0), [0x0d] = T(M, F, I, 4),
    [0x0e] = T(M, M, F, 0), [0x0f] = T(M, M, F, 4), [0x10] = T(M, I, B, 0), [0x11] = T(M, I, B, 4),
    [0x12] = T(M, B, B, 0), [0x13] = T(M, B, B, 4), [0x16] = T(B, B, B, 0), [0x17] = T(B, B, B, 4),
    [0x18] = T(M, M, B, 0), [0x19] = T(M, M, B, 4), [0x1c] = T(M, F, B, 0), [0x1d] = T(M, F, B, 4),
#undef T
};

static const char *const template_names[32] = {
    [0x00] = "[MII]", [0x01] = "[MII]", [0x02] = "[MII]", [0x03] = "[MII]", [0x04] = "[MLX]",
    [0x05] = "[MLX]", [0x08] = "[MMI]", [0x09] = "[MMI]", [0x0a] = "[MMI]", [0x0b] = "[MMI]",
    [0x0c] = "[MFI]", [0x0d] = "[MFI]", [0x0e] = "[MMF]", [0x0f] = "[MMF]", [0x10] = "[MIB]",
    [0x11] = "[MIB]", [0x12] = "[MBB]", [0x13] = "[MBB]", [0x16] = "[BBB]", [0x17] = "[BBB]",
    [0x18] = "[MMB]", [0x19] = "[MMB]", [0x1c] = "[MFB]", [0x1d] = "[MFB]",
};

const char *ia64_template_name(uint8_t tmpl)
{
    const char *n = template_names[tmpl & 31];
    return n ? n : "[???]";
}

static uint64_t imm21(uint64_t s)
{
    return F(s, 6, 20) | (uint64_t)F(s, 36, 1) << 20;
}

/* A-unit instructions (major opcode 8..15 in an M or I slot). */
static void decode_a(uint64_t s, struct ia64_slot *o)
{
    unsigned op = F(s, 37, 4);
    o->r1 = F(s, 6, 7), o->r2 = F(s, 13, 7), o->r3 = F(s, 20, 7);
    if (op == 8) {
        unsigned x2a = F(s, 34, 2), ve = F(s, 33, 1), x4 = F(s, 29, 4), x2b = F(s, 27, 2);
        if (x2a == 2 && ve == 0) {
            o->op = IA64_ADDS;
            o->imm = sext(F(s, 13, 7) | F(s, 27, 6) << 7 | F(s, 36, 1) << 13, 14);
            return;
        }
        if (x2a != 0 || ve != 0) return;
        int64_t imm8 = sext(F(s, 13, 7) | F(s, 36, 1) << 7, 8);
        if (x4 == 0 && x2b <= 1) {
            o->op = x2b ? IA64_ADD1 : IA64_ADD;
        } else if (x4 == 1 && x2b <= 1) {
            o->op = x2b ? IA64_SUB : IA64_SUB1;
        } else if (x4 == 3) {
            static const uint8_t ops[4] = {IA64_AND, IA64_ANDCM, IA64_OR, IA64_XOR};
            o->op = ops[x2b];
        } else if (x4 == 4) {
            o->op = IA64_SHLADD, o->len = (uint8_t)(x2b + 1);
        } else if (x4 == 0xb) {
            static const uint8_t ops[4] = {IA64_AND_IMM, IA64_ANDCM_IMM, IA64_OR_IMM, IA64_XOR_IMM};
            o->op = ops[x2b], o->imm = imm8;
        } else if (x4 == 9 && x2b == 1) {
            o->op = IA64_SUB_IMM, o->imm = imm8;
        }
        return;
    }
    if (op == 9) {
        o->op = IA64_ADDS, o->r3 = F(s, 20, 2);
        o->imm = sext(F(s, 13, 7) | F(s, 27, 9) << 7 | F(s, 22, 5) << 16 | F(s, 36, 1) << 21, 22);
        return;
    }
    if (op >= 0xc && op <= 0xe) {
        unsigned x2 = F(s, 34, 2), ta = F(s, 33, 1), tb = F(s, 36, 1);
        if (ta || (x2 < 2 && tb)) return; /* parallel compares: not in the subset */
        o->op = IA64_CMP;
        o->cmp = (uint8_t)(op - 0xc);
        o->p1 = F(s, 6, 6), o->p2 = F(s, 27, 6);
        o->size = (x2 & 1) ? 4 : 8;
        o->flags |= F(s, 12, 1) ? IA64_F_UNC : 0;
        if (x2 >= 2) o->flags |= IA64_F_IMM, o->imm = sext(F(s, 13, 7) | F(s, 36, 1) << 7, 8);
        return;
    }
}

static void decode_i(uint64_t s, struct ia64_slot *o)
{
    unsigned op = F(s, 37, 4);
    o->r1 = F(s, 6, 7), o->r2 = F(s, 13, 7), o->r3 = F(s, 20, 7);
    if (op == 0) {
        unsigned x3 = F(s, 33, 3), x6 = F(s, 27, 6);
        if (x3 == 0) {
            switch (x6) {
            case 0x00: o->op = IA64_BREAK, o->imm = (int64_t)imm21(s); break;
            case 0x01: o->op = IA64_NOP, o->imm = (int64_t)imm21(s); break;
            case 0x30: o->op = IA64_MOV_R_IP; break;
            case 0x31: o->op = IA64_MOV_R_B, o->b2 = F(s, 13, 3); break;
            case 0x33: o->op = IA64_MOV_R_PR; break;
            case 0x2a: o->op = IA64_MOV_AR_R, o->ar = (uint16_t)o->r3; break;
            case 0x32: o->op = IA64_MOV_R_AR, o->ar = (uint16_t)o->r3; break;
            case 0x10:
            case 0x11:
            case 0x12: o->op = IA64_ZXT, o->size = (uint8_t)(1 << (x6 - 0x10)); break;
            case 0x14:
            case 0x15:
            case 0x16: o->op = IA64_SXT, o->size = (uint8_t)(1 << (x6 - 0x14)); break;
            }
        } else if (x3 == 7 && F(s, 22, 1) == 0) {
            o->op = IA64_MOV_B_R, o->b1 = F(s, 6, 3);
        } else if (x3 == 3) {
            o->op = IA64_MOV_PR_R;
            o->imm = sext(F(s, 6, 7) << 1 | F(s, 24, 8) << 8 | F(s, 36, 1) << 16, 17);
        }
        return;
    }
    if (op == 5) {
        unsigned x2 = F(s, 34, 2), x = F(s, 33, 1);
        if (x2 == 1 && x == 0) {
            o->op = F(s, 13, 1) ? IA64_EXTR : IA64_EXTRU;
            o->pos = F(s, 14, 6), o->len = (uint8_t)(F(s, 27, 6) + 1);
        } else if (x2 == 1 && x == 1 && F(s, 26, 1) == 0) {
            o->op = IA64_DEPZ;
            o->pos = (uint8_t)(63 - F(s, 20, 6)), o->len = (uint8_t)(F(s, 27, 6) + 1);
        } else if (x2 == 0 && x == 0 && F(s, 36, 1) == 0 && F(s, 13, 1) == 0) {
            o->op = IA64_TBIT, o->p1 = F(s, 6, 6), o->p2 = F(s, 27, 6), o->pos = F(s, 14, 6);
            o->flags |= F(s, 12, 1) ? IA64_F_UNC : 0;
        }
        return;
    }
    if (op == 7 && F(s, 36, 1) == 1 && F(s, 33, 1) == 1 && F(s, 32, 1) == 0 && F(s, 34, 2) == 0) {
        unsigned x2c = F(s, 30, 2), x2b = F(s, 28, 2);
        if (x2c == 0 && x2b == 2) o->op = IA64_SHR_R;
        if (x2c == 0 && x2b == 0) o->op = IA64_SHRU_R;
        if (x2c == 1 && x2b == 0) o->op = IA64_SHL_R;
    }
}

static void decode_m(uint64_t s, struct ia64_slot *o)
{
    unsigned op = F(s, 37, 4);
    o->r1 = F(s, 6, 7), o->r2 = F(s, 13, 7), o->r3 = F(s, 20, 7);
    if (op == 0) {
        unsigned x3 = F(s, 33, 3), x2 = F(s, 31, 2), x4 = F(s, 27, 4);
        if (x3 == 0 && x2 == 0 && x4 <= 1)
            o->op = x4 ? IA64_NOP : IA64_BREAK, o->imm = (int64_t)imm21(s);
        else if (x3 == 0 && ((x2 == 2 && x4 == 2) || (x2 == 1 && x4 == 0)))
            o->op = IA64_NOP; /* mf, invala */
        return;
    }
    if (op == 1) {
        unsigned x3 = F(s, 33, 3), x6 = F(s, 27, 6);
        if (x3 == 6) {
            o->op = IA64_ALLOC;
            o->sof = F(s, 13, 7), o->sol = F(s, 20, 7), o->sor = F(s, 27, 4);
        } else if (x3 == 0 && x6 == 0x2a) {
            o->op = IA64_MOV_AR_R, o->ar = (uint16_t)o->r3;
        } else if (x3 == 0 && x6 == 0x22) {
            o->op = IA64_MOV_R_AR, o->ar = (uint16_t)o->r3;
        }
        return;
    }
    if (op != 4 && op != 5) return;
    unsigned x6 = F(s, 30, 6);
    if (op == 4 && F(s, 27, 1) == 1) { /* M16/M17: semaphores */
        if (F(s, 36, 1)) return;
        o->size = (uint8_t)(1 << (x6 & 3));
        if (x6 <= 0x07) {
            o->op = IA64_CMPXCHG, o->flags |= x6 >= 4 ? IA64_F_ACQREL : 0;
        } else if (x6 <= 0x0b) {
            o->op = IA64_XCHG;
        } else if (x6 == 0x12 || x6 == 0x13 || x6 == 0x16 || x6 == 0x17) {
            static const int8_t inc[4] = {16, 8, 4, 1};
            o->op = IA64_FETCHADD, o->size = (x6 & 1) ? 8 : 4;
            o->flags |= x6 >= 0x16 ? IA64_F_ACQREL : 0;
            o->imm = F(s, 15, 1) ? -inc[F(s, 13, 2)] : inc[F(s, 13, 2)];
        }
        return;
    }
    bool m = op == 4 && F(s, 36, 1);
    bool load = x6 <= 0x03 || (x6 >= 0x14 && x6 <= 0x17) || x6 == 0x1b;
    bool store = (x6 >= 0x30 && x6 <= 0x37) || x6 == 0x3b;
    if (load) {
        o->op = IA64_LD;
        o->size = x6 == 0x1b ? 8 : (uint8_t)(1 << (x6 & 3));
        o->flags |= x6 >= 0x14 && x6 <= 0x17 ? IA64_F_ACQREL : 0;
        o->flags |= x6 == 0x1b ? IA64_F_SPILL : 0;
        if (op == 5)
            o->flags |= IA64_F_IMM,
                o->imm = sext(F(s, 13, 7) | F(s, 27, 1) << 7 | F(s, 36, 1) << 8, 9);
        else if (m)
            o->flags |= IA64_F_REGINC;
    } else if (store && !m) {
        o->op = IA64_ST;
        o->size = x6 == 0x3b ? 8 : (uint8_t)(1 << (x6 & 3));
        o->flags |= x6 >= 0x34 && x6 <= 0x37 ? IA64_F_ACQREL : 0;
        o->flags |= x6 == 0x3b ? IA64_F_SPILL : 0;
        if (op == 5)
            o->flags |= IA64_F_IMM,
                o->imm = sext(F(s, 6, 7) | F(s, 27, 1) << 7 | F(s, 36, 1) << 8, 9);
    }
}

static void decode_b(uint64_t s, uint64_t ip, struct ia64_slot *o)
{
    unsigned op = F(s, 37, 4), btype = F(s, 6, 3), x6 = F(s, 27, 6);
    int64_t disp = sext(F(s, 13, 20) | F(s, 36, 1) << 20, 21) * 16;
    o->b1 = F(s, 6, 3), o->b2 = F(s, 13, 3);
    switch (op) {
    case 0:
        if (x6 == 0x00) o->op = IA64_BREAK, o->imm = (int64_t)imm21(s);
        if (x6 == 0x20 && btype == 0) o->op = IA64_BR_COND, o->flags |= IA64_F_INDIR;
        if (x6 == 0x21 && btype == 4) o->op = IA64_BR_RET, o->flags |= IA64_F_INDIR;
        break;
    case 1: o->op = IA64_BR_CALL, o->flags |= IA64_F_INDIR; break;
    case 2:
        if (x6 == 0x00) o->op = IA64_NOP, o->imm = (int64_t)imm21(s);
        break;
    case 4:
        if (btype == 0) o->op = IA64_BR_COND, o->imm = (int64_t)(ip + (uint64_t)disp);
        if (btype == 5) o->op = IA64_BR_CLOOP, o->imm = (int64_t)(ip + (uint64_t)disp);
        break;
    case 5: o->op = IA64_BR_CALL, o->imm = (int64_t)(ip + (uint64_t)disp); break;
    }
}

static void decode_f(uint64_t s, struct ia64_slot *o)
{
    if (F(s, 37, 4) == 0 && F(s, 33, 1) == 0 && F(s, 27, 6) <= 1)
        o->op = F(s, 27, 6) ? IA64_NOP : IA64_BREAK, o->imm = (int64_t)imm21(s);
}

static void decode_x(uint64_t s, uint64_t l, struct ia64_slot *o)
{
    unsigned op = F(s, 37, 4);
    o->r1 = F(s, 6, 7);
    if (op == 6 && F(s, 20, 1) == 0) {
        o->op = IA64_MOVL;
        o->imm = (int64_t)(F(s, 13, 7) | (uint64_t)F(s, 27, 9) << 7 | (uint64_t)F(s, 22, 5) << 16 |
                           (uint64_t)F(s, 21, 1) << 21 | l << 22 | (uint64_t)F(s, 36, 1) << 63);
    } else if (op == 0 && F(s, 33, 3) == 0 && F(s, 27, 6) <= 1) {
        o->op = F(s, 27, 6) ? IA64_NOP : IA64_BREAK;
        o->imm = (int64_t)(imm21(s) | l << 21);
    }
}

void ia64_decode_bundle(const uint8_t bytes[16], uint64_t ip, struct ia64_bundle *out)
{
    uint64_t lo = 0, hi = 0;
    for (int i = 7; i >= 0; i--) {
        lo = lo << 8 | bytes[i];
        hi = hi << 8 | bytes[8 + i];
    }
    const uint64_t mask = (1ULL << 41) - 1;
    uint64_t raw[3] = {(lo >> 5) & mask, ((lo >> 46) | (hi << 18)) & mask, (hi >> 23) & mask};
    unsigned t = lo & 31;
    *out = (struct ia64_bundle){.tmpl = (uint8_t)t, .valid = templates[t].valid};
    for (int i = 0; i < 3; i++) {
        struct ia64_slot *o = &out->s[i];
        o->raw = raw[i];
        o->qp = F(raw[i], 0, 6);
        out->unit[i] = templates[t].u[i];
        if (templates[t].stops & (1u << i)) o->flags |= IA64_F_STOP;
        if (!out->valid) continue;
        unsigned major = F(raw[i], 37, 4);
        switch (out->unit[i]) {
        case IA64_UNIT_M:
            if (major >= 8)
                decode_a(raw[i], o);
            else
                decode_m(raw[i], o);
            break;
        case IA64_UNIT_I:
            if (major >= 8)
                decode_a(raw[i], o);
            else
                decode_i(raw[i], o);
            break;
        case IA64_UNIT_B: decode_b(raw[i], ip, o); break;
        case IA64_UNIT_F: decode_f(raw[i], o); break;
        case IA64_UNIT_L: o->op = IA64_NOP, o->flags |= IA64_F_L, o->qp = 0; break;
        case IA64_UNIT_X: decode_x(raw[i], raw[1], o); break;
        }
    }
}

uint64_t ia64_rse_skip_regs(uint64_t addr, long num)
{
    long delta = (long)((addr >> 3) & 0x3f) + num;
    if (num < 0) delta -= 0x3e;
    return addr + 8 * (uint64_t)(num + delta / 0x3f);
}

long ia64_rse_num_regs(uint64_t bspstore, uint64_t bsp)
{
    long slots = (long)((bsp - bspstore) / 8);
    return slots - ((long)((bspstore >> 3) & 0x3f) + slots) / 0x40;
}
