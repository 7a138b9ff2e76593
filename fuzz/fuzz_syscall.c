/* Fuzz target: random syscall numbers and arguments against a running
 * bare model (kernel-model/bare_host.h) through km_syscall, the entry the
 * CPU's trap takes, with the run loop's protocol around it: the model's
 * scheduler picks the task, a woken task's pending syscall is resumed
 * first (km_syscall_resume) and every result goes back through
 * km_return_to_user (signal delivery). The bare host has no CPU, so the
 * fuzzer plays the guest: a blocked task stays blocked until the model
 * wakes it, and the run ends when no task can run or after 48 steps.
 * The file system is fuzz_hostfs (no host file is ever touched).
 *
 * Input: byte 0 the arch; then 28-byte records: u16 syscall number (the
 * arch's numbering, a bit beyond its table too), u16 argument modes (2
 * bits per argument: 0 the 32-bit value, 1 a pointer into the mapped 1 MiB
 * at 0x10000, 2 the value sign-extended, 3 the value in both halves), six
 * u32 argument values. The area starts with a few paths, then zeros. */
#include "fuzz/fuzz.h"
#include "kernel-model/bare_host.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AREA      0x10000ULL
#define AREA_LEN  0x100000ULL
#define REC       28
#define MAX_STEPS 48

static u64 arg_of(u8 mode, u32 v)
{
    switch (mode & 3) {
    case 0: return v;
    case 1: return AREA + (v % AREA_LEN);
    case 2: return (u64)(i64)(i32)v;
    default: return (u64)v << 32 | v;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct km_abi *const abis[] = {&km_abi_x86_64, &km_abi_aarch64, &km_abi_s390x};
    if (size < 1) return 0;
    const struct km_abi *abi = abis[data[0] % 3];
    data++;
    size--;

    static int trace = -1; /* FUZZ_TRACE=1: each call on stderr (replaying a crash) */
    if (trace < 0) trace = getenv("FUZZ_TRACE") != NULL;
    static struct km_host host;
    struct km k;
    km_bare_boot(&k, abi);
    host = *k.host;
    host.fs = &fuzz_hostfs;
    k.host = &host;
    fuzz_hostfs_reset();
    static const char *const paths[] = {
        "/etc/hostname",  "/bin/true", "/proc/self/status", "/tmp/x", "/proc/self/exe", "..", "/",
        "/proc/self/maps"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        mm_poke(k.tasks_tail->mm, AREA + 32 * i, paths[i], strlen(paths[i]) + 1);

    for (int step = 0; step < MAX_STEPS && size >= REC; step++, data += REC, size -= REC) {
        struct task *t = km_sched_next(&k);
        if (!t) break;
        task_get(t);
        if (t->psys.active) { /* the run loop's order: a woken syscall first */
            i64 r = km_syscall_resume(&k, t);
            if (r != KM_BLOCKED) km_return_to_user(&k, t, r);
        } else if (km_task_can_run(&k, t)) {
            km_return_to_user(&k, t, KM_NORET);
            if (km_task_can_run(&k, t)) {
                u32 nr = (u32)(data[0] | data[1] << 8) % (abi->nr_count + 16);
                u16 modes = (u16)(data[2] | data[3] << 8);
                u64 a[6];
                for (int i = 0; i < 6; i++) {
                    const u8 *p = data + 4 + 4 * i;
                    a[i] = arg_of((u8)(modes >> (2 * i)),
                                  (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24);
                }
                i64 r = km_syscall(&k, t, nr, a);
                if (trace)
                    fprintf(stderr,
                            "tid %d: %s(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
                            ", %#" PRIx64 ", %#" PRIx64 ") = %" PRId64 "\n",
                            t->tid,
                            nr < abi->nr_count && abi->sys[nr].name ? abi->sys[nr].name : "?", a[0],
                            a[1], a[2], a[3], a[4], a[5], r);
                if (r != KM_BLOCKED) km_return_to_user(&k, t, r);
            }
        }
        task_put(&k, t);
    }
    km_bare_shutdown(&k);
    return 0;
}
