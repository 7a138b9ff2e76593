/*
 * mem_fault_precise.c - IDEA: a memory fault is precise. The program stops
 * exactly at the faulting access: every access before it in program order
 * has happened, once; none after it has; and returning from the SIGSEGV
 * handler runs the faulting access again, and only it.
 *
 * Pages A and C are writable, B is read-only, N has no access at all, D is
 * two pages whose second is read-only. In each round straight-line code
 * (no call in between: one basic block) does an increment of A, then the
 * access that faults, then a store to C. The handler notes what A and C
 * hold at the fault, makes the faulting region accessible and returns.
 *   1. store: A += 1; B = 2 (faults); C = 3
 *   2. load:  A += 1; v = N (faults); C = v
 *   3. copy:  A += 1; 40 bytes copied across D's two pages (faults on the
 *      second); C = 9  (s390x copies with mvc, which Unicorn runs in a
 *      helper: the fault comes from inside it)
 * Expected at each fault: A already incremented, C not yet written; after
 * the round: A incremented exactly once, every value in place.
 *
 * Under clonemu (Unicorn 2.0.1) the fault used to leave a stale PC, often
 * the start of the block: the increment ran twice (emu/cpu_unicorn_fault.inc
 * explains the fix). And on s390x the mvc of round 3 wrote into the
 * read-only page without any fault (res_add in emu/cpu_unicorn_mem.inc).
 */
#include "common.h"

#include <stdint.h>
#include <sys/mman.h>

static volatile uint8_t *pa, *pb, *pc, *pn, *pd;
static uint8_t *fix_lo, *fix_hi; /* the region the handler makes accessible */
static volatile int faults, seen_a, seen_c;
static long pagesz;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    uint8_t *addr = si->si_addr;
    if (addr < fix_lo || addr >= fix_hi) {
        say("unexpected %s %s\n", sig_name(sig), si_code_name(sig, si->si_code));
        _exit(3);
    }
    faults++;
    seen_a = *pa;
    seen_c = *pc;
    if (mprotect(fix_lo, (size_t)(fix_hi - fix_lo), PROT_READ | PROT_WRITE)) _exit(4);
}

static void *map_page(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) fail("mmap");
    return p;
}

static void protect(volatile uint8_t *p, size_t len, int prot)
{
    if (mprotect((void *)p, len, prot)) fail("mprotect");
    fix_lo = (uint8_t *)p;
    fix_hi = (uint8_t *)p + len;
}

static void report(const char *what, int a_now, int c_now, int c_want)
{
    say("%s: faults=%d at_fault_a=%d at_fault_c=%d after_a=%d after_c_ok=%d\n", what, faults,
        seen_a, seen_c, a_now, c_now == c_want);
    faults = seen_a = seen_c = 0;
    *pa = 0;
    *pc = 0;
}

int main(void)
{
    pagesz = sysconf(_SC_PAGESIZE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSEGV, &sa, NULL)) fail("sigaction");
    pa = map_page((size_t)pagesz);
    pb = map_page((size_t)pagesz);
    pc = map_page((size_t)pagesz);
    pn = map_page((size_t)pagesz);
    pd = map_page(2 * (size_t)pagesz);

    protect(pb, (size_t)pagesz, PROT_READ);
    *pa += 1;
    *pb = 2;
    *pc = 3;
    int b_ok = *pb == 2;
    report("store", *pa, *pc, 3);

    pn[0] = 0x55;
    protect(pn, (size_t)pagesz, PROT_NONE);
    *pa += 1;
    uint8_t v = *pn;
    *pc = v;
    report("load", *pa, *pc, 0x55);

    uint8_t src[40];
    for (int i = 0; i < 40; i++)
        src[i] = (uint8_t)(0xa0 + i);
    protect(pd + pagesz, (size_t)pagesz, PROT_READ);
    fix_lo = (uint8_t *)pd; /* wherever in D the fault is reported */
    uint8_t *dst = (uint8_t *)pd + pagesz - 16;
    *pa += 1;
    __asm__ volatile("" ::: "memory"); /* keep the copy between the two */
    memcpy(dst, src, sizeof src);
    __asm__ volatile("" ::: "memory");
    *pc = 9;
    int d_ok = memcmp(dst, src, sizeof src) == 0;
    report("copy", *pa, *pc, 9);

    say("store_value_ok=%d copy_ok=%d\n", b_ok, d_ok);
    return 0;
}
