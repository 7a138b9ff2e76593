/* The vma index of an mm (mm_index.c): O(log n) lookups over the sorted
 * vma list. For mm.c only. */
#ifndef CLONEMU_MM_INDEX_H
#define CLONEMU_MM_INDEX_H

#include "kernel-model/mm.h"

/* Position in mm->idx of the first vma with end > addr (mm->nidx: none). */
size_t mm_idx_lower(const struct mm *mm, u64 addr);
/* The first vma with end > addr, or NULL. */
struct vma *mm_idx_first_after(const struct mm *mm, u64 addr);
/* The list link (mm->vmas or a vma's next) that points at the first vma
 * with end > addr: where a vma starting at a free addr is inserted. */
struct vma **mm_idx_link(struct mm *mm, u64 addr);
void mm_idx_free(struct mm *mm);
/* One vma linked into / about to be unlinked from the list: the index
 * follows (an insert or removal in the sorted array) unless it is stale. */
void mm_idx_insert(struct mm *mm, struct vma *v);
void mm_idx_remove(struct mm *mm, struct vma *v);

#endif
