/* The host file system as the model sees it. Implemented in emu/hostfs.c
 * with POSIX calls; host errno is converted to -LX_E* there (the one
 * boundary). Unit tests provide a fake. Paths are host paths already
 * resolved by fs_host_path (root prefix applied). Handles are small ints
 * owned by the implementation. */
#ifndef CLONEMU_HOSTFS_H
#define CLONEMU_HOSTFS_H

#include "kernel-model/abi.h"

struct km_dirent {
    u64 ino;
    i64 off; /* position after this entry */
    u8 type; /* DT_* (same numbers on every arch) */
    char name[256];
};

struct km_hostfs {
    void *ctx;
    int (*open)(void *ctx, const char *path, u32 lx_flags, u32 mode); /* handle or -LX_E* */
    int (*close)(void *ctx, int h);
    i64 (*read)(void *ctx, int h, void *buf, u64 n);
    i64 (*write)(void *ctx, int h, const void *buf, u64 n);
    i64 (*pread)(void *ctx, int h, void *buf, u64 n, i64 off);
    i64 (*pwrite)(void *ctx, int h, const void *buf, u64 n, i64 off);
    i64 (*lseek)(void *ctx, int h, i64 off, int whence);
    int (*fstat)(void *ctx, int h, struct lx_stat *st);
    int (*stat)(void *ctx, const char *path, struct lx_stat *st, bool follow);
    /* 1 with *d filled, 0 at end, -LX_E*; the handle's position advances */
    int (*readdir)(void *ctx, int h, struct km_dirent *d);
    int (*mkdir)(void *ctx, const char *path, u32 mode);
    int (*unlink)(void *ctx, const char *path);
    int (*rmdir)(void *ctx, const char *path);
    int (*rename)(void *ctx, const char *from, const char *to);
    i64 (*readlink)(void *ctx, const char *path, char *buf, u64 n);
    int (*access)(void *ctx, const char *path, int mode);
    int (*ftruncate)(void *ctx, int h, i64 len);
    /* 36-byte kernel struct termios (same layout on x86-64, aarch64 and
     * s390x) for TCGETS, the four tcflag_t words little-endian (the model
     * converts them to the guest's order), or -LX_ENOTTY */
    int (*tcgets)(void *ctx, int h, u8 out[36]);
    int (*gethostname)(void *ctx, char *buf, size_t n);
    /* An anonymous in-memory file (memfd_create's MFD_ALLOW_SEALING,
     * MFD_EXEC, MFD_NOEXEC_SEAL, MFD_HUGETLB and huge page size bits in
     * mfd_flags), open for reading and writing: a handle or -LX_E*. May be
     * NULL (memfd_create is then ENOSYS). */
    int (*memfd)(void *ctx, const char *name, u32 mfd_flags);
    /* F_ADD_SEALS (add: seals added) or F_GET_SEALS on a handle: 0 or the
     * seals, -LX_E*. May be NULL (EINVAL). */
    int (*seals)(void *ctx, int h, bool add, u32 seals);
    /* chmod/chown of path (its final component followed only if follow),
     * or of handle h when path is NULL. uid/gid (u32)-1: unchanged. The
     * model has checked the caller's permission. May be NULL (ENOSYS). */
    int (*chmod)(void *ctx, const char *path, int h, u32 mode, bool follow);
    int (*chown)(void *ctx, const char *path, int h, u32 uid, u32 gid, bool follow);
};

#endif
