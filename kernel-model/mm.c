/* Guest address spaces (see mm.h for the contracts).
 *
 * An mm is a sorted singly linked list of vmas. Each vma views a window of a
 * refcounted host buffer (struct mm_backing) at some offset: splitting a vma
 * (partial munmap/mprotect) keeps the same backing, MAP_SHARED mappings share
 * it across fork. Backings come from host mmap (page aligned, zero filled,
 * committed lazily: an untouched 8 MiB stack costs nothing); this is the
 * model's own memory, not a guest-visible host service.
 *
 * Every change is reported to the observer in order (map / unmap / protect /
 * destroy), and unmap is always reported before a backing can be freed, so a
 * CPU engine that borrowed the host pages never sees freed memory.
 *
 * Unicorn slows down with many regions, so splits happen only where needed
 * and neighbours that view the same backing contiguously with the same
 * prot/flags/name are merged again after every change. */
#include "kernel-model/mm.h"
#include "kernel-model/host_pages.h"
#include "kernel-model/mm_advise.h"
#include "kernel-model/mm_file.h"
#include "kernel-model/mm_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE      ((u64)LX_PAGE_SIZE)
#define PAGE_MASK (PAGE - 1)
#define HEAP_NAME "[heap]"

struct mm_backing {
    int refs;
    u8 *host;
    u64 len;
    const struct mm_backing_ops *ops; /* a file's pages (mm_file.c), or NULL */
    void *ops_ctx;
};

static void mm_die(const char *what)
{
    fprintf(stderr, "clonemu: mm: %s\n", what);
    abort();
}

static u64 page_down(u64 x)
{
    return x & ~PAGE_MASK;
}

/* Round len up to pages; 0 on overflow (callers treat 0 as invalid). */
static u64 page_up_len(u64 len)
{
    if (len > UINT64_MAX - PAGE_MASK) return 0;
    return (len + PAGE_MASK) & ~PAGE_MASK;
}

/* --- backings -------------------------------------------------------- */

static struct mm_backing *backing_new(u64 len)
{
    struct mm_backing *b = calloc(1, sizeof(*b));
    if (!b) mm_die("out of host memory");
    void *p =
        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        free(b);
        return NULL; /* the guest asked for more than the host can give: ENOMEM */
    }
    b->refs = 1;
    b->host = p;
    b->len = len;
    return b;
}

static struct mm_backing *backing_get(struct mm_backing *b)
{
    b->refs++;
    return b;
}

static void backing_put(struct mm_backing *b)
{
    if (--b->refs > 0) return;
    if (b->refs < 0) mm_die("backing refcount underflow");
    if (b->ops) b->ops->release(b->ops_ctx, b->host, b->len);
    munmap(b->host, b->len);
    free(b);
}

struct mm_backing *mm_backing_new(u64 len, const struct mm_backing_ops *ops, void *ctx)
{
    len = page_up_len(len);
    struct mm_backing *b = len ? backing_new(len) : NULL;
    if (b) {
        b->ops = ops;
        b->ops_ctx = ctx;
    }
    return b;
}

u8 *mm_backing_host(const struct mm_backing *b)
{
    return b->host;
}

u64 mm_backing_len(const struct mm_backing *b)
{
    return b->len;
}

void mm_backing_put(struct mm_backing *b)
{
    backing_put(b);
}

void *mm_backing_ctx(const struct mm_backing *b, const struct mm_backing_ops *ops)
{
    return b->ops == ops ? b->ops_ctx : NULL;
}

/* --- observer -------------------------------------------------------- */

u8 *mm_vma_host(const struct vma *v, u64 addr)
{
    return v->backing->host + v->offset + (addr - v->start);
}

static void obs_map(struct mm *mm, const struct vma *v)
{
    if (mm->obs && mm->obs->map)
        mm->obs->map(mm->obs_ctx, mm, v->start, v->end - v->start, v->prot,
                     mm_vma_host(v, v->start));
}

