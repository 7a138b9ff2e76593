/* The ia64-lite CPU backend (struct cpu_ops, emu/cpu.h): an interpreter for
 * the IA-64 subset of /work/shared/ia64-lite (ABI.md, ENCODINGS.md). The
 * decoder and disassembler are pure (arch/ia64lite/ia64_insn.h); this file
 * holds the register state, guest memory access and the execution loop.
 *
 *  - One engine per mm (mm->cpu_priv): the mm's mappings as host memory
 *    regions (kept equal to the mm by the observer) and a direct-mapped
 *    cache of decoded bundles, flushed on every mapping change. Stores to
 *    code are not detected (no guest here writes code).
 *  - One struct ia64ctx per task: r0-r31, b0-b7, p0-p63, the application
 *    registers of the subset, IP + slot, and RSE-lite (ABI.md section 4):
 *    a growable array stk[] of stacked registers, bof (the index of r32),
 *    CFM = {sof, sol} and bs_base (the backing-store address of stk[0]);
 *    ar.bsp = ia64_rse_skip_regs(bs_base, bof). The RSE never touches
 *    memory.
 *  - PC by role is the bundle address plus the slot (0..2). A syscall break
 *    in slot 2 leaves slot 3, "the start of the next bundle", so rewinding
 *    a restarted syscall is always PC - 1 (km_abi.syscall_insn_len = 1).
 *  - SP by role is r12 + 16: start_thread and copy_thread set
 *    r12 = sp - 16 (a 16-byte scratch area), so set_reg(SP, v) does too.
 *  - A clone child gets the __clone2 state of ABI.md section 2: when the
 *    parent's syscall was clone2 (1213) or clone (1128) with a stack, the
 *    child's stk[] holds only the parent's current frame and its backing
 *    store starts at stack_base (copy_thread's ar.bspstore = base).
 *  - Blocks (for slices) are taken branches. */
#include "emu/cpu.h"

#include "arch/ia64lite/ia64_insn.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EM_IA_64      50
#define NR_CLONE      1128
#define NR_CLONE2     1213
#define BREAK_SYSCALL 0x100000
#define MAX_SOF       96
#define DCACHE_SIZE   4096
#define SEGV_MAPERR   1
#define SEGV_ACCERR   2
#define ILL_ILLOPC    1
#define ILL_ILLOPN    2
#define TRAP_BRKPT    1
#define RBS_BELOW_TOP (2ULL << 30) /* start_thread: rbs_bot = STACK_TOP - 2 GiB */

struct region {
    u64 start, end;
    u8 *host;
    int prot;
};

struct dentry {
    u64 ip; /* tag; 1 = empty (bundle addresses are 16-aligned) */
    struct ia64_bundle b;
};

struct engine {
    struct mm *mm;
    struct region *reg;
    size_t nreg, cap;
    const struct region *last_data, *last_code;
    struct dentry *cache;
};

struct ia64ctx {
    u64 gr[32], br[8], pr;
    u64 ip;
    unsigned ri; /* 0..2, or 3 after a syscall in slot 2 */
    u64 *stk;
    size_t stk_cap;
    long bof;
    unsigned sof, sol;
    u64 bs_base;
    u64 pfs, lc, ec, ccv, unat, rsc, rnat, fpsr;
    u32 last_nr; /* the last syscall, for the clone child's set-up */
    u64 last_args[6];
    u64 orig_arg0;
};

/* --- engine and memory --------------------------------------------------- */

static struct engine *engine_of(struct mm *mm)
{
    struct engine *e = mm ? mm->cpu_priv : NULL;
    return e && e->mm == mm ? e : NULL; /* mm_fork may copy cpu_priv */
}

static void engine_flush(struct engine *e)
{
    e->last_data = e->last_code = NULL;
    for (size_t i = 0; i < DCACHE_SIZE; i++)
        e->cache[i].ip = 1;
}

/* Removes [start, end) from the region list, splitting where needed. */
static void engine_cut(struct engine *e, u64 start, u64 end)
{
    for (size_t i = 0; i < e->nreg;) {
        struct region *r = &e->reg[i];
        if (r->end <= start || r->start >= end) {
            i++;
            continue;
        }
        if (r->start < start && r->end > end) { /* split in two */
            if (e->nreg == e->cap) {
                e->cap = e->cap ? 2 * e->cap : 16;
                e->reg = realloc(e->reg, e->cap * sizeof *e->reg);
                if (!e->reg) abort();
                r = &e->reg[i];
            }
            struct region tail = {end, r->end, r->host + (end - r->start), r->prot};
            r->end = start;
            memmove(&e->reg[i + 2], &e->reg[i + 1], (e->nreg - i - 1) * sizeof *e->reg);
            e->reg[i + 1] = tail;
            e->nreg++;
            return;
        }
        if (r->start >= start && r->end <= end) {
            memmove(r, r + 1, (e->nreg - i - 1) * sizeof *e->reg);
            e->nreg--;
            continue;
        }
        if (r->start < start) {
            r->end = start;
        } else {
            r->host += end - r->start;
            r->start = end;
        }
        i++;
    }
}

