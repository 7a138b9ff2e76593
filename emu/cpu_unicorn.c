/* The Unicorn 2.0.1 CPU backend (struct cpu_ops, emu/cpu.h). The only file
 * that includes <unicorn/unicorn.h>. See /work/shared/UNICORN-NOTES.md for
 * the measured facts this relies on.
 *
 *  - One engine per mm (mm->cpu_priv), created on first use. Its mappings
 *    follow the mm through cpu_unicorn_observer (uc_mem_map_ptr borrows the
 *    model's host memory, so the kernel model reads guest memory directly).
 *  - One uc_context per task. engine.live is the context whose registers
 *    are currently in the engine; it is saved lazily when another context
 *    of the same engine is loaded.
 *  - Syscalls, faults and the end of a slice all end uc_emu_start through
 *    uc_emu_stop from a hook; the trap is handled by the caller outside
 *    uc_emu_start. Hooks never write PC (Unicorn #1579).
 *  - Preemption: a block hook counts basic blocks and stops before the
 *    first block over budget (deterministic; count= and timeout= are broken
 *    in 2.0.1). Uncounted runs (CPU_RUN_UNCOUNTED) drop the hook, which
 *    costs 1.25-1.35x on a tight loop: at once the first time, then after
 *    an uncounted stretch of unhook_after blocks (doubling each time a
 *    counted run needed the hook back: re-adding it drops the blocks
 *    translated without it, engine_block_hook).
 *  - Known holes (Unicorn 2.0.1): x86 rdtsc returns the host TSC and cannot
 *    be hooked (a determinism hole); aarch64 cntvct_el0 is not hooked yet
 *    (UC_HOOK_INSN + UC_ARM64_INS_MRS could). Data faults are made precise
 *    by hand (cpu_unicorn_fault.inc): Unicorn leaves a stale PC. */
#include "emu/cpu.h"
#include "kernel-model/mm_advise.h"
#include "kernel-model/mm_file.h"
#include "kernel-model/mm_index.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unicorn/unicorn.h>

/* Linux si_codes used for CPU faults. */
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define ILL_ILLOPC  1
#define ILL_ILLOPN  2
#define FPE_INTDIV  1
#define TRAP_BRKPT  1
#define SI_KERNEL   0x80

struct engine;

/* What an interrupt number means on one arch. */
enum trap_kind { TRAP_SYSCALL, TRAP_FAULT };
struct trap_class {
    enum trap_kind kind;
    int sig, si_code;
    bool pc_past; /* PC is already past the instruction (report pc - 0) */
    const char *what;
};

/* Per-arch facts of the Unicorn side: register ids by role, syscall
 * registers, how interrupts map to traps, set-up of a new engine. */
struct uarch {
    u16 machine;
    uc_arch arch;
    uc_mode mode;
    int reg[CPU_REG_COUNT];
    int nr_reg, arg_reg[6];
    cs_arch cs_arch;
    cs_mode cs_mode;
    void (*setup)(uc_engine *uc);
    /* Classify an interrupt; false: not a trap we know (SIGSEGV). */
    bool (*classify)(u32 intno, struct trap_class *out);
    /* After a syscall trap, before the model runs (x86-64 rcx/r11;
     * s390x: step PC past the svc). */
    u64 (*syscall_entry)(uc_engine *uc, u64 pc); /* returns the PC to resume at */
    /* Optional: the syscall number when it is not simply nr_reg (s390x:
     * the svc immediate at pc, or r1 when it is 0). pc: the trap's PC. */
    u64 (*syscall_nr)(uc_engine *uc, u64 pc, u64 nr_reg_value);
    /* Optional: the thread pointer when no register id reaches it (s390x
     * a0:a1). reg[CPU_REG_TLS] is unused then. */
    u64 (*tls_get)(struct engine *e);
    void (*tls_set)(struct engine *e, u64 tls);
    /* Optional: refine a fault classify() could not finish from the
     * interrupt number alone (s390x program-check codes). */
    void (*fault_refine)(struct engine *e, struct trap_class *trap);
    /* Optional: a refined fault may be an access to guest memory the
     * engine has not mapped yet that bypassed the memory hook (s390x
     * helpers probe memory themselves); map what it may need, true: run
     * the instruction again. */
    bool (*fault_retry)(struct engine *e, const struct trap_class *trap);
    /* Optional: every user register <-> struct km_regs (signal frames;
     * cpu_unicorn_regs.inc). NULL: the arch has no signal frames yet. */
    void (*regs_save)(uc_engine *uc, struct km_regs *r);
    void (*regs_load)(uc_engine *uc, const struct km_regs *r);
    /* QEMU's TLB_NOTDIRTY for the target: 1 << (TARGET_PAGE_BITS_MIN - 2)
     * (cpu_unicorn_fastw.inc). */
    u64 tlb_notdirty;
    /* Helpers store through probe_access (s390x mvc, xc...): read-only
     * windows must be read-only for QEMU too (res_add explains). */
    bool ro_probe;
    /* The vector registers (uc id of the first, how many): only their low
     * 16 bytes can be non-zero (cpu_unicorn_ctxsw.inc). nvec 0: unused. */
    int vec_reg, nvec;
};