static void obs_unmap(struct mm *mm, u64 start, u64 len)
{
    if (mm->obs && mm->obs->unmap) mm->obs->unmap(mm->obs_ctx, mm, start, len);
}

static void obs_protect(struct mm *mm, u64 start, u64 len, int prot)
{
    if (mm->obs && mm->obs->protect) mm->obs->protect(mm->obs_ctx, mm, start, len, prot);
}

/* --- the vma list ---------------------------------------------------- */

const struct vma *mm_find_vma(const struct mm *mm, u64 addr)
{
    const struct vma *v = mm_idx_first_after(mm, addr);
    return v && v->start <= addr ? v : NULL;
}

static struct vma *find_vma_mut(struct mm *mm, u64 addr)
{
    struct vma *v = mm_idx_first_after(mm, addr);
    return v && v->start <= addr ? v : NULL;
}

/* The list changed: the index is stale, and [lo, hi] may hold vmas that
 * can merge again (mm_merge). */
static void merge_window(struct mm *mm, u64 lo, u64 hi)
{
    if (mm->mw_lo > lo) mm->mw_lo = lo;
    if (mm->mw_hi < hi) mm->mw_hi = hi;
}

static void list_changed(struct mm *mm, u64 lo, u64 hi)
{
    merge_window(mm, lo, hi);
}

static void vma_set_name(struct vma *v, const char *name)
{
    snprintf(v->name, sizeof(v->name), "%s", name ? name : "");
}

static struct vma *vma_new(u64 start, u64 end, int prot, int flags, struct mm_backing *b,
                           u64 offset, const char *name)
{
    struct vma *v = calloc(1, sizeof(*v));
    if (!v) mm_die("out of host memory");
    v->start = start;
    v->end = end;
    v->prot = prot;
    v->flags = flags;
    v->backing = b;
    v->offset = offset;
    vma_set_name(v, name);
    return v;
}

/* v's range must be free. */
static void vma_insert(struct mm *mm, struct vma *v)
{
    struct vma **pp = mm_idx_link(mm, v->start);
    v->next = *pp;
    *pp = v;
    mm_idx_insert(mm, v);
    list_changed(mm, v->start, v->end);
}

static void vma_free(struct vma *v)
{
    backing_put(v->backing);
    vma_file_put(v->file);
    free(v);
}

static void vma_unlink(struct mm *mm, struct vma *v)
{
    struct vma **pp = mm_idx_link(mm, v->start);
    if (*pp != v) mm_die("vma not in its mm");
    mm_idx_remove(mm, v);
    *pp = v->next;
    v->next = NULL;
    list_changed(mm, v->start, v->end);
}

/* Split v at `at` (v->start < at < v->end): v keeps [start, at), the new
 * vma after it views the rest of the same backing. Invisible to observers. */
static void vma_split(struct mm *mm, struct vma *v, u64 at)
{
    list_changed(mm, at, at);
    struct vma *n = vma_new(at, v->end, v->prot, v->flags, backing_get(v->backing),
                            v->offset + (at - v->start), v->name);
    n->file = vma_file_get(v->file);
    n->pgoff = v->pgoff + (at - v->start);
    v->end = at;
    n->next = v->next;
    v->next = n;
    mm_idx_insert(mm, n);
}

/* Make start and end vma boundaries (where they fall inside a vma). */
static void range_split(struct mm *mm, u64 start, u64 end)
{
    for (struct vma *v = mm_idx_first_after(mm, start); v && v->start < end; v = v->next) {
        if (v->start < start && start < v->end)
            vma_split(mm, v, start);
        else if (v->start < end && end < v->end)
            vma_split(mm, v, end);
    }
}

static bool range_is_free(const struct mm *mm, u64 start, u64 end)
{
    const struct vma *v = mm_idx_first_after(mm, start);
    return !v || v->start >= end;
}

