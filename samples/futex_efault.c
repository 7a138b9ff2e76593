/*
 * futex_efault.c - IDEA: which futex calls fault on memory that is not
 * there (get_futex_key, kernel/futex/core.c). A shared (non-PRIVATE)
 * futex pins its page first, so FUTEX_WAKE on an unmapped or PROT_NONE
 * word is EFAULT, on a read-only word fine (wake only reads), while the
 * second word of FUTEX_CMP_REQUEUE and FUTEX_WAKE_OP must be writable. A
 * PRIVATE futex is only an (mm, address) pair: FUTEX_WAKE_PRIVATE on
 * unmapped or PROT_NONE memory finds no waiter and returns 0; FUTEX_WAIT
 * reads the word, so it is EFAULT either way there (EAGAIN where the word
 * is readable and not the expected value). A misaligned word is EINVAL.
 * (LTP's futex_wake05 and futex_cmp_requeue03 test the shared cases.)
 */
#include "common.h"

#include <linux/futex.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* val2 is nr_requeue for the requeues and the (absent) timeout of WAIT */
static long fx(void *a, int op, int val, long val2, void *a2, int val3)
{
    return syscall(SYS_futex, a, op, val, (void *)val2, a2, val3);
}

static const char *res(long r)
{
    return r < 0 ? errno_name(errno) : "OK";
}

int main(void)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    char *rw = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rw == MAP_FAILED) fail("mmap");
    char *unmapped = rw + pg, *none = rw + 2 * pg, *ro = rw + 3 * pg;
    if (munmap(unmapped, pg) < 0 || mprotect(none, pg, PROT_NONE) < 0 ||
        mprotect(ro, pg, PROT_READ) < 0)
        fail("setup");
    const struct {
        const char *name;
        void *addr;
    } mem[] = {{"read-write", rw}, {"unmapped", unmapped}, {"PROT_NONE", none}, {"read-only", ro}};
    for (int i = 0; i < 4; i++) {
        void *a = mem[i].addr;
        /* one call at a time: argument evaluation order differs between
         * compilers; WAKE_OP sets uaddr2 to 0, so the word stays 0 */
        const char *w = res(fx(a, FUTEX_WAKE, 1, 0, NULL, 0));
        const char *wp = res(fx(a, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0));
        const char *wt = res(fx(a, FUTEX_WAIT, 1, 0, NULL, 0));
        const char *wtp = res(fx(a, FUTEX_WAIT_PRIVATE, 1, 0, NULL, 0));
        say("%s: WAKE %s, WAKE_PRIVATE %s, WAIT %s, WAIT_PRIVATE %s\n", mem[i].name, w, wp, wt,
            wtp);
        const char *rq = res(fx(rw, FUTEX_CMP_REQUEUE, 1, 1, a, 0));
        const char *rqp = res(fx(rw, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, a, 0));
        const char *op =
            res(fx(rw, FUTEX_WAKE_OP, 1, 1, a, FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 0)));
        say("%s as uaddr2: CMP_REQUEUE %s, CMP_REQUEUE_PRIVATE %s, WAKE_OP %s\n", mem[i].name, rq,
            rqp, op);
    }
    say("misaligned: WAKE %s, WAKE_PRIVATE %s\n", res(fx(rw + 2, FUTEX_WAKE, 1, 0, NULL, 0)),
        res(fx(rw + 2, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0)));
    return 0;
}