/* A task's register context. */
struct uctx {
    uc_context *c;
    struct engine *eng; /* NULL once the engine is gone */
    struct uctx *next;  /* eng->ctxs */
    u64 orig_arg0;      /* first syscall argument at the last trap (orig_x0) */
};

struct engine {
    uc_engine *uc;
    struct mm *mm;
    const struct uarch *ua;
    struct uctx *live; /* context loaded in the engine, or NULL */
    struct uctx *ctxs; /* every context bound to this engine */
    uc_context *reset; /* registers right after set-up */
    u64 blocks, limit; /* the current run's budget */
    uc_hook blk;       /* the block hook, while blk_on */
    bool blk_on;
    u64 unhook_after; /* uncounted blocks to run before dropping the hook */
    u64 free_blocks;  /* uncounted blocks run with the hook since it came back */
    bool slice_end, trapped;
    struct trap_class trap;
    bool mem_bad;     /* a UC_HOOK_MEM_INVALID fired */
    bool mem_precise; /* ... and the CPU was put at the faulting instruction */
    bool ro_touched;  /* s390x_fault_retry read read-only pages in this run */
    int mem_type;
    u64 mem_addr;
    csh cs;
    bool cs_open;
    bool dbg_hooked; /* the UC_HOOK_CODE of debugging is installed */
    u64 insns;       /* instructions started in this run (debugging only) */
    bool dbg_stop;   /* the code hook stopped the run */
    /* Ranges ever mapped executable (their translated blocks must go
     * before the engine serves another mm); nx > ENGINE_XRANGES: too many
     * to track, the engine is closed instead of pooled. */
    struct {
        u64 lo, hi;
    } xr[8];
    int nx;
    /* Guest memory mapped in the engine (cpu_unicorn_mem.inc): windows of
     * the mm's vmas, each exactly one Unicorn region. */
    struct res_win {
        u64 start, end, seq;
        int prot;
    } * res;
    int nres, res_alloc, nres_data;
    u64 res_seq;
    /* Fast stores (cpu_unicorn_fastw.inc): the CPU's TLB f[] array. */
    uintptr_t *fw_fast;
    int fw_n;
    u32 fw_every, fw_due;
    u32 fw_quiet;    /* empty scans in a row at the longest interval */
    u64 fw_total;    /* entries cleared in all */
    bool fw_pending; /* a data window came since the last scan */
    /* Context switches (cpu_unicorn_ctxsw.inc): the CPU's env, found by
     * fastw_find, and the byte ranges of it a switch copies. */
    u8 *env;
    void *ucpu; /* Unicorn's CPUState (fastw_find), for cpu_unicorn_fault.inc */
    struct ctxsw_range {
        u32 off, len;
    } * sw;
    int nsw;
};

#define ENGINE_XRANGES 8
/* Closed engines kept for the next mm of the same arch (engine_release):
 * uc_open and its first use cost 3-6 ms, most of a fork. */
#define ENGINE_POOL_MAX 4
static struct engine *engine_pool[ENGINE_POOL_MAX];
static int engine_pool_n;

/* cpu_ops.set_debug: the debugger's request for the next runs. */
static const struct cpu_debug *ucx_dbg;
static bool ucx_dbg_on; /* engines get the code hook once this is set */

static void die_uc(const char *what, uc_err err)
{
    fprintf(stderr, "clonemu: internal error: %s: %s\n", what, uc_strerror(err));
    abort();
}

static bool engine_fault_in(struct engine *e, u64 addr);

#include "emu/cpu_unicorn_regs.inc"

#include "emu/cpu_unicorn_arch.inc"
#include "emu/cpu_unicorn_s390x.inc"

