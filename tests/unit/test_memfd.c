/* Unit test of memfd_create (kernel-model/memfd.c) and msync on an x86-64
 * process with the in-memory hostfs of support/fake_fs.c: the flag and
 * name rules (EINVAL, EFAULT), MFD_CLOEXEC, the "/memfd:NAME (deleted)"
 * name in /proc/self/fd, read/write through the host file, a MAP_SHARED
 * mapping written back by msync and msync's own argument rules, and
 * F_GET_SEALS when the host takes no seals (EINVAL). */
#include "kernel-model/internal.h"
#include "tests/unit/support/check.h"
#include "tests/unit/support/fake_fs.h"
#include "tests/unit/support/fake_host.h"

#include <stdio.h>
#include <string.h>

static struct km K;
static struct task *P;

#define PG     4096ULL
#define A_NAME 0x10600ULL
#define A_BUF  0x10800ULL

static i64 sys(const char *name, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    const u64 a[6] = {a0, a1, a2, a3, a4, a5};
    for (u32 i = 0; i < km_abi_x86_64.nr_count; i++)
        if (km_abi_x86_64.sys[i].name && !strcmp(km_abi_x86_64.sys[i].name, name))
            return km_syscall(&K, P, i, a);
    printf("no x86-64 syscall %s\n", name);
    return -LX_ENOSYS;
}

static i64 memfd(const char *name, u64 flags)
{
    mm_write(P->mm, A_NAME, name, strlen(name) + 1);
    return sys("memfd_create", A_NAME, flags, 0, 0, 0, 0);
}

int main(void)
{
    fake_fs_reset();
    P = fake_fs_boot(&K, &km_abi_x86_64);
    CHECK_EQ(memfd("x", 0x100), -LX_EINVAL);
    CHECK_EQ(memfd("x", 0x10 | 0x8), -LX_EINVAL); /* MFD_EXEC | MFD_NOEXEC_SEAL */
    CHECK_EQ(memfd("x", 21u << 26), -LX_EINVAL);  /* a huge page size without MFD_HUGETLB */
    CHECK(memfd("x", 0x4 | (21u << 26)) >= 0, "MFD_HUGETLB with a size");
    char name[251];
    memset(name, 'n', 250);
    name[250] = 0;
    CHECK_EQ(memfd(name, 0), -LX_EINVAL);
    name[249] = 0;
    i64 fd249 = memfd(name, 0);
    CHECK(fd249 >= 0, "a name of 249 bytes (%lld)", (long long)fd249);
    CHECK_EQ(sys("memfd_create", 8, 0, 0, 0, 0, 0), -LX_EFAULT);

    i64 fd = memfd("box", 1 /* MFD_CLOEXEC */);
    CHECK(fd >= 3, "memfd_create (%lld)", (long long)fd);
    CHECK_EQ(sys("fcntl", (u64)fd, LX_F_GETFD, 0, 0, 0, 0), LX_FD_CLOEXEC);
    CHECK_EQ(sys("fcntl", (u64)fd249, LX_F_GETFD, 0, 0, 0, 0), 0);
    char path[64], link[64] = {0};
    snprintf(path, sizeof path, "/proc/self/fd/%lld", (long long)fd);
    mm_write(P->mm, A_NAME, path, strlen(path) + 1);
    i64 n = sys("readlink", A_NAME, A_BUF, sizeof link, 0, 0, 0);
    mm_read(P->mm, A_BUF, link, n > 0 ? (size_t)n : 0);
    CHECK(strcmp(link, "/memfd:box (deleted)") == 0, "fd link '%s'", link);

    mm_write(P->mm, A_BUF, "hello", 5);
    CHECK_EQ(sys("write", (u64)fd, A_BUF, 5, 0, 0, 0), 5);
    CHECK_EQ(sys("ftruncate", (u64)fd, PG, 0, 0, 0, 0), 0);
    i64 a = sys("mmap", 0, PG, LX_PROT_READ | LX_PROT_WRITE, LX_MAP_SHARED, (u64)fd, 0);
    CHECK(a > 0, "mmap MAP_SHARED (%lld)", (long long)a);
    char b[8] = {0};
    mm_read(P->mm, (u64)a, b, 5);
    CHECK(memcmp(b, "hello", 5) == 0, "the mapping shows the file");
    mm_write(P->mm, (u64)a, "HELLO", 5);
    CHECK_EQ(sys("msync", (u64)a + 1, PG, 4, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sys("msync", (u64)a, PG, 1 | 4, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sys("msync", (u64)a, PG, 8, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sys("msync", (u64)a, 0, 4, 0, 0, 0), 0);
    CHECK_EQ(sys("msync", (u64)a, PG, 4, 0, 0, 0), 0);
    CHECK_EQ(sys("pread64", (u64)fd, A_BUF, 5, 0, 0, 0), 5);
    mm_read(P->mm, A_BUF, b, 5);
    CHECK(memcmp(b, "HELLO", 5) == 0, "msync wrote the page back: '%.5s'", b);
    CHECK_EQ(sys("munmap", (u64)a, PG, 0, 0, 0, 0), 0);
    CHECK_EQ(sys("msync", (u64)a, PG, 4, 0, 0, 0), -LX_ENOMEM);
    CHECK_EQ(sys("fcntl", (u64)fd, LX_F_GET_SEALS, 0, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sys("fcntl", 0, LX_F_ADD_SEALS, 1, 0, 0, 0), -LX_EINVAL);
    fake_shutdown(&K);
    return check_report("test_memfd");
}
