/* Guest address spaces, owned by the kernel model (DESIGN.md "Memory").
 * An mm is a sorted list of mappings backed by host memory the model
 * allocates. CPU backends borrow that memory: they learn of every change
 * through one observer (map/unmap/protect), so the mm and the engine stay in
 * step. The kernel reads and writes guest memory only through mm_read /
 * mm_write and friends, which return -LX_EFAULT for unmapped or
 * inaccessible addresses (never a host crash). */
#ifndef CLONEMU_MM_H
#define CLONEMU_MM_H

#include "kernel-model/uapi.h"

struct mm;

/* Told about every change to an mm's mappings, in order. host points at
 * the host memory of guest address start (page aligned, len bytes). */
struct mm_observer {
    void (*map)(void *ctx, struct mm *mm, u64 start, u64 len, int prot, u8 *host);
    void (*unmap)(void *ctx, struct mm *mm, u64 start, u64 len);
    void (*protect)(void *ctx, struct mm *mm, u64 start, u64 len, int prot);
    void (*destroy)(void *ctx, struct mm *mm); /* last reference dropped */
};

struct mm_backing; /* refcounted host memory; shared by MAP_SHARED mappings */

/* The file a vma shows in /proc/PID/maps (mm_file.c): shared, refcounted,
 * by the pieces of one mapping and by fork's copies of them. */
struct vma_file {
    int refs;
    bool exe;     /* the program's own image: named by its mm's exe path */
    u64 dev, ino; /* as stat(2) shows them to the guest */
    char path[];  /* the guest path it was mapped by */
};

struct vma {
    u64 start, end; /* [start, end), page aligned */
    int prot;       /* LX_PROT_* */
    int flags;      /* LX_MAP_SHARED / LX_MAP_PRIVATE | LX_MAP_ANONYMOUS ... */
    struct mm_backing *backing;
    u64 offset;            /* offset of start inside backing */
    char name[24];         /* "[stack]", "[heap]", "text", ... for maps/trace */
    struct vma_file *file; /* file-backed (maps): a reference, or NULL */
    u64 pgoff;             /* file: the file offset of start */
    struct vma *next;
};

struct mm {
    int refs;        /* tasks using this mm (CLONE_VM sharers) */
    int id;          /* stable id for events ("mm#3") */
    bool big_endian; /* guest byte order */
    struct vma *vmas;
    u64 brk_start, brk; /* program break */
    u64 mmap_base;      /* top-down allocation starts below this */
    u64 task_size;      /* first address above user space */
    u64 start_stack, exe_entry;
    u64 arg_start, arg_end, env_start, env_end; /* exec's argv and envp strings */
    u64 as_limit;    /* RLIMIT_AS-like cap on mapped bytes (0: none); kept by mm_fork */
    u64 stack_limit; /* RLIMIT_STACK: a GROWSDOWN vma's largest size (0: its reservation) */
    u8 dumpable; /* SUID_DUMP_*: 1 (user) by default, 0 after a credential change; kept by mm_fork
                  */
    const struct mm_observer *obs;
    void *obs_ctx;
    void *cpu_priv; /* the CPU backend's engine for this mm (opaque) */
    /* mm_index.c: the vmas in address order for O(log n) lookups, stale
     * while idx_dirty; [mw_lo, mw_hi]: where mm.c may merge vmas next. */
    struct vma **idx;
    size_t nidx, idx_alloc;
    bool idx_dirty;
    u64 mw_lo, mw_hi;
};

struct mm *mm_new(const struct mm_observer *obs, void *obs_ctx, bool big_endian, u64 task_size,
                  u64 mmap_base);
struct mm *mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* fork: a new mm with a copy of every private mapping's contents and the
 * same backing for MAP_SHARED mappings; the observer is told of each.
 * NULL when the host has no room for the copy (the caller's ENOMEM). */
struct mm *mm_fork(struct mm *src, int new_id);

/* mmap of anonymous memory. addr is a hint unless LX_MAP_FIXED /
 * LX_MAP_FIXED_NOREPLACE. Returns the address or -LX_E*. */
i64 mm_map_anon(struct mm *mm, u64 addr, u64 len, int prot, int flags, const char *name);
/* Map and fill from a buffer (the ELF loader). */
i64 mm_map_copy(struct mm *mm, u64 addr, u64 len, int prot, const void *src, size_t srclen,
                u64 src_off_in_page, const char *name);
int mm_unmap(struct mm *mm, u64 addr, u64 len);
int mm_protect(struct mm *mm, u64 addr, u64 len, int prot);
i64 mm_remap(struct mm *mm, u64 old_addr, u64 old_len, u64 new_len, int flags, u64 new_addr);
i64 mm_set_brk(struct mm *mm, u64 new_brk); /* returns the (possibly unchanged) break */

/* Kernel access to guest memory, as copy_from_user/copy_to_user: checks
 * mapping and PROT_READ / PROT_WRITE; -LX_EFAULT on failure. */
int mm_read(struct mm *mm, u64 addr, void *dst, size_t len);
int mm_write(struct mm *mm, u64 addr, const void *src, size_t len);
/* Like mm_write but ignores PROT_WRITE (the loader, the kernel's own pages). */
int mm_poke(struct mm *mm, u64 addr, const void *src, size_t len);
int mm_read_u32(struct mm *mm, u64 addr, u32 *v);
int mm_read_u64(struct mm *mm, u64 addr, u64 *v);
int mm_write_u32(struct mm *mm, u64 addr, u32 v);
int mm_write_u64(struct mm *mm, u64 addr, u64 v);
/* NUL-terminated string of at most max-1 bytes: its length, -LX_EFAULT, or
 * -LX_ENAMETOOLONG when no NUL is found within max bytes. */
i64 mm_read_str(struct mm *mm, u64 addr, char *dst, size_t max);
/* Host pointer for [addr, addr+len) if it lies in one accessible mapping
 * (prot checked as for read, and for write if want_write), else NULL. */
u8 *mm_host_ptr(struct mm *mm, u64 addr, size_t len, bool want_write);
/* Host memory of guest address addr inside vma v, whatever its protection
 * (no check: the caller knows addr lies in v). */
u8 *mm_vma_host(const struct vma *v, u64 addr);
const struct vma *mm_find_vma(const struct mm *mm, u64 addr);
/* Label the vmas of [start, end) (split at its edges) as f's bytes from
 * file offset pgoff on (each vma takes a reference), or anonymous (NULL). */
void mm_set_file(struct mm *mm, u64 start, u64 end, struct vma_file *f, u64 pgoff);

/* mm_file.c: a vma_file with one reference (path copied). */
struct vma_file *vma_file_new(const char *path, bool exe, u64 dev, u64 ino);
struct vma_file *vma_file_get(struct vma_file *f); /* NULL stays NULL */
void vma_file_put(struct vma_file *f);

#endif