static const struct uarch *const uarch_all[] = {&uarch_x86_64, &uarch_aarch64, &uarch_s390x};

#include "emu/cpu_unicorn_fastw.inc"
#include "emu/cpu_unicorn_ctxsw.inc"
#include "emu/cpu_unicorn_fault.inc"

static const struct uarch *uarch_for(const struct km_abi *abi)
{
    for (size_t i = 0; abi && i < sizeof(uarch_all) / sizeof(uarch_all[0]); i++)
        if (uarch_all[i]->machine == abi->elf_machine) return uarch_all[i];
    return NULL;
}

/* --- hooks --------------------------------------------------------------- */

static void hook_block(uc_engine *uc, u64 addr, u32 size, void *ud)
{
    struct engine *e = ud;
    (void)addr;
    (void)size;
    if (e->blocks >= e->limit) {
        e->slice_end = true;
        uc_emu_stop(uc);
        return;
    }
    e->blocks++;
    fastw_tick(e);
}

/* Debugging only: called before every instruction. Stopping here stops
 * before the instruction executes (Unicorn 2.0.1, tested), so the PC is at
 * the breakpoint; the run's first instruction is where it resumed. */
static void hook_code(uc_engine *uc, u64 addr, u32 size, void *ud)
{
    struct engine *e = ud;
    const struct cpu_debug *d = ucx_dbg;
    (void)size;
    if (!d || e->dbg_stop) return;
    bool first = e->insns++ == 0;
    bool stop = d->step && !first;
    for (int i = 0; !stop && i < d->nbp; i++)
        stop = d->bp[i] == addr && !(first && d->step);
    if (stop) {
        e->dbg_stop = true;
        uc_emu_stop(uc);
    }
}

static void engine_hook_debug(struct engine *e)
{
    uc_hook h;
    if (e->dbg_hooked) return;
    uc_err err = uc_hook_add(e->uc, &h, UC_HOOK_CODE, (void *)hook_code, e, 1, 0);
    if (err) die_uc("uc_hook_add code", err);
    /* Blocks translated before the hook existed would not call it. */
    uc_mem_region *r = NULL;
    u32 n = 0;
    if (uc_mem_regions(e->uc, &r, &n) == UC_ERR_OK) {
        for (u32 i = 0; i < n; i++)
            uc_ctl_remove_cache(e->uc, r[i].begin, r[i].end + 1);
        uc_free(r);
    }
    e->dbg_hooked = true;
}

static void hook_x86_syscall(uc_engine *uc, void *ud)
{
    struct engine *e = ud;
    e->trapped = true;
    e->trap = (struct trap_class){TRAP_SYSCALL, 0, 0, true, "syscall"};
    uc_emu_stop(uc);
}

/* CPUID leaves 1 and 0x80000001 as Unicorn's own, plus the bits its TCG
 * implements but leaves out (FPU, MMX, SYSCALL): without them ld.so
 * refuses the host's libc ("CPU ISA level is lower than required": the
 * x86-64 baseline). Fixed values, so a run stays deterministic. Other
 * leaves: Unicorn's. Returns 1 when the instruction was handled here. */
static int hook_x86_cpuid(uc_engine *uc, void *ud)
{
    (void)ud;
    u64 leaf = 0;
    uc_reg_read(uc, UC_X86_REG_RAX, &leaf);
    u64 r[4]; /* eax, ebx, ecx, edx */
    if ((u32)leaf == 1) {
        r[0] = 0x663, r[1] = 0x800, r[2] = 0x02182200;
        r[3] = 0x07088100 | 1u /* FPU */ | 1u << 23 /* MMX */;
    } else if ((u32)leaf == 0x80000001) {
        r[0] = 0x663, r[1] = 0, r[2] = 0x1031;
        r[3] = 0xa8000000 | 1u << 11 /* SYSCALL */;
    } else {
        return 0;
    }
    const int regs[4] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX};
    for (int i = 0; i < 4; i++)
        uc_reg_write(uc, regs[i], &r[i]);
    return 1;
}

static void hook_intr(uc_engine *uc, u32 intno, void *ud)
{
    struct engine *e = ud;
    e->trapped = true;
    if (!e->ua->classify(intno, &e->trap))
        e->trap = (struct trap_class){TRAP_FAULT, LX_SIGSEGV, SI_KERNEL, false, "cpu exception"};
    uc_emu_stop(uc);
}

