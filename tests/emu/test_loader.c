/* Unit test of emu/loader.c's initial stack on a big-endian guest, without
 * a CPU: the loader only needs a cpu_ops for supports() and the mm
 * observer, so a fake one is enough. A minimal s390x ELF (one PT_LOAD) is
 * written to a temporary file; the test reads the stack back from the mm:
 * argc, argv[], envp[] and the auxv pairs are big-endian 64-bit words, as
 * fs/binfmt_elf.c create_elf_tables writes them on s390x; s390's
 * ARCH_DLINFO adds no AT_MINSIGSTKSZ. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/loader.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

static void *no_ctx(const struct km_abi *abi)
{
    (void)abi;
    return NULL;
}
static bool any_abi(const struct km_abi *abi)
{
    (void)abi;
    return true;
}
static const struct cpu_ops fake_cpu = {
    .name = "fake", .observer_ctx = no_ctx, .supports = any_abi};

#define VADDR 0x1000000ULL

/* An ELF64 big-endian s390x ET_EXEC: header, one PT_LOAD of the file. */
static void write_elf(const char *path)
{
    u8 f[256] = {0};
    memcpy(f, "\177ELF", 4);
    f[4] = 2; /* ELFCLASS64 */
    f[5] = 2; /* ELFDATA2MSB */
    f[6] = 1;
    lx_put16(true, f + 16, 2);  /* ET_EXEC */
    lx_put16(true, f + 18, 22); /* EM_S390 */
    lx_put32(true, f + 20, 1);
    lx_put64(true, f + 24, VADDR + 0x80); /* e_entry */
    lx_put64(true, f + 32, 64);           /* e_phoff */
    lx_put16(true, f + 52, 64);           /* e_ehsize */
    lx_put16(true, f + 54, 56);           /* e_phentsize */
    lx_put16(true, f + 56, 1);            /* e_phnum */
    u8 *p = f + 64;
    lx_put32(true, p, 1);     /* PT_LOAD */
    lx_put32(true, p + 4, 5); /* PF_R | PF_X */
    lx_put64(true, p + 8, 0); /* p_offset */
    lx_put64(true, p + 16, VADDR);
    lx_put64(true, p + 24, VADDR);
    lx_put64(true, p + 32, sizeof f); /* p_filesz */
    lx_put64(true, p + 40, sizeof f); /* p_memsz */
    lx_put64(true, p + 48, 0x1000);
    FILE *out = fopen(path, "wb");
    if (!out || fwrite(f, 1, sizeof f, out) != sizeof f || fclose(out)) abort();
}

static u64 word(struct mm *mm, u64 addr)
{
    u64 v = 0;
    mm_read_u64(mm, addr, &v);
    return v;
}

static bool str_at(struct mm *mm, u64 addr, const char *want)
{
    char s[64];
    return mm_read_str(mm, addr, s, sizeof s) >= 0 && !strcmp(s, want);
}

static void test_s390x_stack(void)
{
    char path[] = "/tmp/clonemu-loader-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) abort();
    close(fd);
    write_elf(path);

    struct km k;
    fake_boot(&k, &km_abi_s390x); /* for km_rand and the options */
    char *const argv[] = {"prog", "a1", NULL};
    char *const envp[] = {"K=V", NULL};
    const struct km_abi *abi = NULL;
    struct mm *mm = NULL;
    struct loader_image img;
    char err[256] = "";
    int rc = loader_exec(&k, &fake_cpu, NULL, path, "/bin/prog", argv, envp, &abi, &mm, &img, err,
                         sizeof err);
    unlink(path);
    CHECK(rc == 0 && abi == &km_abi_s390x, "loader_exec = %d (%s)", rc, err);
    if (rc) {
        fake_shutdown(&k);
        return;
    }
    CHECK(mm->big_endian, "a big-endian mm");
    CHECK(img.entry == VADDR + 0x80 && img.phdr == VADDR + 64, "entry %#llx, AT_PHDR %#llx",
          (unsigned long long)img.entry, (unsigned long long)img.phdr);
    u64 sp = img.sp;
    CHECK(!(sp & 15), "SP 16-aligned");
    /* the first byte of argc is 0 on a big-endian stack, 2 on a little one */
    u8 b[8];
    mm_read(mm, sp, b, 8);
    CHECK(b[0] == 0 && b[7] == 2, "argc is a big-endian 2");
    CHECK(str_at(mm, word(mm, sp + 8), "prog") && str_at(mm, word(mm, sp + 16), "a1"),
          "argv pointers big-endian");
    CHECK(word(mm, sp + 24) == 0, "argv NULL");
    CHECK(str_at(mm, word(mm, sp + 32), "K=V") && word(mm, sp + 40) == 0, "envp");
    u64 a = sp + 48, seen_minsig = 0, n = 0;
    u64 at[64] = {0};
    for (; n < 64; n++, a += 16) {
        u64 type = word(mm, a), val = word(mm, a + 8);
        if (type == LX_AT_NULL) break;
        if (type < 64) at[type] = val;
        if (type == LX_AT_MINSIGSTKSZ) seen_minsig = 1;
    }
    CHECK(n < 64 && word(mm, a + 8) == 0, "auxv ends with AT_NULL, 0");
    CHECK(at[LX_AT_PAGESZ] == 4096 && at[LX_AT_PHENT] == 56 && at[LX_AT_PHNUM] == 1,
          "AT_PAGESZ, AT_PHENT, AT_PHNUM");
    CHECK(at[LX_AT_PHDR] == img.phdr && at[LX_AT_ENTRY] == img.entry, "AT_PHDR, AT_ENTRY");
    CHECK(at[LX_AT_HWCAP] == km_abi_s390x.hwcap && at[LX_AT_CLKTCK] == 100, "AT_HWCAP, CLKTCK");
    CHECK(str_at(mm, at[LX_AT_PLATFORM], "z196") && str_at(mm, at[LX_AT_EXECFN], "/bin/prog"),
          "AT_PLATFORM, AT_EXECFN strings");
    CHECK(at[LX_AT_RANDOM] > sp && at[LX_AT_RANDOM] < km_abi_s390x.stack_top, "AT_RANDOM");
    CHECK(!seen_minsig, "no AT_MINSIGSTKSZ on s390x");
    mm_put(mm);
    fake_shutdown(&k);
}

int main(void)
{
    test_s390x_stack();
    return check_report("test_loader");
}