static void engine_add(struct engine *e, u64 start, u64 end, int prot, u8 *host)
{
    if (e->nreg == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 16;
        e->reg = realloc(e->reg, e->cap * sizeof *e->reg);
        if (!e->reg) abort();
    }
    size_t i = 0;
    while (i < e->nreg && e->reg[i].start < start)
        i++;
    memmove(&e->reg[i + 1], &e->reg[i], (e->nreg - i) * sizeof *e->reg);
    e->reg[i] = (struct region){start, end, host, prot};
    e->nreg++;
}

static struct engine *engine_new(struct mm *mm)
{
    struct engine *e = calloc(1, sizeof *e);
    if (e) e->cache = malloc(DCACHE_SIZE * sizeof *e->cache);
    if (!e || !e->cache) {
        fprintf(stderr, "clonemu: ia64-lite: out of memory\n");
        abort();
    }
    e->mm = mm;
    mm->cpu_priv = e;
    engine_flush(e);
    return e;
}

static void obs_map(void *ctx, struct mm *mm, u64 start, u64 len, int prot, u8 *host)
{
    (void)ctx;
    struct engine *e = engine_of(mm);
    if (!e) e = engine_new(mm);
    engine_cut(e, start, start + len);
    engine_add(e, start, start + len, prot, host);
    engine_flush(e);
}

static void obs_unmap(void *ctx, struct mm *mm, u64 start, u64 len)
{
    (void)ctx;
    struct engine *e = engine_of(mm);
    if (!e) return;
    engine_cut(e, start, start + len);
    engine_flush(e);
}

static void obs_protect(void *ctx, struct mm *mm, u64 start, u64 len, int prot)
{
    (void)ctx;
    struct engine *e = engine_of(mm);
    if (!e) return;
    u64 end = start + len;
    /* split at the edges, then set prot on every piece inside */
    for (size_t i = 0; i < e->nreg; i++) {
        struct region r = e->reg[i];
        if (r.end <= start || r.start >= end) continue;
        u64 s = r.start > start ? r.start : start, x = r.end < end ? r.end : end;
        engine_cut(e, s, x);
        engine_add(e, s, x, prot, r.host + (s - r.start));
        if (r.start < s) i++;
    }
    engine_flush(e);
}

static void obs_destroy(void *ctx, struct mm *mm)
{
    (void)ctx;
    struct engine *e = engine_of(mm);
    if (e) {
        free(e->reg);
        free(e->cache);
        free(e);
    }
    mm->cpu_priv = NULL;
}

static const struct mm_observer ia64_observer = {
    .map = obs_map,
    .unmap = obs_unmap,
    .protect = obs_protect,
    .destroy = obs_destroy,
};

static const struct region *region_find(const struct engine *e, u64 addr)
{
    size_t lo = 0, hi = e->nreg;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e->reg[mid].end <= addr)
            lo = mid + 1;
        else if (e->reg[mid].start > addr)
            hi = mid;
        else
            return &e->reg[mid];
    }
    return NULL;
}

/* Host address of [addr, addr+len) with prot, or NULL with *code set to
 * SEGV_MAPERR / SEGV_ACCERR. */
static inline u8 *mem_at(struct engine *e, u64 addr, unsigned len, int prot, int *code)
{
    const struct region *r = e->last_data;
    if (!r || addr < r->start || addr + len > r->end || addr + len < addr) {
        r = region_find(e, addr);
        if (!r || addr + len > r->end || addr + len < addr) {
            *code = SEGV_MAPERR;
            return NULL;
        }
        e->last_data = r;
    }
    if ((r->prot & prot) != prot) {
        *code = SEGV_ACCERR;
        return NULL;
    }
    return r->host + (addr - r->start);
}