static bool hook_mem_invalid(uc_engine *uc, uc_mem_type type, u64 addr, int size, i64 value,
                             void *ud)
{
    struct engine *e = ud;
    (void)uc;
    (void)size;
    (void)value;
    bool unmapped = type == UC_MEM_READ_UNMAPPED || type == UC_MEM_WRITE_UNMAPPED ||
                    type == UC_MEM_FETCH_UNMAPPED;
    if (unmapped && engine_fault_in(e, addr)) return true; /* Unicorn retries the access */
    e->mem_bad = true;
    e->mem_type = (int)type;
    e->mem_addr = addr;
    fault_stop_precise(e, type); /* does not return if it could */
    return false;                /* stop with UC_ERR_*_UNMAPPED / _PROT */
}

/* --- engines ------------------------------------------------------------- */

static struct engine *engine_of(struct mm *mm)
{
    struct engine *e = mm ? mm->cpu_priv : NULL;
    /* mm_fork may copy cpu_priv along with the rest of the mm: the engine
     * belongs only to the mm it was made for. */
    return e && e->mm == mm ? e : NULL;
}

static void engine_map(struct engine *e, struct mm *mm, u64 start, u64 len, int prot);
static void engine_block_hook(struct engine *e, bool on);
static void res_drop(struct engine *e, int i);

/* A fresh engine of that arch: hooks installed, registers at reset. */
static struct engine *engine_open(const struct uarch *ua)
{
    /* Unicorn madvises each engine's 1 GiB code buffer MADV_HUGEPAGE, so
     * the prologue written at its init faults in (and zeroes) a whole
     * 2 MiB page per engine: with one engine per live process that was
     * most of the time and memory of a 1,000-process run. The process
     * makes no other THP request. */
    static bool thp_off;
    if (!thp_off) {
        (void)prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0); /* only a hint */
        thp_off = true;
    }
    struct engine *e = calloc(1, sizeof(*e));
    if (!e) return NULL;
    uc_err err = uc_open(ua->arch, ua->mode, &e->uc);
    if (err) die_uc("uc_open", err);
    e->ua = ua;
    ua->setup(e->uc);
    uc_hook h;
    err = uc_hook_add(e->uc, &e->blk, UC_HOOK_BLOCK, (void *)hook_block, e, 1, 0);
    e->blk_on = true;
    if (!err) err = uc_hook_add(e->uc, &h, UC_HOOK_INTR, (void *)hook_intr, e, 1, 0);
    if (!err) err = uc_hook_add(e->uc, &h, UC_HOOK_MEM_INVALID, (void *)hook_mem_invalid, e, 1, 0);
    if (!err && ua->arch == UC_ARCH_X86)
        err = uc_hook_add(e->uc, &h, UC_HOOK_INSN, (void *)hook_x86_syscall, e, 1, 0,
                          UC_X86_INS_SYSCALL);
    if (!err && ua->arch == UC_ARCH_X86)
        err =
            uc_hook_add(e->uc, &h, UC_HOOK_INSN, (void *)hook_x86_cpuid, e, 1, 0, UC_X86_INS_CPUID);
    if (err) die_uc("uc_hook_add", err);
    if (ucx_dbg_on) engine_hook_debug(e);
    err = uc_context_alloc(e->uc, &e->reset);
    if (!err) err = uc_context_save(e->uc, e->reset);
    if (err) die_uc("uc_context_save", err);
    fastw_find(e);
    ctxsw_find(e);
    return e;
}

/* A pooled engine of that arch (engine_release emptied it), or NULL. */
static struct engine *engine_from_pool(const struct uarch *ua)
{
    for (int i = engine_pool_n - 1; i >= 0; i--) {
        struct engine *e = engine_pool[i];
        if (e->ua != ua) continue;
        engine_pool[i] = engine_pool[--engine_pool_n];
        if (ucx_dbg_on) engine_hook_debug(e);
        return e;
    }
    return NULL;
}

/* An engine (pooled or fresh) for mm with every existing vma mapped,
 * except those overlapping [skip, skip + skip_len) (the mapping being
 * announced). */
static struct engine *engine_new(struct mm *mm, const struct uarch *ua, u64 skip, u64 skip_len)
{
    struct engine *e = engine_from_pool(ua);
    if (!e) e = engine_open(ua);
    if (!e) return NULL;
    e->mm = mm;
    mm->cpu_priv = e;
    for (struct vma *v = mm->vmas; v; v = v->next)
        if (!(v->start < skip + skip_len && skip < v->end))
            engine_map(e, mm, v->start, v->end - v->start, v->prot);
    return e;
}

