/* Fuzz target: clone3's copy-in and the clone rules. km_clone3_copy_in
 * then km_clone, as sys_clone3 runs them, on a booted bare model
 * (kernel-model/bare_host.h) with arbitrary struct contents and sizes.
 *
 * Input: byte 0 the arch (x86-64, aarch64, s390x); bytes 1-2 the size
 * argument (little-endian, 0..65535: below VER0, every version, above a
 * page); byte 3 where the struct lies (0: the mapped 1 MiB at 0x10000, 1:
 * straddling its end, 2: the read-only page at 0x200000, 3: unmapped);
 * byte 4 a mask: bit i set makes pointer field i (pidfd, child_tid,
 * parent_tid, stack, tls, set_tid) point into the mapped area at its low
 * 16 bits, so the fuzzer reaches the paths past EFAULT; the rest is the
 * struct's bytes in the guest's byte order. */
#include "fuzz/fuzz.h"
#include "kernel-model/bare_host.h"
#include "kernel-model/internal.h"

#include <stdlib.h>
#include <string.h>

#define AREA     0x10000ULL
#define AREA_LEN 0x100000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct km_abi *const abis[] = {&km_abi_x86_64, &km_abi_aarch64, &km_abi_s390x};
    if (size < 5) return 0;
    const struct km_abi *abi = abis[data[0] % 3];
    u64 argsize = (u64)data[1] | (u64)data[2] << 8;
    u8 where = data[3] % 4, mask = data[4];
    data += 5;
    size -= 5;
    if (size > 8192) size = 8192;

    struct km k;
    struct task *t = km_bare_boot(&k, abi);
    k.current = t;
    static const u64 bases[] = {AREA + 0x1000, AREA + AREA_LEN - 48, 0x200000, 0x7000000};
    u64 uargs = bases[where];
    u8 buf[8192] = {0};
    memcpy(buf, data, size);
    static const int ptr_off[] = {8, 16, 24, 40, 56, 64};
    bool be = abi->big_endian;
    for (int i = 0; i < 6; i++)
        if (mask & (1u << i) && size >= (size_t)ptr_off[i] + 8)
            lx_put64(be, buf + ptr_off[i], AREA + (lx_get64(be, buf + ptr_off[i]) & 0xffff));
    /* The bytes land where the guest's memory is writable (mm_poke writes
     * read-only pages too, as the loader does; unmapped stays unmapped). */
    for (size_t off = 0; off < size; off += 512) {
        size_t n = size - off < 512 ? size - off : 512;
        mm_poke(t->mm, uargs + off, buf + off, n);
    }
    struct kernel_clone_args args;
    i64 r = km_clone3_copy_in(&k, t, uargs, argsize, &args);
    if (r == 0) r = km_clone(&k, t, &args);
    if (r != KM_BLOCKED && r < 0 && !lx_is_err(r)) abort(); /* an errno or a tid */
    km_bare_shutdown(&k);
    return 0;
}
