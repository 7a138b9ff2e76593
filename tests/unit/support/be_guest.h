/* Shared by the big-endian tests (test_bigendian*.c): one s390x process
 * on the fake host with the in-memory hostfs (support/fake_fs.c), syscalls
 * called by their s390x kernel names, and byte-level checks of guest
 * memory. Values are chosen so that a little-endian read or write would
 * differ. */
#ifndef CLONEMU_BE_GUEST_H
#define CLONEMU_BE_GUEST_H

#include <stdio.h>
#include <string.h>

#include "kernel-model/internal.h"
#include "tests/unit/support/fake_fs.h"
#include "tests/unit/support/fake_host.h"

/* the checks count into passed, failed of be_guest.c */
#define CHECK_SHARED_COUNTERS
#include "tests/unit/support/check.h"

/* Guest addresses in the RW region fake_boot maps at 0x10000. */
#define A_ARGS  0x10000ULL /* clone_args / mmap args / sigaction ... */
#define A_OUT   0x10200ULL /* a structure the kernel writes */
#define A_INT1  0x10400ULL
#define A_INT2  0x10440ULL
#define A_PATH  0x10600ULL /* a path string */
#define A_BUF   0x10800ULL
#define A_STACK 0x40000ULL

extern struct km K;
extern struct task *P; /* the initial s390x process */

/* A fresh model: the fake hostfs holds /etc (a, bb files) and /tmp, and P
 * is an s390x process. End each test with fake_shutdown(&K). */
void boot(void);
u32 nr(const char *name); /* s390x syscall number of a kernel name */
i64 sys(struct task *t, const char *name, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4);
i64 sys6(struct task *t, const char *name, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
void poke(struct task *t, u64 addr, const void *b, size_t n);
void fill(struct task *t, u64 addr, u8 v, size_t n);
u64 put_str(struct task *t, u64 addr, const char *s); /* addr */
bool bytes_are(struct task *t, u64 addr, const u8 *want, size_t n);
u64 be64_at(struct task *t, u64 addr);
u32 be32_at(struct task *t, u64 addr);
u16 be16_at(struct task *t, u64 addr);
void put_be64s(struct task *t, u64 addr, const u64 *v, int n);

#endif