/* Every page of [start, end) is mapped. */
static bool range_is_mapped(const struct mm *mm, u64 start, u64 end)
{
    u64 cur = start;
    for (const struct vma *v = mm_find_vma(mm, start); v && cur < end; v = v->next) {
        if (v->start > cur) return false;
        cur = v->end;
    }
    return cur >= end;
}

static bool vma_can_merge(const struct vma *a, const struct vma *b)
{
    return a->end == b->start && a->backing == b->backing &&
           a->offset + (a->end - a->start) == b->offset && a->prot == b->prot &&
           a->flags == b->flags && strcmp(a->name, b->name) == 0 && a->file == b->file;
}

/* Re-join neighbours split earlier (e.g. glibc's arena: PROT_NONE reserve,
 * then mprotect RW piece by piece), around what changed since the last
 * call (list_changed). Invisible to observers. */
static void mm_merge(struct mm *mm)
{
    if (mm->mw_lo > mm->mw_hi) return;
    u64 hi = mm->mw_hi;
    size_t i = mm_idx_lower(mm, mm->mw_lo);
    mm->mw_lo = UINT64_MAX;
    mm->mw_hi = 0;
    struct vma *v = i ? mm->idx[i - 1] : mm->vmas;
    while (v && v->next && v->start <= hi) {
        struct vma *n = v->next;
        if (!vma_can_merge(v, n)) {
            v = n;
            continue;
        }
        mm_idx_remove(mm, n);
        v->end = n->end;
        v->next = n->next;
        vma_free(n); /* v still holds a reference on the backing */
    }
}

/* Remove [start, end) (page aligned): observer unmap before the backing
 * reference is dropped. */
static void range_remove(struct mm *mm, u64 start, u64 end)
{
    range_split(mm, start, end);
    struct vma **pp = mm_idx_link(mm, start);
    int removed = 0;
    while (*pp && (*pp)->start < end) {
        struct vma *v = *pp;
        if (v->start < start) {
            pp = &v->next;
            continue;
        }
        /* a few removals follow in the index; more (exit, a big munmap)
         * leave it to one rebuild */
        if (++removed > 4)
            mm->idx_dirty = true;
        else
            mm_idx_remove(mm, v);
        *pp = v->next;
        list_changed(mm, v->start, v->end);
        obs_unmap(mm, v->start, v->end - v->start);
        vma_free(v);
    }
}

/* may_expand_vm: would `more` bytes exceed the mm's as_limit? */
static bool over_limit(const struct mm *mm, u64 more)
{
    if (!mm->as_limit) return false;
    u64 total = 0;
    for (const struct vma *v = mm->vmas; v; v = v->next)
        total += v->end - v->start;
    return more > mm->as_limit || total > mm->as_limit - more;
}

/* A new vma over a fresh zeroed backing; the range must be free. */
static i64 map_fresh(struct mm *mm, u64 start, u64 len, int prot, int flags, const char *name)
{
    if (over_limit(mm, len)) return -LX_ENOMEM;
    struct mm_backing *b = backing_new(len);
    if (!b) return -LX_ENOMEM;
    struct vma *v = vma_new(start, start + len, prot, flags, b, 0, name);
    vma_insert(mm, v);
    obs_map(mm, v);
    return (i64)start;
}

/* Extend v to new_end; [v->end, new_end) must be free. When v is the only
 * view of its whole backing, the backing grows (host mremap: no copy) and
 * the observer sees v unmapped and mapped again at its new size (one engine
 * region); otherwise a fresh backing is mapped after v. */
