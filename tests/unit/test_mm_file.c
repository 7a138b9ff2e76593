/* Unit test of file-backed mmap (kernel-model/mm_file.c through sys_mem.c's
 * mmap/munmap/mprotect) on an x86-64 process with the in-memory hostfs of
 * support/fake_fs.c: MAP_PRIVATE copies with offsets and a zero-filled
 * tail, MAP_SHARED pages shared by every mapping of a file (same mm, a
 * second open, a fork) and written back to the file on munmap and when
 * the last mapping goes, never past the end of the file and without
 * undoing a write(2); the errors of do_mmap for files. */
#include "kernel-model/internal.h"
#include "kernel-model/mm_file.h"
#include "tests/unit/support/fake_fs.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

#include <stdio.h>
#include <string.h>

static struct km K;
static struct task *P;

#define PG     4096ULL
#define A_PATH 0x10600ULL
#define A_BUF  0x10800ULL
#define FILE3  "/data/three" /* three pages: 'A'..., 'B'..., 'C' x 100 */

static i64 sys(struct task *t, const char *name, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    const u64 a[6] = {a0, a1, a2, a3, a4, a5};
    for (u32 i = 0; i < km_abi_x86_64.nr_count; i++)
        if (km_abi_x86_64.sys[i].name && !strcmp(km_abi_x86_64.sys[i].name, name))
            return km_syscall(&K, t, i, a);
    printf("no x86-64 syscall %s\n", name);
    return -LX_ENOSYS;
}

static void boot(void)
{
    fake_fs_reset();
    fake_fs_add("/data", true, NULL, 0755);
    int n = fake_fs_add(FILE3, false, NULL, 0644);
    memset(fake_fs_nodes[n].data, 'A', PG);
    memset(fake_fs_nodes[n].data + PG, 'B', PG);
    memset(fake_fs_nodes[n].data + 2 * PG, 'C', 100);
    fake_fs_nodes[n].size = 2 * PG + 100;
    fake_fs_add("/data/small", false, "hello", 0644);
    P = fake_fs_boot(&K, &km_abi_x86_64);
}

static i64 open_file(const char *path, u64 flags)
{
    mm_write(P->mm, A_PATH, path, strlen(path) + 1);
    return sys(P, "open", A_PATH, flags, 0, 0, 0, 0);
}

static i64 map(u64 addr, u64 len, int prot, int flags, i64 fd, u64 off)
{
    return sys(P, "mmap", addr, len, (u64)prot, (u64)flags, (u64)fd, off);
}

/* Every byte of guest [addr, addr+n) is c. */
static bool guest_all(struct task *t, u64 addr, char c, size_t n)
{
    char b[PG];
    if (n > sizeof(b) || mm_read(t->mm, addr, b, n) < 0) return false;
    for (size_t i = 0; i < n; i++)
        if (b[i] != c) return false;
    return true;
}

static const struct fake_fs_node *node(const char *path)
{
    return &fake_fs_nodes[fake_fs_find(path)];
}

static void test_private(void)
{
    boot();
    i64 fd = open_file(FILE3, LX_O_RDONLY);
    CHECK(fd >= 3, "open = %lld", (long long)fd);
    i64 a = map(0, 3 * PG, LX_PROT_READ | LX_PROT_EXEC, LX_MAP_PRIVATE, fd, 0);
    CHECK(a > 0 && !(a & (PG - 1)), "mmap = %#llx", (unsigned long long)a);
    CHECK(guest_all(P, (u64)a, 'A', PG) && guest_all(P, (u64)a + PG, 'B', PG), "file pages");
    CHECK(guest_all(P, (u64)a + 2 * PG, 'C', 100), "partial last page: the file's bytes");
    CHECK(guest_all(P, (u64)a + 2 * PG + 100, 0, PG - 100), "partial last page: zero after EOF");
    const struct vma *v = mm_find_vma(P->mm, (u64)a);
    CHECK(v && v->prot == (LX_PROT_READ | LX_PROT_EXEC), "PROT_EXEC text mapping");
    CHECK(mm_write(P->mm, (u64)a, "x", 1) == -LX_EFAULT, "read-only: a write faults");
    /* with an offset, over the old range (MAP_FIXED), and writable */
    i64 b = map((u64)a, PG, LX_PROT_READ | LX_PROT_WRITE, LX_MAP_PRIVATE | LX_MAP_FIXED, fd, PG);
    CHECK(b == a, "MAP_FIXED at the same address = %#llx", (unsigned long long)b);
    CHECK(guest_all(P, (u64)a, 'B', PG), "offset PG: the second page");
    CHECK(mm_write(P->mm, (u64)a, "zz", 2) == 0, "private write");
    CHECK(guest_all(P, (u64)a + PG, 'B', PG), "the old mapping's rest stays");
    CHECK(node(FILE3)->data[PG] == 'B', "a private write does not reach the file");
    CHECK(sys(P, "mprotect", (u64)a, PG, LX_PROT_READ, 0, 0, 0) == 0, "mprotect");
    CHECK(mm_write(P->mm, (u64)a, "x", 1) == -LX_EFAULT, "after mprotect(PROT_READ)");
    /* a page entirely past the end of the file */
    i64 c = map(0, PG, LX_PROT_READ, LX_MAP_PRIVATE, fd, 3 * PG);
    CHECK(c > 0 && guest_all(P, (u64)c, 0, PG), "past EOF: zeros");
    CHECK(sys(P, "munmap", (u64)a, 2 * PG, 0, 0, 0, 0) == 0, "munmap");
    fake_shutdown(&K);
}

