/* File-backed mappings: mmap of a host file description (MAP_PRIVATE and
 * MAP_SHARED), msync, and the write-back of shared file pages. The mm side
 * (mm.c) only knows refcounted backings with an optional release hook;
 * mm_file.c keeps one shared backing per host file (by device and inode),
 * so every MAP_SHARED mapping of a file, in any mm, sees the same pages. */
#ifndef CLONEMU_MM_FILE_H
#define CLONEMU_MM_FILE_H

#include "kernel-model/mm.h"

struct km;
struct task;
struct km_file;

/* Told when a backing's last reference goes (before its pages are freed). */
struct mm_backing_ops {
    void (*release)(void *ctx, const u8 *host, u64 len);
};

/* A zeroed backing of len bytes (rounded up to pages) with one reference;
 * NULL when the host has no memory for it. */
struct mm_backing *mm_backing_new(u64 len, const struct mm_backing_ops *ops, void *ctx);
u8 *mm_backing_host(const struct mm_backing *b);
u64 mm_backing_len(const struct mm_backing *b);
void mm_backing_put(struct mm_backing *b);
/* The ctx b was made with if it was made with ops, else NULL. */
void *mm_backing_ctx(const struct mm_backing *b, const struct mm_backing_ops *ops);
/* Map [off, off+len) of b (off page aligned) as a MAP_SHARED vma; placement
 * and MAP_FIXED as mm_map_anon. Takes its own reference on b. */
i64 mm_map_backing(struct mm *mm, u64 addr, u64 len, int prot, int flags, struct mm_backing *b,
                   u64 off, const char *name);

/* mmap(addr, len, prot, flags, fd's description f, off) into t->mm, with
 * the checks of Linux's do_mmap for a file: -LX_ENODEV (not a regular
 * file), -LX_EACCES (not open for reading; MAP_SHARED + PROT_WRITE without
 * O_RDWR; O_APPEND), -LX_EOVERFLOW (off + len wraps). MAP_PRIVATE copies
 * the file's bytes into private pages at map time (the rest of the last
 * page and any page past the end of the file read as zeros); MAP_SHARED
 * views the file's shared backing. Returns the address or -LX_E*. */
i64 mm_file_map(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 len, int prot,
                int flags, u64 off);

/* Write the shared file pages in [addr, addr+len) of mm back to their
 * host files (msync, and munmap before the pages go): only pages that
 * changed since the last write-back, never past the file's current end.
 * -LX_ENOMEM if part of the range is unmapped, else 0. */
int mm_file_sync(struct mm *mm, u64 addr, u64 len);

#endif
