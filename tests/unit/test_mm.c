/* Unit test of guest address spaces (kernel-model/mm.c) and the memory
 * syscall handlers (kernel-model/sys_mem.c), with no CPU: a recording
 * observer stands in for the engine and checks that every change is
 * reported, in order. */
#include "kernel-model/mm.h"
#include "kernel-model/mm_advise.h"
#include "kernel-model/sys.h"
#include "tests/unit/support/check.h"

#include <stdio.h>
#include <string.h>

#define TASK_SIZE 0x800000000000ULL
#define MMAP_BASE 0x7f0000000000ULL
#define PG        0x1000ULL
#define RW        (LX_PROT_READ | LX_PROT_WRITE)
#define ANON      (LX_MAP_PRIVATE | LX_MAP_ANONYMOUS)

/* --- recording observer ---------------------------------------------- */

enum rec_kind { REC_MAP, REC_UNMAP, REC_PROTECT, REC_DESTROY };
struct rec {
    enum rec_kind kind;
    struct mm *mm;
    u64 start, len;
    int prot;
    u8 *host;
};
struct recorder {
    struct rec r[256];
    int n;
};

static void rec_add(void *ctx, struct rec r)
{
    struct recorder *rc = ctx;
    if (rc->n < 256) rc->r[rc->n++] = r;
}
static void rec_map(void *ctx, struct mm *mm, u64 start, u64 len, int prot, u8 *host)
{
    rec_add(ctx, (struct rec){REC_MAP, mm, start, len, prot, host});
}
static void rec_unmap(void *ctx, struct mm *mm, u64 start, u64 len)
{
    rec_add(ctx, (struct rec){REC_UNMAP, mm, start, len, 0, NULL});
}
static void rec_protect(void *ctx, struct mm *mm, u64 start, u64 len, int prot)
{
    rec_add(ctx, (struct rec){REC_PROTECT, mm, start, len, prot, NULL});
}
static void rec_destroy(void *ctx, struct mm *mm)
{
    rec_add(ctx, (struct rec){REC_DESTROY, mm, 0, 0, 0, NULL});
}
static const struct mm_observer rec_obs = {rec_map, rec_unmap, rec_protect, rec_destroy};

static struct recorder rc;

static bool rec_is(int i, enum rec_kind kind, u64 start, u64 len)
{
    return i < rc.n && rc.r[i].kind == kind && rc.r[i].start == start && rc.r[i].len == len;
}

/* Replays the recorded events for one mm into a model of the engine's
 * regions (as Unicorn would hold them) and checks it against the vmas:
 * every page mapped with the same prot and the same host pointer, nothing
 * stale. Unmap/protect of a range that is not fully mapped is an error
 * (Unicorn refuses it). */
struct mrange {
    u64 start, end;
    int prot;
    u8 *host;
};
static struct mrange mir[512];
static int nmir;

static bool mirror_covered(u64 start, u64 end)
{
    for (u64 p = start; p < end; p += PG) {
        bool in = false;
        for (int i = 0; i < nmir && !in; i++)
            in = mir[i].start <= p && p < mir[i].end;
        if (!in) return false;
    }
    return true;
}

/* Cut [start, end) out of the mirror; returns the cut pieces in out. */
static int mirror_cut(u64 start, u64 end, struct mrange *out)
{
    int nout = 0, n = 0;
    struct mrange keep[512];
    for (int i = 0; i < nmir; i++) {
        struct mrange r = mir[i];
        if (r.end <= start || r.start >= end) {
            keep[n++] = r;
            continue;
        }
        if (r.start < start) keep[n++] = (struct mrange){r.start, start, r.prot, r.host};
        if (r.end > end) keep[n++] = (struct mrange){end, r.end, r.prot, r.host + (end - r.start)};
        u64 s = r.start > start ? r.start : start, e = r.end < end ? r.end : end;
        out[nout++] = (struct mrange){s, e, r.prot, r.host + (s - r.start)};
    }
    memcpy(mir, keep, sizeof(keep[0]) * (size_t)n);
    nmir = n;
    return nout;
}

/* Replay the events of one mm (identified by address only: it may be
 * freed already) into mir[]; false on a contract violation. */
static bool mirror_replay(const void *mm)
{
    nmir = 0;
    bool ok = rc.n < 256; /* the recorder did not overflow */
    struct mrange cut[512];
    for (int i = 0; i < rc.n; i++) {
        const struct rec *r = &rc.r[i];
        if (r->mm != mm) continue;
        u64 s = r->start, e = r->start + r->len;
        if (r->kind == REC_MAP) {
            for (int j = 0; j < nmir; j++)
                ok &= mir[j].end <= s || mir[j].start >= e; /* no double map */
            mir[nmir++] = (struct mrange){s, e, r->prot, r->host};
        } else if (r->kind == REC_UNMAP) {
            ok &= mirror_covered(s, e);
            mirror_cut(s, e, cut);
        } else if (r->kind == REC_PROTECT) {
            ok &= mirror_covered(s, e);
            int n = mirror_cut(s, e, cut);
            for (int j = 0; j < n; j++) {
                cut[j].prot = r->prot;
                mir[nmir++] = cut[j];
            }
        }
    }
    return ok;
}