static int vma_grow_tail(struct mm *mm, struct vma *v, u64 new_end)
{
    struct mm_backing *b = v->backing;
    u64 old_len = v->end - v->start, new_len = new_end - v->start;
    if (over_limit(mm, new_len - old_len)) return -LX_ENOMEM;
    if (b->refs == 1 && v->offset == 0 && b->len == old_len) {
        obs_unmap(mm, v->start, old_len);
        void *p = mremap(b->host, b->len, new_len, MREMAP_MAYMOVE);
        if (p != MAP_FAILED) {
            b->host = p;
            b->len = new_len;
            v->end = new_end;
            merge_window(mm, v->start, new_end);
            obs_map(mm, v);
            return 0;
        }
        obs_map(mm, v); /* unchanged; try a separate backing below */
    }
    i64 r = map_fresh(mm, v->end, new_end - v->end, v->prot, v->flags, v->name);
    return r < 0 ? (int)r : 0;
}

/* --- lifecycle ------------------------------------------------------- */

struct mm *mm_new(const struct mm_observer *obs, void *obs_ctx, bool big_endian, u64 task_size,
                  u64 mmap_base)
{
    struct mm *mm = calloc(1, sizeof(*mm));
    if (!mm) mm_die("out of host memory");
    mm->refs = 1;
    mm->big_endian = big_endian;
    mm->task_size = task_size;
    mm->mmap_base = mmap_base ? mmap_base : task_size;
    mm->obs = obs;
    mm->obs_ctx = obs_ctx;
    mm->idx_dirty = true;
    mm->mw_lo = UINT64_MAX;
    mm->dumpable = 1; /* SUID_DUMP_USER */
    return mm;
}

struct mm *mm_get(struct mm *mm)
{
    mm->refs++;
    return mm;
}

/* Last reference: every vma is reported unmapped (address order) and its
 * backing released, then destroy is called with the mm still valid. */
void mm_put(struct mm *mm)
{
    if (!mm) return;
    if (mm->refs <= 0) mm_die("mm refcount underflow");
    if (--mm->refs > 0) return;
    range_remove(mm, 0, UINT64_MAX);
    if (mm->obs && mm->obs->destroy) mm->obs->destroy(mm->obs_ctx, mm);
    mm_idx_free(mm);
    free(mm);
}

static bool page_is_zero(const u8 *p)
{
    static const u8 zero[LX_PAGE_SIZE];
    return memcmp(p, zero, LX_PAGE_SIZE) == 0;
}

struct copy_ctx {
    u8 *dst;
    const u8 *src;
};

static void copy_range(void *ctx, u64 off, u64 len)
{
    struct copy_ctx *c = ctx;
    for (u64 o = off; o < off + len; o += PAGE)
        if (!page_is_zero(c->src + o)) memcpy(c->dst + o, c->src + o, PAGE);
}

/* Copy len bytes page by page, skipping all-zero source pages so that the
 * untouched (lazily committed) parts of the source stay uncommitted in the
 * copy too. dst is fresh zeroed memory. Only the ranges the host says may
 * hold data are read (host_pages.h): a fork of a huge, mostly untouched
 * mapping (the fuzzer's 16 TiB PROT_NONE mmap) costs its touched pages, not
 * its size. */
static void copy_nonzero_pages(u8 *dst, const u8 *src, u64 len)
{
    struct copy_ctx c = {dst, src};
    if (sysconf(_SC_PAGESIZE) == (long)PAGE)
        host_pages_walk(src, len, copy_range, &c);
    else
        copy_range(&c, 0, len);
}