static struct engine *engine_get(struct mm *mm, const struct uarch *ua)
{
    struct engine *e = engine_of(mm);
    if (e) return e->ua == ua ? e : NULL;
    return engine_new(mm, ua, 0, 0);
}

/* The mm is gone (every mapping was unmapped before its destroy): keep
 * the engine for the next mm of its arch, without the blocks it translated
 * (guest addresses are its physical addresses: a new mm's code at the same
 * address must not hit them), or close it when the pool is full. */
static void engine_release(struct engine *e)
{
    fastw_report(e);
    for (struct uctx *c = e->ctxs; c; c = c->next)
        c->eng = NULL;
    e->ctxs = e->live = NULL;
    e->mm = NULL;
    while (e->nres)
        res_drop(e, e->nres - 1);
    if (e->nx <= ENGINE_XRANGES && engine_pool_n < ENGINE_POOL_MAX) {
        /* the next mm starts as on a fresh engine: block hook, nothing learned */
        if (!e->blk_on)
            engine_block_hook(e, true); /* drops the blocks of e->xr too */
        else
            for (int i = 0; i < e->nx; i++)
                uc_ctl_remove_cache(e->uc, e->xr[i].lo, e->xr[i].hi);
        e->nx = 0;
        e->unhook_after = e->free_blocks = 0;
        fastw_forget(e);
        engine_pool[engine_pool_n++] = e;
        return;
    }
    uc_context_free(e->reset);
    free(e->res);
    free(e->sw);
    uc_close(e->uc);
    if (e->cs_open) cs_close(&e->cs);
    free(e);
}

#include "emu/cpu_unicorn_mem.inc"

#include "emu/cpu_unicorn_ctx.inc"

/* --- running ------------------------------------------------------------- */

/* The instruction at pc in e's memory as text, or why not. */
static void engine_disasm(struct engine *e, u64 pc, char *insn, size_t n)
{
    u8 code[16];
    if (!e->cs_open && cs_open(e->ua->cs_arch, e->ua->cs_mode, &e->cs) == CS_ERR_OK)
        e->cs_open = true;
    snprintf(insn, n, "?");
    if (e->cs_open && uc_mem_read(e->uc, pc, code, sizeof(code)) == UC_ERR_OK) {
        cs_insn *in = NULL;
        if (cs_disasm(e->cs, code, sizeof(code), pc, 1, &in) == 1)
            snprintf(insn, n, "%.31s%s%.63s", in->mnemonic, in->op_str[0] ? " " : "", in->op_str);
        if (in) cs_free(in, 1);
    } else if (!e->cs_open) {
        snprintf(insn, n, "no disassembler");
    } else {
        snprintf(insn, n, "pc not readable");
    }
}

/* "SIGSEGV at pc 0x401000: mov qword ptr [rax], 1 (addr 0x0)" */
static void describe_fault(struct engine *e, struct cpu_stop *s, const char *cause)
{
    char insn[96];
    engine_disasm(e, s->pc, insn, sizeof insn);
    snprintf(s->what, sizeof(s->what), "%.15s: %.48s at pc %#" PRIx64 " (%.95s), addr %#" PRIx64,
             lx_signal_name(s->sig), cause, s->pc, insn, s->addr);
}

static void stop_fault(struct engine *e, struct cpu_stop *s, int sig, int code, u64 addr,
                       const char *cause)
{
    s->kind = CPU_STOP_FAULT;
    s->sig = sig;
    s->si_code = code;
    s->addr = addr;
    describe_fault(e, s, cause);
}

/* Fault from a uc_emu_start error. The PC of a data fault is the faulting
 * instruction's when the memory hook found it (cpu_unicorn_fault.inc);
 * otherwise Unicorn 2.0.1 leaves a stale one, often the start of the
 * faulting block, and the description says "in the block". */