static bool mirror_check(const struct mm *mm)
{
    bool ok = mirror_replay(mm);
    u64 mir_pages = 0, vma_pages = 0;
    for (int j = 0; j < nmir; j++)
        mir_pages += (mir[j].end - mir[j].start) / PG;
    for (const struct vma *v = mm->vmas; v; v = v->next) {
        vma_pages += (v->end - v->start) / PG;
        for (u64 p = v->start; p < v->end; p += PG) {
            if (p - v->start > 64 * PG && v->end - p > PG) continue; /* big vmas: sample the ends */
            const struct mrange *m = NULL;
            for (int j = 0; j < nmir && !m; j++)
                if (mir[j].start <= p && p < mir[j].end) m = &mir[j];
            if (!m || m->prot != v->prot) {
                ok = false;
                continue;
            }
            u8 *h = mm_host_ptr((struct mm *)mm, p, 1, false);
            if (h && h != m->host + (p - m->start)) ok = false;
        }
    }
    return ok && mir_pages == vma_pages;
}

static int vma_count(const struct mm *mm)
{
    int n = 0;
    for (const struct vma *v = mm->vmas; v; v = v->next)
        n++;
    return n;
}

static bool range_mapped(const struct mm *mm, u64 start, u64 end)
{
    for (u64 p = start; p < end; p += PG)
        if (!mm_find_vma(mm, p)) return false;
    return true;
}

static struct mm *new_mm(bool be)
{
    memset(&rc, 0, sizeof(rc));
    return mm_new(&rec_obs, &rc, be, TASK_SIZE, MMAP_BASE);
}

/* --- tests ----------------------------------------------------------- */

static void test_map_and_observer(void)
{
    struct mm *mm = new_mm(false);
    i64 a = mm_map_anon(mm, 0, 3 * PG, RW, ANON, "a");
    CHECK_EQ(a, MMAP_BASE - 3 * PG);
    CHECK(rec_is(0, REC_MAP, (u64)a, 3 * PG));
    CHECK_EQ(rc.r[0].prot, RW);
    CHECK(rc.r[0].host != NULL);
    i64 b = mm_map_anon(mm, 0, 100, LX_PROT_READ, ANON, "b"); /* rounded to a page */
    CHECK_EQ(b, (u64)a - PG);
    CHECK(rec_is(1, REC_MAP, (u64)b, PG));
    CHECK_EQ(mm_find_vma(mm, (u64)b)->end, (u64)a);
    CHECK(strcmp(mm_find_vma(mm, (u64)b)->name, "b") == 0);
    u8 *h = mm_host_ptr(mm, (u64)a + 8, 8, true);
    CHECK(h == rc.r[0].host + 8);
    CHECK(mm_host_ptr(mm, (u64)b, 8, true) == NULL); /* read-only */
    CHECK(mm_host_ptr(mm, (u64)b, 8, false) != NULL);
    CHECK(mm_host_ptr(mm, (u64)a + 2 * PG, 2 * PG, false) == NULL); /* runs past the vma */

    /* partial munmap splits; the rest keeps its contents */
    CHECK_EQ(mm_write(mm, (u64)a, "first", 6), 0);
    CHECK_EQ(mm_write(mm, (u64)a + 2 * PG, "third", 6), 0);
    int n = rc.n;
    CHECK_EQ(mm_unmap(mm, (u64)a + PG, PG), 0);
    CHECK(rec_is(n, REC_UNMAP, (u64)a + PG, PG));
    CHECK_EQ(rc.n, n + 1);
    CHECK(mm_find_vma(mm, (u64)a + PG) == NULL);
    CHECK_EQ(vma_count(mm), 3);
    char buf[8];
    CHECK_EQ(mm_read(mm, (u64)a, buf, 6), 0);
    CHECK(strcmp(buf, "first") == 0);
    CHECK_EQ(mm_read(mm, (u64)a + 2 * PG, buf, 6), 0);
    CHECK(strcmp(buf, "third") == 0);
    CHECK_EQ(mm_unmap(mm, (u64)a + 1, PG), -LX_EINVAL);
    CHECK_EQ(mm_unmap(mm, (u64)a, 0), -LX_EINVAL);
    CHECK_EQ(mm_unmap(mm, 0x100000, PG), 0); /* nothing there: fine */

    /* the freed hole is reused top-down: the highest gap that fits */
    i64 c = mm_map_anon(mm, 0, PG, RW, ANON, "c");
    CHECK_EQ(c, (u64)a + PG);

    CHECK(mirror_check(mm));
    uintptr_t key = (uintptr_t)mm;
    mm_put(mm);
    CHECK_EQ(rc.r[rc.n - 1].kind, REC_DESTROY);
    CHECK(mirror_replay((const void *)key) && nmir == 0); /* everything unmapped */
    CHECK(rec_is(rc.n - 5, REC_UNMAP, (u64)b, PG));       /* address order, before destroy */
}