struct mm *mm_fork(struct mm *src, int new_id)
{
    struct mm *mm = mm_new(src->obs, src->obs_ctx, src->big_endian, src->task_size, src->mmap_base);
    mm->id = new_id;
    mm->brk_start = src->brk_start;
    mm->brk = src->brk;
    mm->start_stack = src->start_stack;
    mm->exe_entry = src->exe_entry;
    mm->arg_start = src->arg_start;
    mm->arg_end = src->arg_end;
    mm->env_start = src->env_start;
    mm->env_end = src->env_end;
    mm->as_limit = src->as_limit;
    mm->stack_limit = src->stack_limit;
    mm->dumpable = src->dumpable;
    struct vma **tail = &mm->vmas;
    for (const struct vma *s = src->vmas; s; s = s->next) {
        u64 len = s->end - s->start;
        struct mm_backing *b;
        u64 off = 0;
        if (s->flags & LX_MAP_SHARED) {
            b = backing_get(s->backing);
            off = s->offset;
        } else {
            /* a stack keeps its room to grow down (mm_expand_stack) */
            off = (s->flags & LX_MAP_GROWSDOWN) ? s->offset : 0;
            b = backing_new(off + len);
            if (!b) { /* the host's address space is full: ENOMEM */
                mm_put(mm);
                return NULL;
            }
            copy_nonzero_pages(b->host + off, mm_vma_host(s, s->start), len);
        }
        struct vma *v = vma_new(s->start, s->end, s->prot, s->flags, b, off, s->name);
        v->file = vma_file_get(s->file);
        v->pgoff = s->pgoff;
        *tail = v;
        tail = &v->next;
        mm->idx_dirty = true; /* the observer may look v up */
        obs_map(mm, v);
    }
    return mm;
}

/* --- mmap / munmap / mprotect ---------------------------------------- */

/* Top-down: the highest gap below mmap_base (and above MM_MIN_ADDR) that
 * holds len bytes. Deterministic: depends only on the current mappings. */
static i64 choose_addr(const struct mm *mm, u64 len)
{
    u64 top = mm->mmap_base < mm->task_size ? mm->mmap_base : mm->task_size;
    /* from the top down: the first gap that fits is the highest */
    size_t i = mm_idx_lower(mm, top);
    if (i < mm->nidx && mm->idx[i]->start < top) top = mm->idx[i]->start;
    for (;; i--) {
        u64 lo = i ? mm->idx[i - 1]->end : MM_MIN_ADDR;
        if (lo < MM_MIN_ADDR) lo = MM_MIN_ADDR;
        if (top >= lo && top - lo >= len) return (i64)(top - len);
        if (i == 0 || top < MM_MIN_ADDR) return -LX_ENOMEM;
        if (mm->idx[i - 1]->start < top) top = mm->idx[i - 1]->start;
    }
}

/* The map type bits as the vma records them (so that MAP_POPULATE etc. do
 * not stop merging). SHARED_VALIDATE (3) counts as shared; none as private. */
static int vma_flags_of(int flags)
{
    int type = (flags & LX_MAP_SHARED) ? LX_MAP_SHARED : LX_MAP_PRIVATE;
    return type | LX_MAP_ANONYMOUS;
}

/* Where a new mapping of len bytes goes (mm_map_anon's rules); a MAP_FIXED
 * range is cleared first. The page-aligned start, or -LX_E*. */
static i64 map_place(struct mm *mm, u64 addr, u64 *len, int prot, int flags)
{
    bool fixed = flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE);
    if (*len == 0 || (prot & ~(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))) return -LX_EINVAL;
    if (fixed && (addr & PAGE_MASK)) return -LX_EINVAL;
    *len = page_up_len(*len);
    if (*len == 0 || *len > mm->task_size) return -LX_ENOMEM;
    if (fixed) {
        if (addr > mm->task_size - *len) return -LX_ENOMEM;
        if (!range_is_free(mm, addr, addr + *len)) {
            if (!(flags & LX_MAP_FIXED)) return -LX_EEXIST; /* MAP_FIXED_NOREPLACE alone */
            range_remove(mm, addr, addr + *len);
        }
        return (i64)addr;
    }
    u64 hint = addr > UINT64_MAX - PAGE_MASK ? 0 : (addr + PAGE_MASK) & ~PAGE_MASK;
    if (hint >= MM_MIN_ADDR && hint <= mm->task_size - *len && range_is_free(mm, hint, hint + *len))
        return (i64)hint;
    return choose_addr(mm, *len);
}

i64 mm_map_anon(struct mm *mm, u64 addr, u64 len, int prot, int flags, const char *name)
{
    i64 start = map_place(mm, addr, &len, prot, flags);
    if (start < 0) return start;
    i64 r = map_fresh(mm, (u64)start, len, prot, vma_flags_of(flags), name);
    mm_merge(mm);
    return r;
}

