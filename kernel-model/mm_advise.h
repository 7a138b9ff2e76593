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

/* The initial stack as Linux's VM_GROWSDOWN vma: [top - size, top) is
 * mapped now, and the vma grows down on demand (mm_expand_stack) to at most
 * top - limit, the stack rlimit at exec. The whole [top - limit, top) is
 * cleared first. Returns the vma's start or -LX_E*. */
i64 mm_map_stack(struct mm *mm, u64 top, u64 size, u64 limit, int prot, const char *name);

/* A fault at addr (an access the mm does not map): if addr lies in the gap
 * below a VM_GROWSDOWN vma and within its limit, that vma grows down to
 * cover it (at least doubling, never over the vma below) and the observer
 * is told of the new range alone; 0, else -LX_EFAULT (or -LX_ENOMEM over
 * the as_limit). mm_read/mm_write/mm_host_ptr call it for the kernel's own
 * accesses, the CPU backend for the guest's. */
int mm_expand_stack(struct mm *mm, u64 addr);

/* The lowest address a guest may map with MAP_FIXED (vm.mmap_min_addr). */
#define MM_MIN_ADDR 0x10000ULL

#endif