static void stop_from_error(struct engine *e, struct cpu_stop *s, uc_err err)
{
    static const struct {
        uc_err err;
        int sig, code;
        const char *what;
    } map[] = {
        {UC_ERR_READ_UNMAPPED, LX_SIGSEGV, SEGV_MAPERR, "read of unmapped memory"},
        {UC_ERR_WRITE_UNMAPPED, LX_SIGSEGV, SEGV_MAPERR, "write to unmapped memory"},
        {UC_ERR_FETCH_UNMAPPED, LX_SIGSEGV, SEGV_MAPERR, "jump to unmapped memory"},
        {UC_ERR_READ_PROT, LX_SIGSEGV, SEGV_ACCERR, "read of protected memory"},
        {UC_ERR_WRITE_PROT, LX_SIGSEGV, SEGV_ACCERR, "write to protected memory"},
        {UC_ERR_FETCH_PROT, LX_SIGSEGV, SEGV_ACCERR, "jump to non-executable memory"},
        {UC_ERR_READ_UNALIGNED, LX_SIGBUS, 1 /* BUS_ADRALN */, "unaligned read"},
        {UC_ERR_WRITE_UNALIGNED, LX_SIGBUS, 1, "unaligned write"},
        {UC_ERR_FETCH_UNALIGNED, LX_SIGBUS, 1, "unaligned fetch"},
        {UC_ERR_INSN_INVALID, LX_SIGILL, ILL_ILLOPN, "invalid instruction"},
    };
    u64 addr = e->mem_bad ? e->mem_addr : s->pc;
    /* PROT_NONE vmas are not mapped in the engine (cpu_unicorn_mem.inc):
     * an "unmapped" access where the mm has a vma is an access error. */
    if (e->mem_bad && e->mm && mm_find_vma(e->mm, addr)) {
        if (err == UC_ERR_READ_UNMAPPED) err = UC_ERR_READ_PROT;
        if (err == UC_ERR_WRITE_UNMAPPED) err = UC_ERR_WRITE_PROT;
        if (err == UC_ERR_FETCH_UNMAPPED) err = UC_ERR_FETCH_PROT;
    }
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].err == err) {
            char what[64];
            snprintf(what, sizeof what, "%s%s", map[i].what,
                     e->mem_bad && !e->mem_precise ? ", in the block" : "");
            stop_fault(e, s, map[i].sig, map[i].code, map[i].sig == LX_SIGILL ? s->pc : addr, what);
            return;
        }
    stop_fault(e, s, LX_SIGSEGV, SI_KERNEL, s->pc, uc_strerror(err));
}

/* Install or remove the block hook. Unicorn 2.0.1 drops the blocks
 * translated with a hook when it is deleted, but not those translated
 * without one when it is added: those are removed here (every executable
 * range, or the whole cache when there were too many to track). */
static void engine_block_hook(struct engine *e, bool on)
{
    if (on == e->blk_on) return;
    if (!on) {
        if (e->nx > ENGINE_XRANGES) return; /* could not come back cheaply */
        uc_hook_del(e->uc, e->blk);
        e->blk_on = false;
        return;
    }
    uc_err err = uc_hook_add(e->uc, &e->blk, UC_HOOK_BLOCK, (void *)hook_block, e, 1, 0);
    if (err) die_uc("uc_hook_add block", err);
    e->blk_on = true;
    if (e->nx > ENGINE_XRANGES) {
        uc_ctl_flush_tlb(e->uc); /* a full translation-cache flush */
    } else {
        for (int i = 0; i < e->nx; i++)
            uc_ctl_remove_cache(e->uc, e->xr[i].lo, e->xr[i].hi);
    }
    e->unhook_after = e->unhook_after ? e->unhook_after * 2 : 1u << 17;
    if (e->unhook_after > 1u << 26) e->unhook_after = 1u << 26;
    e->free_blocks = 0;
}

/* uc_emu_start from the live context's PC. An uncounted run that used
 * up unhook_after blocks with the hook on drops it and goes on. */
static uc_err engine_start(struct engine *e, bool counted)
{
    for (;;) {
        if (!counted) {
            e->blocks = 0;
            e->limit = e->blk_on && e->free_blocks < e->unhook_after
                           ? e->unhook_after - e->free_blocks
                           : UINT64_MAX;
        }
        u64 pc = 0;
        uc_reg_read(e->uc, e->ua->reg[CPU_REG_PC], &pc);
        uc_err err = uc_emu_start(e->uc, pc, 0, 0, 0);
        if (!err && e->mem_precise) err = fault_error(e->mem_type); /* it left by longjmp */
        if (counted) return err;
        if (e->blk_on) e->free_blocks += e->blocks;
        if (err || !e->slice_end) return err;
        e->slice_end = false;
        if (fastw_stable(e)) engine_block_hook(e, false);
        if (e->blk_on) e->free_blocks = 0; /* kept: count on */
    }
}

