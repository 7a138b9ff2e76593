/* Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise, mincore.
 * Front-ends only: decode arguments, apply the syscall-level checks the
 * mm API does not know about, and call mm.c on t->mm. mmap flag and prot
 * numbers are the same on x86-64, aarch64 and s390x (LX_MAP_*, LX_PROT_*). */
#include "kernel-model/sys.h"
#include "kernel-model/files.h"
#include "kernel-model/mm_advise.h"
#include "kernel-model/mm_file.h"

#define LX_MAP_TYPE            0x0f /* SHARED, PRIVATE, SHARED_VALIDATE */
#define LX_MAP_SHARED_VALIDATE 0x03
#define LX_PROT_GROWSDOWN      0x01000000
#define LX_PROT_GROWSUP        0x02000000
#define LX_PROT_ALL            (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)
#define LX_MADV_DONTNEED       4

static i64 sys_brk(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return mm_set_brk(t->mm, a[0]);
}

/* mmap(addr, len, prot, flags, fd, off). A file (fd) mapping goes to
 * mm_file.c; MAP_SHARED | MAP_ANONYMOUS gets its own backing that stays
 * shared across fork. */
static i64 sys_mmap(struct km *k, struct task *t, const u64 a[6])
{
    u64 addr = a[0], len = a[1], off = a[5];
    int prot = (int)a[2], flags = (int)a[3], fd = (int)a[4];
    int type = flags & LX_MAP_TYPE;
    if ((u64)prot & ~(u64)LX_PROT_ALL) return -LX_EINVAL;
    if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE && type != LX_MAP_SHARED_VALIDATE)
        return -LX_EINVAL;
    if (len == 0 || (off & (LX_PAGE_SIZE - 1))) return -LX_EINVAL;
    if ((flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) && addr < MM_MIN_ADDR &&
        !(addr & (LX_PAGE_SIZE - 1)))
        return -LX_EPERM; /* below vm.mmap_min_addr */
    if (!(flags & LX_MAP_ANONYMOUS)) {
        struct km_file *f = files_lookup(t, fd);
        if (!f) return -LX_EBADF;
        return mm_file_map(k, t, f, addr, len, prot, flags, off);
    }
    const char *name = (flags & LX_MAP_SHARED) ? "/dev/zero (deleted)" : "";
    if (flags & LX_MAP_STACK) name = "[anon:stack]";
    return mm_map_anon(t->mm, addr, len, prot, flags, name);
}

/* munmap: shared file pages reach their file before they go. */
static i64 sys_munmap(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    if (!(a[0] & (LX_PAGE_SIZE - 1)) && a[1] && a[0] + a[1] > a[0]) mm_file_sync(t->mm, a[0], a[1]);
    return mm_unmap(t->mm, a[0], a[1]);
}

/* msync (mm/msync.c): the argument checks, then the range's shared file
 * pages go to their files whatever the flags (Linux's page cache makes
 * them visible at once; the model's pages are its own, so MS_ASYNC writes
 * back as well). ENOMEM if part of the range is unmapped. */
static i64 sys_msync(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    const u64 ms_async = 1, ms_invalidate = 2, ms_sync = 4;
    u64 flags = (u32)a[2];
    if (flags & ~(ms_async | ms_invalidate | ms_sync)) return -LX_EINVAL;
    if (a[0] & (LX_PAGE_SIZE - 1)) return -LX_EINVAL;
    if ((flags & ms_async) && (flags & ms_sync)) return -LX_EINVAL;
    u64 len = (a[1] + LX_PAGE_SIZE - 1) & ~(u64)(LX_PAGE_SIZE - 1);
    if (a[0] + len < a[0] || len < a[1]) return -LX_ENOMEM;
    if (!len) return 0;
    return mm_file_sync(t->mm, a[0], len);
}

static i64 sys_mprotect(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    u64 prot = a[2];
    if ((prot & LX_PROT_GROWSDOWN) && (prot & LX_PROT_GROWSUP)) return -LX_EINVAL;
    /* GROWSDOWN/GROWSUP extend the change to the whole stack vma on Linux;
     * here they are accepted and ignored (glibc only uses them for
     * executable stacks). */
    prot &= ~(u64)(LX_PROT_GROWSDOWN | LX_PROT_GROWSUP);
    if (prot & ~(u64)LX_PROT_ALL) return -LX_EINVAL;
    return mm_protect(t->mm, a[0], a[1], (int)prot);
}

static i64 sys_mremap(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    return mm_remap(t->mm, a[0], a[1], a[2], (int)a[3], a[4]);
}

/* madvise: MADV_DONTNEED zeroes private anonymous pages (the documented
 * effect a guest can observe); every other advice is accepted and ignored. */
static i64 sys_madvise(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    if (a[0] & (LX_PAGE_SIZE - 1)) return -LX_EINVAL;
    if ((int)a[2] == LX_MADV_DONTNEED) return mm_discard(t->mm, a[0], a[1]);
    return 0;
}

static i64 sys_mincore(struct km *k, struct task *t, const u64 a[6])
{
    (void)k;
    (void)t;
    (void)a;
    return -LX_ENOSYS; /* residency is meaningless for the model's memory */
}

const struct km_sys_entry km_sys_mem[] = {
    {LX_SYS_brk, sys_brk, "p"},
    {LX_SYS_mmap, sys_mmap, "pxxxFx"},
    {LX_SYS_munmap, sys_munmap, "px"},
    {LX_SYS_mprotect, sys_mprotect, "pxx"},
    {LX_SYS_mremap, sys_mremap, "pxxxp"},
    {LX_SYS_madvise, sys_madvise, "pxd"},
    {LX_SYS_mincore, sys_mincore, "pxp"},
    {LX_SYS_msync, sys_msync, "pxx"},
    {LX_SYS_NONE, NULL, NULL},
};