static void test_mprotect_split_merge(void)
{
    struct mm *mm = new_mm(false);
    i64 a = mm_map_anon(mm, 0, 4 * PG, LX_PROT_NONE, ANON, "arena");
    int n = rc.n;
    CHECK_EQ(mm_protect(mm, (u64)a + PG, PG, RW), 0);
    CHECK(rec_is(n, REC_PROTECT, (u64)a + PG, PG));
    CHECK_EQ(rc.r[n].prot, RW);
    CHECK_EQ(vma_count(mm), 3);
    CHECK_EQ(mm_find_vma(mm, (u64)a)->prot, LX_PROT_NONE);
    CHECK_EQ(mm_find_vma(mm, (u64)a + PG)->prot, RW);
    /* growing the RW part merges it back into one vma */
    CHECK_EQ(mm_protect(mm, (u64)a + 2 * PG, PG, RW), 0);
    CHECK_EQ(vma_count(mm), 3);
    CHECK_EQ(mm_find_vma(mm, (u64)a + PG)->end, (u64)a + 3 * PG);
    CHECK_EQ(mm_protect(mm, (u64)a, 4 * PG, LX_PROT_NONE), 0);
    CHECK_EQ(vma_count(mm), 1);
    n = rc.n;
    CHECK_EQ(mm_protect(mm, (u64)a, 4 * PG, LX_PROT_NONE), 0); /* no change: no event */
    CHECK_EQ(rc.n, n);
    CHECK_EQ(mm_protect(mm, (u64)a + 3 * PG, 2 * PG, RW), -LX_ENOMEM); /* runs off the end */
    CHECK_EQ(mm_protect(mm, (u64)a + 3, PG, RW), -LX_EINVAL);
    CHECK_EQ(mm_protect(mm, (u64)a, PG, 8), -LX_EINVAL);
    CHECK_EQ(mm_protect(mm, (u64)a, 0, RW), 0);
    CHECK_EQ(rc.n, n);
    CHECK(mirror_check(mm));
    mm_put(mm);
}

static void test_access_faults(void)
{
    struct mm *mm = new_mm(false);
    u64 base = 0x10000000;
    CHECK_EQ(mm_map_anon(mm, base, PG, RW, ANON | LX_MAP_FIXED, "rw"), base);
    CHECK_EQ(mm_map_anon(mm, base + PG, PG, LX_PROT_READ, ANON | LX_MAP_FIXED, "ro"), base + PG);
    CHECK_EQ(mm_map_anon(mm, base + 2 * PG, PG, LX_PROT_NONE, ANON | LX_MAP_FIXED, "none"),
             base + 2 * PG);
    u8 buf[32] = {0};
    CHECK_EQ(mm_read(mm, base - 8, buf, 8), -LX_EFAULT);       /* unmapped */
    CHECK_EQ(mm_read(mm, base - 4, buf, 8), -LX_EFAULT);       /* starts unmapped */
    CHECK_EQ(mm_write(mm, base + PG, buf, 4), -LX_EFAULT);     /* read-only */
    CHECK_EQ(mm_write(mm, base + PG - 4, buf, 8), -LX_EFAULT); /* runs into read-only */
    CHECK_EQ(mm_read(mm, base + 2 * PG, buf, 1), -LX_EFAULT);  /* PROT_NONE */
    CHECK_EQ(mm_read(mm, base + 3 * PG, buf, 1), -LX_EFAULT);  /* past the end */
    CHECK_EQ(mm_read(mm, UINT64_MAX - 2, buf, 8), -LX_EFAULT); /* wraps */
    CHECK_EQ(mm_read(mm, 0, buf, 0), 0);
    /* no partial write before the fault */
    u8 ones[8];
    memset(ones, 0xff, sizeof(ones));
    CHECK_EQ(mm_write(mm, base + PG - 4, ones, 8), -LX_EFAULT);
    CHECK_EQ(mm_read(mm, base + PG - 4, buf, 4), 0);
    CHECK_EQ(buf[0], 0);
    /* poke ignores prot, but still needs a mapping */
    CHECK_EQ(mm_poke(mm, base + PG - 4, "abcdefgh", 8), 0);
    CHECK_EQ(mm_poke(mm, base + 2 * PG, "x", 1), 0);
    CHECK_EQ(mm_poke(mm, base + 3 * PG, "x", 1), -LX_EFAULT);
    /* a read spanning two vmas */
    CHECK_EQ(mm_read(mm, base + PG - 4, buf, 8), 0);
    CHECK(memcmp(buf, "abcdefgh", 8) == 0);

    /* strings */
    char s[16];
    CHECK_EQ(mm_poke(mm, base + PG - 3, "hi!\0", 4), 0); /* crosses into the ro page */
    CHECK_EQ(mm_read_str(mm, base + PG - 3, s, sizeof(s)), 3);
    CHECK(strcmp(s, "hi!") == 0);
    CHECK_EQ(mm_read_str(mm, base + PG - 3, s, 3), -LX_ENAMETOOLONG);
    memset(ones, 'z', sizeof(ones));
    CHECK_EQ(mm_poke(mm, base + 2 * PG - 8, ones, 8), 0); /* no NUL before PROT_NONE */
    CHECK_EQ(mm_read_str(mm, base + 2 * PG - 8, s, sizeof(s)), -LX_EFAULT);
    CHECK_EQ(mm_read_str(mm, base - 1, s, sizeof(s)), -LX_EFAULT);
    CHECK(mirror_check(mm));
    mm_put(mm);
}

