/* The vma index of an mm (mm_index.h): the list's vmas in a sorted array,
 * rebuilt lazily, so that a lookup costs O(log n) however many mappings an
 * mm holds (10,000 threads are 20,000 vmas: a stack and a guard page each).
 * The list stays the one truth; mm.c marks the index stale (idx_dirty) at
 * every insertion, removal or split, before anyone can look again. */
#include "kernel-model/mm_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void idx_rebuild(struct mm *mm)
{
    size_t n = 0;
    for (const struct vma *v = mm->vmas; v; v = v->next)
        n++;
    if (n > mm->idx_alloc) {
        size_t want = n > 2 * mm->idx_alloc ? n : 2 * mm->idx_alloc;
        struct vma **p = realloc(mm->idx, want * sizeof(*p));
        if (!p) {
            fprintf(stderr, "clonemu: mm: out of host memory\n");
            abort();
        }
        mm->idx = p;
        mm->idx_alloc = want;
    }
    n = 0;
    for (struct vma *v = mm->vmas; v; v = v->next)
        mm->idx[n++] = v;
    mm->nidx = n;
    mm->idx_dirty = false;
}

size_t mm_idx_lower(const struct mm *cmm, u64 addr)
{
    struct mm *mm = (struct mm *)cmm; /* the index is a cache */
    if (mm->idx_dirty) idx_rebuild(mm);
    size_t lo = 0, hi = mm->nidx;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mm->idx[mid]->end > addr)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

struct vma *mm_idx_first_after(const struct mm *mm, u64 addr)
{
    size_t i = mm_idx_lower(mm, addr);
    return i < mm->nidx ? mm->idx[i] : NULL;
}

struct vma **mm_idx_link(struct mm *mm, u64 addr)
{
    size_t i = mm_idx_lower(mm, addr);
    return i ? &mm->idx[i - 1]->next : &mm->vmas;
}

void mm_idx_free(struct mm *mm)
{
    free(mm->idx);
    mm->idx = NULL;
    mm->nidx = mm->idx_alloc = 0;
    mm->idx_dirty = true;
}

/* Keep a clean index in step with one list change, so that threads'
 * mmaps and munmaps do not rebuild it (O(n) list walk) each time. A stale
 * index stays stale until the next lookup rebuilds it. */
void mm_idx_insert(struct mm *mm, struct vma *v)
{
    if (mm->idx_dirty) return;
    size_t i = mm_idx_lower(mm, v->start);
    if (mm->nidx == mm->idx_alloc) {
        size_t want = mm->idx_alloc ? 2 * mm->idx_alloc : 64;
        struct vma **p = realloc(mm->idx, want * sizeof(*p));
        if (!p) {
            fprintf(stderr, "clonemu: mm: out of host memory\n");
            abort();
        }
        mm->idx = p;
        mm->idx_alloc = want;
    }
    memmove(&mm->idx[i + 1], &mm->idx[i], (mm->nidx - i) * sizeof(*mm->idx));
    mm->idx[i] = v;
    mm->nidx++;
}

void mm_idx_remove(struct mm *mm, struct vma *v)
{
    if (mm->idx_dirty) return;
    size_t i = mm_idx_lower(mm, v->start);
    if (i >= mm->nidx || mm->idx[i] != v) {
        mm->idx_dirty = true;
        return;
    }
    memmove(&mm->idx[i], &mm->idx[i + 1], (mm->nidx - i - 1) * sizeof(*mm->idx));
    mm->nidx--;
}