static inline u64 load_le(const u8 *p, unsigned n)
{
    switch (n) {
    case 1: return p[0];
    case 2: {
        u16 v;
        memcpy(&v, p, 2);
        return v;
    }
    case 4: {
        u32 v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        u64 v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

static inline void store_le(u8 *p, unsigned n, u64 v)
{
    switch (n) {
    case 1: p[0] = (u8)v; break;
    case 2: {
        u16 x = (u16)v;
        memcpy(p, &x, 2);
        break;
    }
    case 4: {
        u32 x = (u32)v;
        memcpy(p, &x, 4);
        break;
    }
    default: memcpy(p, &v, 8); break;
    }
}

/* The decoded bundle at ip (16-aligned), or NULL with *code set. */
static const struct ia64_bundle *fetch(struct engine *e, u64 ip, int *code)
{
    struct dentry *d = &e->cache[(ip >> 4) & (DCACHE_SIZE - 1)];
    if (d->ip == ip) return &d->b;
    const struct region *r = e->last_code;
    if (!r || ip < r->start || ip + 16 > r->end) {
        r = region_find(e, ip);
        if (!r || ip + 16 > r->end) {
            *code = SEGV_MAPERR;
            return NULL;
        }
        e->last_code = r;
    }
    if (!(r->prot & LX_PROT_EXEC)) {
        *code = SEGV_ACCERR;
        return NULL;
    }
    ia64_decode_bundle(r->host + (ip - r->start), ip, &d->b);
    d->ip = ip;
    return &d->b;
}

/* --- contexts ------------------------------------------------------------ */

static struct ia64ctx *ctx_of(struct task *t)
{
    struct ia64ctx *c = t->cpu;
    if (!c) {
        fprintf(stderr, "clonemu: ia64-lite: task %d has no register context\n", t->tid);
        abort();
    }
    return c;
}

/* Makes stk[0, n) exist (zero-filled). false: out of memory. */
static bool stk_reserve(struct ia64ctx *c, size_t n)
{
    if (n <= c->stk_cap) return true;
    size_t cap = c->stk_cap ? c->stk_cap : 256;
    while (cap < n)
        cap *= 2;
    u64 *s = realloc(c->stk, cap * sizeof *s);
    if (!s) return false;
    memset(s + c->stk_cap, 0, (cap - c->stk_cap) * sizeof *s);
    c->stk = s, c->stk_cap = cap;
    return true;
}

static void ia_free(struct task *t)
{
    struct ia64ctx *c = t->cpu;
    if (c) free(c->stk);
    free(c);
    t->cpu = NULL;
}

static int ia_new(struct task *t, struct mm *mm)
{
    (void)mm;
    struct ia64ctx *c = calloc(1, sizeof *c);
    if (!c || !stk_reserve(c, 256)) {
        free(c);
        return -LX_ENOMEM;
    }
    c->pr = 1;
    c->bs_base = t->abi->stack_top - RBS_BELOW_TOP;
    c->rsc = 0xf;
    if (t->cpu) ia_free(t);
    t->cpu = c;
    return 0;
}

static int ia_clone(struct task *parent, struct task *child)
{
    struct ia64ctx *p = ctx_of(parent), *c = malloc(sizeof *c);
    if (!c) return -LX_ENOMEM;
    *c = *p;
    c->stk = NULL, c->stk_cap = 0;
    u64 base = 0;
    if (p->last_nr == NR_CLONE2 || p->last_nr == NR_CLONE) base = p->last_args[1];
    if (base) { /* copy_thread with a user stack: only the current frame */
        if (!stk_reserve(c, (size_t)p->sof + 8)) goto nomem;
        memcpy(c->stk, p->stk + p->bof, (size_t)p->sof * sizeof *c->stk);
        c->bof = 0;
        c->bs_base = base;
    } else {
        if (!stk_reserve(c, p->stk_cap)) goto nomem;
        memcpy(c->stk, p->stk, p->stk_cap * sizeof *c->stk);
    }
    c->gr[8] = c->gr[10] = 0;
    if (child->cpu) ia_free(child);
    child->cpu = c;
    return 0;
nomem:
    free(c);
    return -LX_ENOMEM;
}

static u64 ia_get_reg(struct task *t, enum cpu_reg r)
{
    struct ia64ctx *c = ctx_of(t);
    switch (r) {
    case CPU_REG_PC: return c->ip + c->ri;
    case CPU_REG_SP: return c->gr[12] + 16;
    case CPU_REG_RET: return c->gr[10] == (u64)-1 ? -c->gr[8] : c->gr[8];
    case CPU_REG_TLS: return c->gr[13];
    case CPU_REG_ENTRY_FINI: return c->gr[8];
    case CPU_REG_COUNT: break;
    }
    return 0;
}

static void ia_set_reg(struct task *t, enum cpu_reg r, u64 v)
{
    struct ia64ctx *c = ctx_of(t);
    switch (r) {
    case CPU_REG_PC:
        c->ip = v & ~15ULL, c->ri = (unsigned)(v & 15);
        if (c->ri > 3) c->ri = 3;
        break;
    case CPU_REG_SP: c->gr[12] = v - 16; break;
    case CPU_REG_RET:
        /* entry.S: r10 = -1 and r8 = the positive errno on failure */
        if ((i64)v < 0 && (i64)v >= -4095)
            c->gr[8] = -v, c->gr[10] = (u64)-1;
        else
            c->gr[8] = v, c->gr[10] = 0;
        break;
    case CPU_REG_TLS: c->gr[13] = v; break;
    case CPU_REG_ENTRY_FINI: c->gr[8] = v; break;
    case CPU_REG_COUNT: break;
    }
}

/* km_regs on ia64-lite (docs/ia64-lite-signals.md): gpr = r0..r31,
 * sp = r12, pc = bundle + slot, flags = pr, tls = r13; fp[] holds b0..b7
 * and the application registers at the IA64_KR_* offsets. */
#include "arch/ia64lite/ia64_regs.h"

static void ia_regs_save(struct task *t, struct km_regs *r)
{
    struct ia64ctx *c = ctx_of(t);
    memset(r, 0, sizeof *r);
    memcpy(r->gpr, c->gr, sizeof c->gr);
    r->sp = c->gr[12];
    r->pc = c->ip + c->ri;
    r->flags = c->pr;
    r->tls = c->gr[13];
    u64 ar[IA64_KR_COUNT] = {0};
    memcpy(ar, c->br, sizeof c->br);
    ar[IA64_KR_PFS] = c->pfs, ar[IA64_KR_LC] = c->lc, ar[IA64_KR_EC] = c->ec;
    ar[IA64_KR_CCV] = c->ccv, ar[IA64_KR_UNAT] = c->unat, ar[IA64_KR_FPSR] = c->fpsr;
    ar[IA64_KR_RSC] = c->rsc, ar[IA64_KR_RNAT] = c->rnat;
    ar[IA64_KR_CFM] = c->sof | (u64)c->sol << 7;
    ar[IA64_KR_BSP] = ia64_rse_skip_regs(c->bs_base, c->bof);
    ar[IA64_KR_BS_BASE] = c->bs_base;
    memcpy(r->fp, ar, sizeof ar);
    r->orig_arg0 = c->orig_arg0;
}

static void ia_regs_load(struct task *t, const struct km_regs *r)
{
    struct ia64ctx *c = ctx_of(t);
    u64 ar[IA64_KR_COUNT];
    memcpy(ar, r->fp, sizeof ar);
    memcpy(c->gr, r->gpr, sizeof c->gr);
    c->gr[0] = 0;
    c->gr[12] = r->sp;
    c->gr[13] = r->tls;
    c->ip = r->pc & ~15ULL, c->ri = (unsigned)(r->pc & 15) > 3 ? 3 : (unsigned)(r->pc & 15);
    c->pr = r->flags | 1;
    memcpy(c->br, ar, sizeof c->br);
    c->pfs = ar[IA64_KR_PFS], c->lc = ar[IA64_KR_LC], c->ec = ar[IA64_KR_EC];
    c->ccv = ar[IA64_KR_CCV], c->unat = ar[IA64_KR_UNAT], c->fpsr = ar[IA64_KR_FPSR];
    c->rsc = ar[IA64_KR_RSC], c->rnat = ar[IA64_KR_RNAT];
    unsigned sof = ar[IA64_KR_CFM] & 0x7f, sol = (ar[IA64_KR_CFM] >> 7) & 0x7f;
    long bof = ia64_rse_num_regs(c->bs_base, ar[IA64_KR_BSP]);
    if (sof > MAX_SOF || sol > sof || bof < 0 || bof > (1L << 24) ||
        !stk_reserve(c, (size_t)bof + sof + 8)) {
        /* a frame that cannot be restored: keep the current one (the
         * sigframe code validated what it could) */
        return;
    }
    c->sof = sof, c->sol = sol, c->bof = bof;
}

#include "emu/cpu_ia64lite_exec.inc"

static bool ia_supports(const struct km_abi *abi)
{
    return abi->elf_machine == EM_IA_64;
}

static void *ia_observer_ctx(const struct km_abi *abi)
{
    (void)abi;
    return NULL;
}

const struct cpu_ops cpu_ia64lite_ops = {
    .name = "ia64-lite",
    .observer = &ia64_observer,
    .observer_ctx = ia_observer_ctx,
    .supports = ia_supports,
    .ctx_new = ia_new,
    .ctx_free = ia_free,
    .ctx_clone = ia_clone,
    .run = ia_run,
    .get_reg = ia_get_reg,
    .set_reg = ia_set_reg,
    .regs_save = ia_regs_save,
    .regs_load = ia_regs_load,
};
