/* memfd_create(2) and file seals (mm/memfd.c). A memfd is a host
 * in-memory file (the hostfs's memfd op: memfd_create on the host), so
 * read/write/lseek/ftruncate/fstat and mmap (mm_file.c) work as on any host
 * file; its description shows as "/memfd:NAME (deleted)" in /proc/PID/fd
 * and /proc/PID/maps, as in Linux. Seals are the host file's: F_ADD_SEALS
 * and F_GET_SEALS go to the host, which enforces them for write(2) and
 * ftruncate; mmap checks the write seals itself (the model's shared pages
 * are not the host's page cache). Not modelled: F_SEAL_WRITE's EBUSY while
 * writable shared mappings exist, reopening through /proc/PID/fd/N. */
#include "kernel-model/files.h"

#include <stdio.h>

#define MFD_CLOEXEC       0x0001u
#define MFD_ALLOW_SEALING 0x0002u
#define MFD_HUGETLB       0x0004u
#define MFD_NOEXEC_SEAL   0x0008u
#define MFD_EXEC          0x0010u
#define MFD_ALL_FLAGS     (MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)
#define MFD_HUGE_SHIFT    26
#define MFD_HUGE_MASK     0x3fu
#define MFD_NAME_PREFIX   "memfd:"
#define MFD_NAME_MAX_LEN  (255 - 6) /* NAME_MAX - strlen("memfd:") */

#define F_SEAL_WRITE        0x0008u
#define F_SEAL_FUTURE_WRITE 0x0010u

KM_FILE_SYS(memfd_create)
{
    u32 flags = (u32)a[1];
    u32 allowed = MFD_ALL_FLAGS | ((flags & MFD_HUGETLB) ? MFD_HUGE_MASK << MFD_HUGE_SHIFT : 0);
    if (flags & ~allowed) return -LX_EINVAL;
    if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL)) return -LX_EINVAL;
    char name[MFD_NAME_MAX_LEN + 1];
    i64 len = mm_read_str(t->mm, a[0], name, sizeof name);
    if (len == -LX_ENAMETOOLONG) return -LX_EINVAL;
    if (len < 0) return len;
    const struct km_hostfs *fs = k->host->fs;
    if (!fs || !fs->memfd) return -LX_ENOSYS;
    int h = fs->memfd(fs->ctx, name, flags & ~MFD_CLOEXEC);
    if (h < 0) return h;
    char path[sizeof name + 32];
    snprintf(path, sizeof path, "/" MFD_NAME_PREFIX "%s (deleted)", name);
    struct km_file *f = file_new(KM_FILE_HOST, LX_O_RDWR | LX_O_LARGEFILE, path);
    f->h = h;
    int fd = files_install(k, t, f, flags & MFD_CLOEXEC, 0);
    if (fd < 0) file_put(k, f); /* closes the host file */
    return fd;
}

i64 memfd_fcntl(struct km *k, struct km_file *f, int cmd, u32 arg)
{
    const struct km_hostfs *fs = k->host->fs;
    if (f->kind != KM_FILE_HOST || !fs || !fs->seals) return -LX_EINVAL;
    return fs->seals(fs->ctx, f->h, cmd == LX_F_ADD_SEALS, arg);
}

int memfd_mmap_check(struct km *k, struct km_file *f, int prot, int flags)
{
    if (!(flags & LX_MAP_SHARED) || !(prot & LX_PROT_WRITE)) return 0;
    i64 seals = memfd_fcntl(k, f, LX_F_GET_SEALS, 0);
    return seals > 0 && (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) ? -LX_EPERM : 0;
}
