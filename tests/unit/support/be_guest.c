#include "tests/unit/support/be_guest.h"

#include <stdlib.h>

int passed, failed;
struct km K;
struct task *P;

void boot(void)
{
    fake_fs_reset();
    fake_fs_add("/etc", true, NULL, 0755);
    fake_fs_add("/etc/a", false, "0123456789abcdef", 0644);
    fake_fs_add("/etc/bb", false, "xy", 0644);
    fake_fs_add("/tmp", true, NULL, 01777);
    P = fake_fs_boot(&K, &km_abi_s390x);
}

u32 nr(const char *name)
{
    for (u32 i = 0; i < km_abi_s390x.nr_count; i++)
        if (km_abi_s390x.sys[i].name && !strcmp(km_abi_s390x.sys[i].name, name)) return i;
    printf("no s390x syscall %s\n", name);
    return 0xffff;
}

i64 sys6(struct task *t, const char *name, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    const u64 a[6] = {a0, a1, a2, a3, a4, a5};
    return km_syscall(&K, t, nr(name), a);
}

i64 sys(struct task *t, const char *name, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
    return sys6(t, name, a0, a1, a2, a3, a4, 0);
}

void poke(struct task *t, u64 addr, const void *b, size_t n)
{
    CHECK(mm_write(t->mm, addr, b, n) == 0, "mm_write %#llx", (unsigned long long)addr);
}

void fill(struct task *t, u64 addr, u8 v, size_t n)
{
    u8 b[512];
    if (n > sizeof b) abort();
    memset(b, v, n);
    poke(t, addr, b, n);
}

u64 put_str(struct task *t, u64 addr, const char *s)
{
    poke(t, addr, s, strlen(s) + 1);
    return addr;
}

bool bytes_are(struct task *t, u64 addr, const u8 *want, size_t n)
{
    u8 got[512];
    if (n > sizeof got || mm_read(t->mm, addr, got, n)) return false;
    if (!memcmp(got, want, n)) return true;
    printf("  at %#llx got:", (unsigned long long)addr);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", got[i]);
    printf("\n  want:        ");
    for (size_t i = 0; i < n; i++)
        printf(" %02x", want[i]);
    printf("\n");
    return false;
}

u64 be64_at(struct task *t, u64 addr)
{
    u8 b[8] = {0};
    mm_read(t->mm, addr, b, 8);
    return lx_get64(true, b);
}

u32 be32_at(struct task *t, u64 addr)
{
    u8 b[4] = {0};
    mm_read(t->mm, addr, b, 4);
    return lx_get32(true, b);
}

u16 be16_at(struct task *t, u64 addr)
{
    u8 b[2] = {0};
    mm_read(t->mm, addr, b, 2);
    return lx_get16(true, b);
}

void put_be64s(struct task *t, u64 addr, const u64 *v, int n)
{
    u8 b[256];
    if ((size_t)n * 8 > sizeof b) abort();
    for (int i = 0; i < n; i++)
        lx_put64(true, b + 8 * i, v[i]);
    poke(t, addr, b, (size_t)n * 8);
}