i64 mm_map_backing(struct mm *mm, u64 addr, u64 len, int prot, int flags, struct mm_backing *b,
                   u64 off, const char *name)
{
    if (off & PAGE_MASK) return -LX_EINVAL;
    i64 start = map_place(mm, addr, &len, prot, flags);
    if (start < 0) return start;
    if (over_limit(mm, len)) return -LX_ENOMEM;
    if (off > b->len || len > b->len - off) mm_die("map_backing: range outside the backing");
    struct vma *v =
        vma_new((u64)start, (u64)start + len, prot, LX_MAP_SHARED, backing_get(b), off, name);
    vma_insert(mm, v);
    obs_map(mm, v);
    mm_merge(mm);
    return start;
}

i64 mm_map_copy(struct mm *mm, u64 addr, u64 len, int prot, const void *src, size_t srclen,
                u64 src_off_in_page, const char *name)
{
    u64 base = page_down(addr);
    if (addr + len < addr) return -LX_EINVAL;
    u64 span = page_up_len(addr + len - base);
    if (span == 0 || src_off_in_page > span || srclen > span - src_off_in_page) return -LX_EINVAL;
    i64 r = mm_map_anon(mm, base, span, prot, LX_MAP_PRIVATE | LX_MAP_FIXED, name);
    if (r < 0) return r;
    if (srclen && mm_poke(mm, base + src_off_in_page, src, srclen) < 0)
        mm_die("map_copy: fresh mapping not writable");
    return r;
}

void mm_set_file(struct mm *mm, u64 start, u64 end, struct vma_file *f, u64 pgoff)
{
    range_split(mm, start, end);
    merge_window(mm, start, end);
    for (struct vma *v = mm_idx_first_after(mm, start); v && v->start < end; v = v->next) {
        vma_file_put(v->file);
        v->file = vma_file_get(f);
        v->pgoff = pgoff + (v->start - start);
    }
    mm_merge(mm);
}

int mm_unmap(struct mm *mm, u64 addr, u64 len)
{
    if ((addr & PAGE_MASK) || len == 0) return -LX_EINVAL;
    len = page_up_len(len);
    if (len == 0 || len > mm->task_size || addr > mm->task_size - len) return -LX_EINVAL;
    range_remove(mm, addr, addr + len);
    mm_merge(mm);
    return 0;
}

int mm_protect(struct mm *mm, u64 addr, u64 len, int prot)
{
    if ((addr & PAGE_MASK) || (prot & ~(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)))
        return -LX_EINVAL;
    if (len == 0) return 0;
    len = page_up_len(len);
    if (len == 0 || addr + len < addr) return -LX_ENOMEM;
    u64 end = addr + len;
    if (!range_is_mapped(mm, addr, end)) return -LX_ENOMEM;
    range_split(mm, addr, end);
    merge_window(mm, addr, end);
    for (struct vma *v = find_vma_mut(mm, addr); v && v->start < end; v = v->next) {
        if (v->prot == prot) continue;
        v->prot = prot;
        obs_protect(mm, v->start, v->end - v->start, prot);
    }
    mm_merge(mm);
    return 0;
}

/* --- mremap ---------------------------------------------------------- */

/* Move [old_addr, old_addr+old_len) (inside one vma) to dest, keeping its
 * backing pages (no copy), then grow it to new_len. [dest, dest+new_len)
 * must be free. */
static i64 remap_move(struct mm *mm, u64 old_addr, u64 old_len, u64 new_len, u64 dest)
{
    range_split(mm, old_addr, old_addr + old_len);
    struct vma *v = find_vma_mut(mm, old_addr);
    if (!v || v->start != old_addr || v->end != old_addr + old_len)
        mm_die("remap: source range is not one vma");
    vma_unlink(mm, v);
    obs_unmap(mm, old_addr, old_len);
    v->start = dest;
    v->end = dest + old_len;
    vma_insert(mm, v);
    obs_map(mm, v);
    if (new_len > old_len) {
        int r = vma_grow_tail(mm, v, dest + new_len);
        if (r < 0) {
            mm_merge(mm);
            return r;
        }
    }
    mm_merge(mm);
    return (i64)dest;
}