static int ucx_run(struct task *t, u64 max_blocks, struct cpu_stop *s)
{
    struct uctx *c = ctx_of(t);
    struct engine *e = c->eng;
    ctx_make_live(c);
    memset(s, 0, sizeof(*s));
    bool counted = max_blocks != CPU_RUN_UNCOUNTED;
    if (counted) engine_block_hook(e, true);
    if (!counted && !e->unhook_after) {
        if (fastw_stable(e))
            engine_block_hook(e, false);
        else
            e->unhook_after = 1u << 17; /* the fast path still learns: look again then */
    }
    if (e->fw_pending && !e->blk_on) fastw_scan(e);
    e->fw_pending = false;
    e->blocks = 0;
    e->limit = max_blocks;
    e->slice_end = e->trapped = e->mem_bad = e->mem_precise = e->ro_touched = e->dbg_stop = false;
    e->insns = 0;
    if (ucx_dbg_on) engine_hook_debug(e);
    uc_err err = engine_start(e, counted);
    bool refined = false;
    /* (at most a few rounds: each maps at least one more window) */
    for (int round = 0;
         !err && e->trapped && e->trap.kind == TRAP_FAULT && e->ua->fault_retry && round < 8;
         round++) {
        if (e->ua->fault_refine) e->ua->fault_refine(e, &e->trap);
        refined = true;
        if (!e->ua->fault_retry(e, &e->trap)) break;
        refined = false;
        e->trapped = false;
        err = engine_start(e, counted);
    }
    s->blocks = counted ? e->blocks : 0;
    uc_reg_read(e->uc, e->ua->reg[CPU_REG_PC], &s->pc);
    if (err) {
        stop_from_error(e, s, err);
    } else if (e->trapped && e->trap.kind == TRAP_SYSCALL) {
        s->kind = CPU_STOP_SYSCALL;
        u64 nr = 0;
        int ids[7] = {e->ua->nr_reg}; /* one batch: the number and the arguments */
        void *vals[7] = {&nr};
        for (int i = 0; i < 6; i++) {
            ids[i + 1] = e->ua->arg_reg[i];
            vals[i + 1] = &s->args[i];
        }
        uc_reg_read_batch(e->uc, ids, vals, 7);
        if (e->ua->syscall_nr) nr = e->ua->syscall_nr(e->uc, s->pc, nr);
        s->pc = e->ua->syscall_entry(e->uc, s->pc);
        s->nr = (u32)nr;
        c->orig_arg0 = s->args[0];
    } else if (e->trapped) {
        if (e->ua->fault_refine && !refined) e->ua->fault_refine(e, &e->trap);
        stop_fault(e, s, e->trap.sig, e->trap.si_code, s->pc, e->trap.what);
    } else if (e->dbg_stop) {
        s->kind = CPU_STOP_DEBUG;
    } else if (e->slice_end) {
        s->kind = CPU_STOP_SLICE_END;
    } else {
        /* x86 hlt, a jump to address 0 (the "until" address), ... */
        stop_fault(e, s, LX_SIGSEGV, SI_KERNEL, s->pc, "unexplained stop");
    }
    return 0;
}

static void ucx_disasm(struct task *t, u64 pc, char *buf, size_t n)
{
    engine_disasm(ctx_of(t)->eng, pc, buf, n);
}

static void ucx_set_debug(const struct cpu_debug *d)
{
    ucx_dbg = d;
    if (d) ucx_dbg_on = true;
}

static bool ucx_supports(const struct km_abi *abi)
{
    return uarch_for(abi) != NULL;
}
static void *ucx_observer_ctx(const struct km_abi *abi)
{
    return (void *)uarch_for(abi);
}

const struct cpu_ops cpu_unicorn_ops = {
    .name = "unicorn",
    .observer = &cpu_unicorn_observer,
    .observer_ctx = ucx_observer_ctx,
    .supports = ucx_supports,
    .ctx_new = ucx_new,
    .ctx_free = ucx_free,
    .ctx_clone = ucx_clone,
    .run = ucx_run,
    .run_uncounted = true,
    .get_reg = ucx_get_reg,
    .set_reg = ucx_set_reg,
    .regs_save = ucx_regs_save,
    .regs_load = ucx_regs_load,
    .disasm = ucx_disasm,
    .set_debug = ucx_set_debug,
};
