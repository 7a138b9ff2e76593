/* Additions to the mm API (mm.h) used by sys_mem.c; kept in a separate
 * header so mm.h stays the frozen interface. */
#ifndef CLONEMU_MM_ADVISE_H
#define CLONEMU_MM_ADVISE_H

#include "kernel-model/mm.h"

/* madvise(MADV_DONTNEED): private mappings in [addr, addr+len) read back as
 * zeros afterwards; MAP_SHARED mappings keep their contents (as shmem does).
 * addr must be page aligned (-LX_EINVAL); len is rounded up to pages.
 * Returns -LX_ENOMEM if part of the range is unmapped (the mapped parts are
 * still discarded, as Linux does), else 0. */
int mm_discard(struct mm *mm, u64 addr, u64 len);

/* The lowest address a guest may map with MAP_FIXED (vm.mmap_min_addr). */
#define MM_MIN_ADDR 0x10000ULL

#endif