static i64 remap_fixed(struct mm *mm, u64 old_addr, u64 old_len, u64 new_len, u64 new_addr)
{
    if ((new_addr & PAGE_MASK) || new_len > mm->task_size || new_addr > mm->task_size - new_len)
        return -LX_EINVAL;
    if (new_addr < old_addr + old_len && old_addr < new_addr + new_len)
        return -LX_EINVAL; /* the ranges overlap */
    range_remove(mm, new_addr, new_addr + new_len);
    if (new_len < old_len) {
        range_remove(mm, old_addr + new_len, old_addr + old_len);
        old_len = new_len;
    }
    return remap_move(mm, old_addr, old_len, new_len, new_addr);
}

i64 mm_remap(struct mm *mm, u64 old_addr, u64 old_len, u64 new_len, int flags, u64 new_addr)
{
    if ((old_addr & PAGE_MASK) || (flags & ~(LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED)))
        return -LX_EINVAL;
    if ((flags & LX_MREMAP_FIXED) && !(flags & LX_MREMAP_MAYMOVE)) return -LX_EINVAL;
    old_len = page_up_len(old_len);
    new_len = page_up_len(new_len);
    if (new_len == 0 || old_len == 0) /* old_len 0 (duplicate a shared mapping): unsupported */
        return -LX_EINVAL;
    const struct vma *v = mm_find_vma(mm, old_addr);
    if (!v || old_len > v->end - old_addr) return -LX_EFAULT;
    if (flags & LX_MREMAP_FIXED) return remap_fixed(mm, old_addr, old_len, new_len, new_addr);
    if (new_len <= old_len) {
        range_remove(mm, old_addr + new_len, old_addr + old_len);
        mm_merge(mm);
        return (i64)old_addr;
    }
    u64 old_end = old_addr + old_len;
    bool fits = new_len <= mm->task_size && old_addr <= mm->task_size - new_len;
    if (fits && old_end == v->end && range_is_free(mm, old_end, old_addr + new_len)) {
        int r = vma_grow_tail(mm, find_vma_mut(mm, old_addr), old_addr + new_len);
        mm_merge(mm);
        return r < 0 ? r : (i64)old_addr;
    }
    if (!(flags & LX_MREMAP_MAYMOVE)) return -LX_ENOMEM;
    i64 dest = choose_addr(mm, new_len);
    if (dest < 0) return dest;
    return remap_move(mm, old_addr, old_len, new_len, (u64)dest);
}

/* --- brk ------------------------------------------------------------- */

i64 mm_set_brk(struct mm *mm, u64 new_brk)
{
    if (new_brk < mm->brk_start || new_brk > mm->task_size - PAGE) return (i64)mm->brk;
    u64 old_end = page_up_len(mm->brk), new_end = page_up_len(new_brk);
    if (new_end > old_end) {
        if (!range_is_free(mm, old_end, new_end))
            return (i64)mm->brk; /* collides with another mapping */
        struct vma *h = old_end > mm->brk_start ? find_vma_mut(mm, old_end - 1) : NULL;
        i64 r;
        if (h && h->end == old_end && strcmp(h->name, HEAP_NAME) == 0)
            r = vma_grow_tail(mm, h, new_end);
        else
            r = map_fresh(mm, old_end, new_end - old_end, LX_PROT_READ | LX_PROT_WRITE,
                          LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, HEAP_NAME);
        mm_merge(mm);
        if (r < 0) return (i64)mm->brk;
    } else if (new_end < old_end) {
        range_remove(mm, new_end, old_end);
        mm_merge(mm);
    }
    mm->brk = new_brk;
    return (i64)new_brk;
}

