/* Fuzz target: the ELF loader (emu/loader.c) on arbitrary bytes, through
 * loader_probe and loader_exec as `clonemu run` calls them, into a model
 * mm with a CPU that only observes (no engine). Truncated, overlapping,
 * huge and misaligned segments, bad e_machine, absurd phnum: each must be
 * refused with an errno or loaded, never crash or leak. The bytes go to
 * a memfd read back through /proc/self/fd; PT_INTERP paths resolve under
 * an empty scratch root (no host file is read). */
#include "emu/loader.h"
#include "fuzz/fuzz.h"
#include "kernel-model/bare_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

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
static void obs_map(void *ctx, struct mm *mm, u64 start, u64 len, int prot, u8 *host)
{
    (void)ctx, (void)mm, (void)start, (void)len, (void)prot, (void)host;
}
static void obs_unmap(void *ctx, struct mm *mm, u64 start, u64 len)
{
    (void)ctx, (void)mm, (void)start, (void)len;
}
static void obs_protect(void *ctx, struct mm *mm, u64 start, u64 len, int prot)
{
    (void)ctx, (void)mm, (void)start, (void)len, (void)prot;
}
static void obs_destroy(void *ctx, struct mm *mm)
{
    (void)ctx, (void)mm;
}
static const struct mm_observer noop_observer = {obs_map, obs_unmap, obs_protect, obs_destroy};
static const struct cpu_ops observer_cpu = {
    .name = "fuzz", .observer = &noop_observer, .observer_ctx = no_ctx, .supports = any_abi};

static int memfd = -1;
static char path[64], root[64] = "/tmp/clonemu-fuzz-root-XXXXXX";

static void fuzz_atexit(void)
{
    rmdir(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0) {
        memfd = memfd_create("fuzz-elf", MFD_CLOEXEC);
        if (memfd < 0 || !mkdtemp(root)) abort();
        atexit(fuzz_atexit);
        snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    }
    if (ftruncate(memfd, 0) < 0 || (size && pwrite(memfd, data, size, 0) != (ssize_t)size)) abort();
    const struct km_abi *abi = NULL;
    char err[256];
    if (loader_probe(path, &abi, err, sizeof err) < 0) return 0;
    struct km k;
    km_bare_boot(&k, abi);
    k.opt.root = root;
    char *const argv[] = {"prog", "arg", NULL};
    char *const envp[] = {"K=V", NULL};
    struct mm *mm = NULL;
    struct loader_image img;
    if (loader_exec(&k, &observer_cpu, NULL, path, "/prog", argv, envp, &abi, &mm, &img, err,
                    sizeof err) == 0) {
        /* the stack must be readable where the loader says it is */
        u64 argc = 0;
        if (mm_read_u64(mm, img.sp, &argc) < 0 || argc != 2) abort();
        mm_put(mm);
    }
    km_bare_shutdown(&k);
    return 0;
}