static void test_endian(void)
{
    for (int be = 0; be < 2; be++) {
        struct mm *mm = new_mm(be);
        i64 a = mm_map_anon(mm, 0, PG, RW, ANON, NULL);
        u8 b[8];
        CHECK_EQ(mm_write_u64(mm, (u64)a, 0x0102030405060708ULL), 0);
        CHECK_EQ(mm_read(mm, (u64)a, b, 8), 0);
        CHECK_EQ(b[0], be ? 0x01 : 0x08);
        CHECK_EQ(b[7], be ? 0x08 : 0x01);
        u8 w[4] = {0xde, 0xad, 0xbe, 0xef};
        CHECK_EQ(mm_write(mm, (u64)a + 8, w, 4), 0);
        u32 v32 = 0;
        CHECK_EQ(mm_read_u32(mm, (u64)a + 8, &v32), 0);
        CHECK_EQ(v32, be ? 0xdeadbeefU : 0xefbeaddeU);
        u64 v64 = 0;
        CHECK_EQ(mm_read_u64(mm, (u64)a, &v64), 0);
        CHECK_EQ(v64, 0x0102030405060708ULL);
        CHECK_EQ(mm_write_u32(mm, (u64)a + 16, 0x11223344), 0);
        CHECK_EQ(mm_read_u32(mm, (u64)a + 16, &v32), 0);
        CHECK_EQ(v32, 0x11223344);
        CHECK_EQ(mm_read_u32(mm, (u64)a + PG - 2, &v32), -LX_EFAULT);
        CHECK_EQ(mm_write_u64(mm, (u64)a + PG - 2, 1), -LX_EFAULT);
        mm_put(mm);
    }
}

static void test_brk(void)
{
    struct mm *mm = new_mm(false);
    u64 bs = 0x600000;
    CHECK_EQ(mm_map_anon(mm, bs - PG, PG, RW, ANON | LX_MAP_FIXED, "bss"), bs - PG);
    mm->brk_start = mm->brk = bs;
    CHECK_EQ(mm_set_brk(mm, 0), bs);
    int n = rc.n;
    CHECK_EQ(mm_set_brk(mm, bs + 0x1800), bs + 0x1800);
    CHECK(rec_is(n, REC_MAP, bs, 2 * PG));
    CHECK(strcmp(mm_find_vma(mm, bs)->name, "[heap]") == 0);
    CHECK_EQ(mm_write(mm, bs + 0x17f0, "heap", 5), 0);
    CHECK_EQ(mm_set_brk(mm, bs + 0x5000), bs + 0x5000); /* grows the same vma */
    CHECK_EQ(vma_count(mm), 2);
    CHECK_EQ(mm_find_vma(mm, bs)->end, bs + 0x5000);
    char buf[8];
    CHECK_EQ(mm_read(mm, bs + 0x17f0, buf, 5), 0);
    CHECK(strcmp(buf, "heap") == 0);
    CHECK_EQ(mm_write(mm, bs + 0x4ff8, "end", 4), 0);
    n = rc.n;
    CHECK_EQ(mm_set_brk(mm, bs + 0x2000), bs + 0x2000); /* shrink */
    CHECK(rec_is(n, REC_UNMAP, bs + 0x2000, 0x3000));
    CHECK_EQ(mm_read(mm, bs + 0x2000, buf, 1), -LX_EFAULT);
    CHECK_EQ(mm_set_brk(mm, bs - 1), bs + 0x2000); /* below brk_start: refused */
    /* collision with another mapping: refused, break unchanged */
    CHECK_EQ(mm_map_anon(mm, bs + 0x4000, PG, RW, ANON | LX_MAP_FIXED, "wall"), bs + 0x4000);
    CHECK_EQ(mm_set_brk(mm, bs + 0x4800), bs + 0x2000);
    CHECK_EQ(mm->brk, bs + 0x2000);
    CHECK_EQ(mm_set_brk(mm, bs + 0x4000), bs + 0x4000); /* up to the wall is fine */
    CHECK_EQ(mm_set_brk(mm, bs), bs);                   /* back to empty */
    CHECK(mm_find_vma(mm, bs) == NULL);
    CHECK_EQ(mm_set_brk(mm, bs + 10), bs + 10); /* a fresh heap vma again */
    CHECK_EQ(mm_read(mm, bs + 0x17f0, buf, 1), -LX_EFAULT);
    CHECK_EQ(mm_read(mm, bs, buf, 1), 0);
    CHECK_EQ(buf[0], 0);
    CHECK(mirror_check(mm));
    mm_put(mm);
}