/* --- madvise --------------------------------------------------------- */

/* Zero [p, p+len) of a private backing: whole host pages are dropped
 * (they read back as zeros and stop costing memory), edges are cleared. */
static void discard_host(u8 *p, u64 len)
{
    u64 hp = (u64)sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)p, e = a + len;
    uintptr_t ia = (a + hp - 1) & ~(uintptr_t)(hp - 1), ie = e & ~(uintptr_t)(hp - 1);
    if (ia >= ie || madvise((void *)ia, ie - ia, MADV_DONTNEED) != 0) {
        memset(p, 0, len);
        return;
    }
    memset(p, 0, ia - a);
    memset((void *)ie, 0, e - ie);
}

int mm_discard(struct mm *mm, u64 addr, u64 len)
{
    if (addr & PAGE_MASK) return -LX_EINVAL;
    if (len == 0) return 0;
    len = page_up_len(len);
    if (len == 0 || addr + len < addr) return -LX_EINVAL;
    u64 end = addr + len;
    for (struct vma *v = mm_idx_first_after(mm, addr); v && v->start < end; v = v->next) {
        if (v->flags & LX_MAP_SHARED) continue;
        u64 s = v->start > addr ? v->start : addr, e = v->end < end ? v->end : end;
        discard_host(mm_vma_host(v, s), e - s);
    }
    return range_is_mapped(mm, addr, end) ? 0 : -LX_ENOMEM;
}

/* --- the stack: grows down on demand (Linux's VM_GROWSDOWN) --------- */

i64 mm_map_stack(struct mm *mm, u64 top, u64 size, u64 limit, int prot, const char *name)
{
    size = page_up_len(size);
    limit = page_up_len(limit);
    if (!size || size > limit || (top & PAGE_MASK) || top < limit || top > mm->task_size)
        return -LX_EINVAL;
    range_remove(mm, top - limit, top); /* the whole reservation, as MAP_FIXED would */
    if (over_limit(mm, size)) return -LX_ENOMEM;
    struct mm_backing *b = backing_new(limit);
    if (!b) return -LX_ENOMEM;
    int flags = LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_GROWSDOWN;
    struct vma *v = vma_new(top - size, top, prot, flags, b, limit - size, name);
    vma_insert(mm, v);
    obs_map(mm, v);
    return (i64)v->start;
}

int mm_expand_stack(struct mm *mm, u64 addr)
{
    size_t i = mm_idx_lower(mm, addr);
    struct vma *prev = i ? mm->idx[i - 1] : NULL, *v = i < mm->nidx ? mm->idx[i] : NULL;
    if (!v || v->start <= addr || !(v->flags & LX_MAP_GROWSDOWN)) return -LX_EFAULT;
    /* the limit: the backing's first byte (its size was the rlimit) */
    u64 lo = v->offset <= v->start ? v->start - v->offset : 0;
    if (prev && prev->end > lo) lo = prev->end;
    /* acct_stack_growth: never larger than RLIMIT_STACK's soft value */
    if (mm->stack_limit && v->end > mm->stack_limit && v->end - mm->stack_limit > lo)
        lo = page_down(v->end - mm->stack_limit + 4095);
    u64 want = page_down(addr), size = v->end - v->start;
    if (want < lo) return -LX_EFAULT;
    /* at least double: few engine regions, few of these calls */
    u64 start = v->start >= size && v->start - size < want ? v->start - size : want;
    if (start < lo) start = lo;
    if (over_limit(mm, v->start - start)) start = want;
    if (over_limit(mm, v->start - start)) return -LX_ENOMEM;
    u64 old = v->start;
    v->offset -= old - start;
    v->start = start;
    if (mm->obs && mm->obs->map)
        mm->obs->map(mm->obs_ctx, mm, start, old - start, v->prot, mm_vma_host(v, start));
    return 0;
}