static void test_errors(void)
{
    boot();
    i64 ro = open_file(FILE3, LX_O_RDONLY), wo = open_file(FILE3, LX_O_WRONLY);
    i64 dir = open_file("/data", LX_O_RDONLY | LX_O_DIRECTORY);
    int rw = LX_PROT_READ | LX_PROT_WRITE;
    CHECK(map(0, PG, LX_PROT_READ, LX_MAP_PRIVATE, 55, 0) == -LX_EBADF, "bad fd: EBADF");
    CHECK(map(0, PG, LX_PROT_READ, LX_MAP_PRIVATE, wo, 0) == -LX_EACCES, "O_WRONLY: EACCES");
    CHECK(map(0, PG, rw, LX_MAP_SHARED, ro, 0) == -LX_EACCES,
          "MAP_SHARED+PROT_WRITE on O_RDONLY: EACCES");
    CHECK(map(0, PG, rw, LX_MAP_PRIVATE, ro, 0) > 0, "MAP_PRIVATE+PROT_WRITE on O_RDONLY: fine");
    CHECK(map(0, PG, LX_PROT_READ, LX_MAP_PRIVATE, dir, 0) == -LX_ENODEV, "directory: ENODEV");
    CHECK(map(0, PG, LX_PROT_READ, LX_MAP_PRIVATE, ro, 100) == -LX_EINVAL,
          "unaligned offset: EINVAL");
    CHECK(map(0, PG, LX_PROT_READ, LX_MAP_PRIVATE, ro, (u64)-PG) == -LX_EOVERFLOW,
          "offset + len wraps: EOVERFLOW");
    fake_shutdown(&K);
}

static void test_shared(void)
{
    boot();
    i64 fd = open_file(FILE3, LX_O_RDWR), fd2 = open_file(FILE3, LX_O_RDWR);
    int rw = LX_PROT_READ | LX_PROT_WRITE;
    i64 a = map(0, 3 * PG, rw, LX_MAP_SHARED, fd, 0);
    i64 b = map(0, PG, LX_PROT_READ, LX_MAP_SHARED, fd2, PG); /* the second page, another open */
    CHECK(a > 0 && b > 0 && a != b, "two shared mappings");
    CHECK(guest_all(P, (u64)b, 'B', PG), "shared: the file's bytes at offset PG");
    CHECK(mm_write(P->mm, (u64)a + PG, "shared", 6) == 0, "write through the first");
    char got[7] = {0};
    mm_read(P->mm, (u64)b, got, 6);
    CHECK(!strcmp(got, "shared"), "seen through the second at once: '%s'", got);
    CHECK(node(FILE3)->data[PG] == 'B', "not yet in the file");
    /* a write(2) to page 0 meanwhile is not undone by the write-back */
    mm_write(P->mm, A_BUF, "WRITE", 5);
    CHECK(sys(P, "pwrite64", (u64)fd2, A_BUF, 5, 0, 0, 0) == 5, "pwrite64 page 0");
    /* past the end of the file inside the last page: never written */
    CHECK(mm_write(P->mm, (u64)a + 2 * PG + 200, "tail", 4) == 0, "write past EOF");
    CHECK(sys(P, "munmap", (u64)b, PG, 0, 0, 0, 0) == 0, "munmap the second");
    CHECK(!memcmp(node(FILE3)->data + PG, "shared", 6), "munmap wrote the page back");
    CHECK(!memcmp(node(FILE3)->data, "WRITE", 5), "pwrite64's bytes survive");
    CHECK(node(FILE3)->size == 2 * PG + 100, "the file did not grow (%zu)", node(FILE3)->size);
    /* a fork shares the pages; the last unmap (exit) writes back */
    struct mm *child = mm_fork(P->mm, 99);
    CHECK(mm_write(child, (u64)a + 2, "kid", 3) == 0, "the fork writes");
    CHECK(guest_all(P, (u64)a + 2, 'k', 1), "the parent sees it");
    mm_put(child);
    sys(P, "close", (u64)fd, 0, 0, 0, 0, 0);
    sys(P, "close", (u64)fd2, 0, 0, 0, 0, 0);
    CHECK(mm_write(P->mm, (u64)a + 2 * PG, "end", 3) == 0, "write after close");
    fake_shutdown(&K); /* the process's mm goes: its last mapping */
    CHECK(!memcmp(fake_fs_nodes[fake_fs_find(FILE3)].data + 2, "kid", 3) &&
              !memcmp(fake_fs_nodes[fake_fs_find(FILE3)].data + 2 * PG, "end", 3),
          "the last mapping's pages reached the file after the fds closed");
}

/* A shared mapping larger than the first one's backing gets a new backing
 * after the old one is written back. */
static void test_shared_grow(void)
{
    boot();
    i64 fd = open_file("/data/small", LX_O_RDWR);
    int rw = LX_PROT_READ | LX_PROT_WRITE;
    i64 a = map(0, PG, rw, LX_MAP_SHARED, fd, 0);
    CHECK(mm_write(P->mm, (u64)a, "J", 1) == 0, "write");
    i64 b = map(0, 2 * PG, rw, LX_MAP_SHARED, fd, 0);
    CHECK(b > 0 && guest_all(P, (u64)b, 'J', 1), "the larger mapping sees the first's write");
    CHECK(!memcmp(node("/data/small")->data, "Jello", 5), "written back first");
    fake_shutdown(&K);
}

int main(void)
{
    test_private();
    test_errors();
    test_shared();
    test_shared_grow();
    return check_report("test_mm_file");
}