static void test_mmap_placement(void)
{
    struct mm *mm = new_mm(false);
    u64 hint = 0x20000000;
    CHECK_EQ(mm_map_anon(mm, hint, 2 * PG, RW, ANON, "h"), hint);
    CHECK_EQ(mm_map_anon(mm, hint + PG, PG, RW, ANON, "h2"), MMAP_BASE - PG);       /* taken */
    CHECK_EQ(mm_map_anon(mm, hint + PG + 0x10, PG, RW, ANON, "h3"), hint + 2 * PG); /* rounded up */
    CHECK_EQ(mm_write(mm, hint, "old", 4), 0);
    CHECK_EQ(mm_map_anon(mm, hint, PG, RW, ANON | LX_MAP_FIXED_NOREPLACE, "x"), -LX_EEXIST);
    int n = rc.n;
    CHECK_EQ(mm_map_anon(mm, hint - PG, 2 * PG, LX_PROT_READ, ANON | LX_MAP_FIXED, "f"), hint - PG);
    CHECK(rec_is(n, REC_UNMAP, hint, PG)); /* the overlap goes first */
    CHECK(rec_is(n + 1, REC_MAP, hint - PG, 2 * PG));
    char buf[4] = "zzz";
    CHECK_EQ(mm_read(mm, hint, buf, 4), 0);
    CHECK_EQ(buf[0], 0); /* fresh zeroed pages */
    CHECK_EQ(mm_find_vma(mm, hint + PG)->start, hint + PG);
    CHECK_EQ(mm_map_anon(mm, hint + 1, PG, RW, ANON | LX_MAP_FIXED, "u"), -LX_EINVAL);
    CHECK_EQ(mm_map_anon(mm, hint, 0, RW, ANON, "z"), -LX_EINVAL);
    CHECK_EQ(mm_map_anon(mm, TASK_SIZE - PG, 2 * PG, RW, ANON | LX_MAP_FIXED, "t"), -LX_ENOMEM);
    CHECK_EQ(mm_map_anon(mm, 0, TASK_SIZE + PG, RW, ANON, "t"), -LX_ENOMEM);
    CHECK_EQ(mm_map_anon(mm, TASK_SIZE, PG, RW, ANON, "t"), MMAP_BASE - 2 * PG); /* bad hint */
    CHECK_EQ(mm_map_anon(mm, 0, PG, 0x10, ANON, "p"), -LX_EINVAL);
    /* an 8 MiB stack costs nothing until touched */
    i64 st = mm_map_anon(mm, 0, 8 << 20, RW, ANON | LX_MAP_STACK, "[stack]");
    CHECK(st > 0);
    CHECK_EQ(mm_write_u64(mm, (u64)st + (8 << 20) - 8, 42), 0);
    /* mm_map_copy: the ELF loader */
    const char text[] = "\x90\x90\xc3";
    CHECK_EQ(mm_map_copy(mm, 0x401234, 0x2000, LX_PROT_READ | LX_PROT_EXEC, text, 3, 0x234, "text"),
             0x401000);
    CHECK_EQ(mm_find_vma(mm, 0x401000)->end, 0x404000);
    CHECK_EQ(mm_read(mm, 0x401234, buf, 3), 0);
    CHECK(memcmp(buf, text, 3) == 0);
    CHECK_EQ(mm_write(mm, 0x401234, "x", 1), -LX_EFAULT);
    CHECK(mirror_check(mm));
    mm_put(mm);
}

static void test_fork(void)
{
    struct mm *mm = new_mm(false);
    mm->id = 1;
    i64 priv = mm_map_anon(mm, 0, 2 * PG, RW, ANON, "priv");
    i64 shr = mm_map_anon(mm, 0, PG, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, "shm");
    mm->brk_start = 0x600000;
    mm->brk = 0x600123;
    CHECK_EQ(mm_write_u32(mm, (u64)priv + PG, 7), 0);
    CHECK_EQ(mm_write_u32(mm, (u64)shr, 9), 0);
    int n = rc.n;
    struct mm *child = mm_fork(mm, 2);
    CHECK_EQ(child->id, 2);
    CHECK_EQ(child->refs, 1);
    CHECK(child->cpu_priv == NULL);
    CHECK(child->obs == mm->obs && child->obs_ctx == mm->obs_ctx);
    CHECK_EQ(child->brk, 0x600123);
    CHECK_EQ(child->brk_start, 0x600000);
    CHECK_EQ(rc.n, n + 2);
    CHECK(rec_is(n, REC_MAP, (u64)shr, PG) && rc.r[n].mm == child);
    CHECK(rec_is(n + 1, REC_MAP, (u64)priv, 2 * PG) && rc.r[n + 1].mm == child);
    u32 v = 0;
    CHECK_EQ(mm_read_u32(child, (u64)priv + PG, &v), 0);
    CHECK_EQ(v, 7);
    CHECK_EQ(mm_write_u32(child, (u64)priv + PG, 8), 0);
    CHECK_EQ(mm_read_u32(mm, (u64)priv + PG, &v), 0);
    CHECK_EQ(v, 7); /* private: the parent keeps its copy */
    CHECK_EQ(mm_write_u32(mm, (u64)priv, 5), 0);
    CHECK_EQ(mm_read_u32(child, (u64)priv, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(mm_write_u32(child, (u64)shr, 10), 0);
    CHECK_EQ(mm_read_u32(mm, (u64)shr, &v), 0);
    CHECK_EQ(v, 10); /* shared: both see it */
    CHECK_EQ(mm_write_u32(mm, (u64)shr + 4, 11), 0);
    CHECK_EQ(mm_read_u32(child, (u64)shr + 4, &v), 0);
    CHECK_EQ(v, 11);
    /* the parent going away leaves the shared pages to the child */
    mm_get(mm);
    mm_put(mm);
    CHECK_EQ(mm->refs, 1);
    mm_put(mm);
    CHECK_EQ(mm_read_u32(child, (u64)shr, &v), 0);
    CHECK_EQ(v, 10);
    CHECK(mirror_check(child));
    mm_put(child);
}

/* mm_map_stack + mm_expand_stack: Linux's VM_GROWSDOWN main stack. */
static void test_stack_grow(void)
{
    const u64 top = 0x7ff000000000ULL, limit = 64 * PG;
    struct mm *mm = new_mm(false);
    mm->id = 1;
    CHECK_EQ(mm_map_anon(mm, top - limit, PG, RW, ANON | LX_MAP_FIXED, "old"), top - limit);
    CHECK_EQ(mm_map_stack(mm, top, 4 * PG, limit, RW, "[stack]"), top - 4 * PG);
    CHECK(mm_find_vma(mm, top - limit) == NULL); /* the reservation was cleared */
    CHECK_EQ(mm_find_vma(mm, top - PG)->start, top - 4 * PG);
    /* the kernel's access below the end grows it (at least doubling) and the
     * observer hears of the new range alone */
    int n = rc.n;
    CHECK_EQ(mm_write_u64(mm, top - 5 * PG, 42), 0);
    CHECK(rec_is(n, REC_MAP, top - 8 * PG, 4 * PG));
    CHECK_EQ(mm_find_vma(mm, top - 8 * PG)->start, top - 8 * PG);
    CHECK_EQ(mm_find_vma(mm, top - PG)->start, top - 8 * PG); /* one vma */
    /* a fault far below: straight there; then the limit */
    CHECK_EQ(mm_expand_stack(mm, top - 40 * PG + 8), 0);
    CHECK_EQ(mm_find_vma(mm, top - PG)->start, top - 40 * PG);
    CHECK_EQ(mm_expand_stack(mm, top - limit - 8), -LX_EFAULT);
    CHECK_EQ(mm_expand_stack(mm, top - PG), -LX_EFAULT); /* mapped already */
    CHECK_EQ(mm_expand_stack(mm, top + PG), -LX_EFAULT); /* not below a stack */
    u64 v = 0;
    CHECK_EQ(mm_read_u64(mm, top - 5 * PG, &v), 0);
    CHECK_EQ(v, 42);
    /* a fork child's copy keeps the room to grow, and its own pages */
    struct mm *child = mm_fork(mm, 2);
    CHECK_EQ(mm_read_u64(child, top - 5 * PG, &v), 0);
    CHECK_EQ(v, 42);
    CHECK_EQ(mm_write_u64(child, top - limit, 7), 0);
    CHECK_EQ(mm_find_vma(child, top - PG)->start, top - limit);
    CHECK_EQ(mm_expand_stack(child, top - limit - 8), -LX_EFAULT);
    CHECK(mm_find_vma(mm, top - limit) == NULL); /* the parent's did not grow */
    /* never over the vma below */
    CHECK_EQ(mm_map_anon(mm, top - 50 * PG, PG, RW, ANON | LX_MAP_FIXED, "below"), top - 50 * PG);
    CHECK_EQ(mm_expand_stack(mm, top - 50 * PG - 8), -LX_EFAULT);
    CHECK_EQ(mm_expand_stack(mm, top - 49 * PG + 8), 0);
    CHECK_EQ(mm_find_vma(mm, top - PG)->start, top - 49 * PG);
    CHECK(mirror_check(mm));
    CHECK(mirror_check(child));
    mm_put(child);
    mm_put(mm);
}

static void test_mremap(void)
{
    struct mm *mm = new_mm(false);
    u64 a = 0x30000000;
    CHECK_EQ(mm_map_anon(mm, a, 2 * PG, RW, ANON | LX_MAP_FIXED, "r"), a);
    CHECK_EQ(mm_write(mm, a + PG, "keep", 5), 0);
    /* grow in place */
    CHECK_EQ(mm_remap(mm, a, 2 * PG, 4 * PG, 0, 0), a);
    CHECK_EQ(vma_count(mm), 1);
    CHECK_EQ(mm_find_vma(mm, a)->end, a + 4 * PG);
    char buf[8];
    CHECK_EQ(mm_read(mm, a + PG, buf, 5), 0);
    CHECK(strcmp(buf, "keep") == 0);
    /* blocked: no MAYMOVE -> ENOMEM; MAYMOVE -> moved, contents kept */
    CHECK_EQ(mm_map_anon(mm, a + 4 * PG, PG, RW, ANON | LX_MAP_FIXED, "wall"), a + 4 * PG);
    CHECK_EQ(mm_remap(mm, a, 4 * PG, 6 * PG, 0, 0), -LX_ENOMEM);
    i64 m = mm_remap(mm, a, 4 * PG, 6 * PG, LX_MREMAP_MAYMOVE, 0);
    CHECK_EQ(m, MMAP_BASE - 6 * PG);
    CHECK(mm_find_vma(mm, a) == NULL);
    CHECK_EQ(mm_read(mm, (u64)m + PG, buf, 5), 0);
    CHECK(strcmp(buf, "keep") == 0);
    CHECK_EQ(mm_read(mm, (u64)m + 5 * PG, buf, 8), 0); /* the new tail is zero and mapped */
    CHECK_EQ(buf[0], 0);
    /* shrink */
    CHECK_EQ(mm_remap(mm, (u64)m, 6 * PG, 2 * PG, 0, 0), m);
    CHECK(mm_find_vma(mm, (u64)m + 2 * PG) == NULL);
    /* MREMAP_FIXED */
    u64 f = 0x40000000;
    CHECK_EQ(mm_remap(mm, (u64)m, 2 * PG, 3 * PG, LX_MREMAP_FIXED, f), -LX_EINVAL);
    CHECK_EQ(mm_remap(mm, (u64)m, 2 * PG, 3 * PG, LX_MREMAP_FIXED | LX_MREMAP_MAYMOVE, f), f);
    CHECK_EQ(mm_read(mm, f + PG, buf, 5), 0);
    CHECK(strcmp(buf, "keep") == 0);
    CHECK(range_mapped(mm, f, f + 3 * PG));
    CHECK(mm_find_vma(mm, (u64)m) == NULL);
    CHECK_EQ(mm_remap(mm, 0x50000000, PG, 2 * PG, LX_MREMAP_MAYMOVE, 0), -LX_EFAULT);
    CHECK_EQ(mm_remap(mm, f + 1, PG, 2 * PG, LX_MREMAP_MAYMOVE, 0), -LX_EINVAL);
    CHECK(mirror_check(mm));
    mm_put(mm);
}

/* --- the syscall handlers -------------------------------------------- */

static i64 call(struct task *t, enum lx_sysno n, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    const u64 a[6] = {a0, a1, a2, a3, a4, a5};
    for (const struct km_sys_entry *e = km_sys_mem; e->sysno != LX_SYS_NONE; e++)
        if (e->sysno == n) {
            CHECK(e->fmt != NULL && strlen(e->fmt) <= 6);
            return e->fn(NULL, t, a);
        }
    CHECK(0, "sysno %d not in km_sys_mem", (int)n);
    return -LX_ENOSYS;
}

static void test_handlers(void)
{
    struct task t;
    memset(&t, 0, sizeof(t));
    t.mm = new_mm(false);
    u64 none = (u64)-1;
    i64 a = call(&t, LX_SYS_mmap, 0, 3 * PG, RW, ANON, none, 0);
    CHECK_EQ(a, MMAP_BASE - 3 * PG);
    CHECK_EQ(call(&t, LX_SYS_mmap, 0, PG, 0x8, ANON, none, 0), -LX_EINVAL);
    CHECK_EQ(call(&t, LX_SYS_mmap, 0, PG, RW, LX_MAP_ANONYMOUS, none, 0), -LX_EINVAL);
    /* fd 3 is not open (file mappings: test_mm_file.c) */
    CHECK_EQ(call(&t, LX_SYS_mmap, 0, PG, RW, LX_MAP_PRIVATE, 3, 0), -LX_EBADF);
    CHECK_EQ(call(&t, LX_SYS_mmap, 0, PG, RW, LX_MAP_PRIVATE, none, 0), -LX_EBADF);
    CHECK_EQ(call(&t, LX_SYS_mmap, 0, 0, RW, ANON, none, 0), -LX_EINVAL);
    CHECK_EQ(call(&t, LX_SYS_mmap, 0, PG, RW, ANON | LX_MAP_FIXED, none, 0), -LX_EPERM);
    CHECK_EQ(call(&t, LX_SYS_mprotect, (u64)a, PG, LX_PROT_READ, 0, 0, 0), 0);
    CHECK_EQ(call(&t, LX_SYS_mprotect, (u64)a, PG, 0x10, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(call(&t, LX_SYS_mprotect, (u64)a, PG, 0x01000000 | RW, 0, 0, 0), 0);
    /* MADV_DONTNEED zeroes private pages, leaves shared ones */
    CHECK_EQ(mm_write_u64(t.mm, (u64)a + PG, 0x1234), 0);
    i64 s = call(&t, LX_SYS_mmap, 0, PG, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, none, 0);
    CHECK(s > 0);
    CHECK_EQ(mm_write_u64(t.mm, (u64)s, 0x5678), 0);
    CHECK_EQ(call(&t, LX_SYS_madvise, (u64)a, 3 * PG, 4, 0, 0, 0), 0);
    CHECK_EQ(call(&t, LX_SYS_madvise, (u64)s, PG, 4, 0, 0, 0), 0);
    u64 v = 1;
    CHECK_EQ(mm_read_u64(t.mm, (u64)a + PG, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(mm_read_u64(t.mm, (u64)s, &v), 0);
    CHECK_EQ(v, 0x5678);
    CHECK_EQ(call(&t, LX_SYS_madvise, (u64)a + 1, PG, 4, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(call(&t, LX_SYS_madvise, (u64)a, PG, 3, 0, 0, 0), 0);
    /* MAP_SHARED|MAP_ANONYMOUS stays shared across fork */
    struct mm *child = mm_fork(t.mm, 5);
    CHECK_EQ(mm_write_u64(child, (u64)s, 0x9999), 0);
    CHECK_EQ(mm_read_u64(t.mm, (u64)s, &v), 0);
    CHECK_EQ(v, 0x9999);
    CHECK(mirror_check(child));
    mm_put(child);
    CHECK_EQ(call(&t, LX_SYS_munmap, (u64)a, 3 * PG, 0, 0, 0, 0), 0);
    CHECK(mm_find_vma(t.mm, (u64)a) == NULL);
    CHECK_EQ(call(&t, LX_SYS_munmap, (u64)a + 1, PG, 0, 0, 0, 0), -LX_EINVAL);
    i64 r = call(&t, LX_SYS_mremap, (u64)s, PG, 2 * PG, LX_MREMAP_MAYMOVE, 0, 0);
    CHECK(r > 0);
    CHECK_EQ(mm_read_u64(t.mm, (u64)r, &v), 0);
    CHECK_EQ(v, 0x9999);
    t.mm->brk_start = t.mm->brk = 0x600000;
    CHECK_EQ(call(&t, LX_SYS_brk, 0, 0, 0, 0, 0, 0), 0x600000);
    CHECK_EQ(call(&t, LX_SYS_brk, 0x601000, 0, 0, 0, 0, 0), 0x601000);
    CHECK_EQ(call(&t, LX_SYS_mincore, 0, 0, 0, 0, 0, 0), -LX_ENOSYS);
    CHECK(mirror_check(t.mm));
    mm_put(t.mm);
}

int main(void)
{
    test_map_and_observer();
    test_mprotect_split_merge();
    test_access_faults();
    test_endian();
    test_brk();
    test_mmap_placement();
    test_fork();
    test_stack_grow();
    test_mremap();
    test_handlers();
    return check_report("test_mm");
}
