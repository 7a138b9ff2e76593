/*
 * mem_write_protect.c - IDEA: what a store may do is decided by the page's
 * protection at the moment of the store, and code written to memory runs
 * as written. Both must hold however many stores came before.
 *
 * 1. Write-protect after heavy writing: a page is written many times, then
 *    made read-only; the next store must fault (SIGSEGV, SEGV_ACCERR) and
 *    leave the page unchanged. The handler leaves through siglongjmp and
 *    the page is made writable again. Done three times: three faults.
 *    (Returning from the handler to retry the store is mem_fault_resume.)
 * 2. Code generated at run time (a JIT): a tiny function "return N" is
 *    written to a writable page, the page is made executable and called;
 *    then made writable, rewritten with another N, executable again and
 *    called. Each call must return the N just written. Before each rewrite
 *    the rest of the page is written over many times.
 * 3. The same on a page that is writable and executable at once.
 *
 * Under clonemu this checks the store fast path (emu/cpu_unicorn_fastw.inc):
 * TLB entries of written pages lose Unicorn's slow-path flag, so protection
 * changes and code on the page must still be seen.
 */
#include "common.h"

#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>

static volatile uint8_t *wpage;
static volatile int faults;
static long pagesz;
static sigjmp_buf back;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (si->si_addr != (void *)wpage) {
        say("unexpected %s %s\n", sig_name(sig), si_code_name(sig, si->si_code));
        _exit(3);
    }
    if (faults++ == 0) say("fault: %s %s\n", sig_name(sig), si_code_name(sig, si->si_code));
    siglongjmp(back, 1);
}

static void scribble(volatile uint8_t *p, long from, long to, int rounds)
{
    for (int r = 0; r < rounds; r++)
        for (long i = from; i < to; i++)
            p[i] = (uint8_t)(i + r);
}

/* "return n" in the guest's machine code; its length. */
static __attribute__((noinline)) size_t emit_return(uint8_t *p, unsigned n)
{
#if defined(__x86_64__)
    p[0] = 0xb8; /* mov $n, %eax; ret */
    memcpy(p + 1, &n, 4);
    p[5] = 0xc3;
    return 6;
#elif defined(__aarch64__)
    uint32_t insn[2] = {0x52800000u | (n & 0xffffu) << 5, 0xd65f03c0u}; /* movz w0, #n; ret */
    memcpy(p, insn, sizeof insn);
    return sizeof insn;
#elif defined(__s390x__)
    p[0] = 0xa7, p[1] = 0x29, p[2] = (uint8_t)(n >> 8), p[3] = (uint8_t)n; /* lghi %r2, n */
    p[4] = 0x07, p[5] = 0xfe;                                              /* br %r14 */
    return 6;
#else
#error "no code for this arch"
#endif
}

static unsigned call_generated(uint8_t *code)
{
    unsigned (*fn)(void);
    memcpy(&fn, &code, sizeof fn);
    return fn();
}

static __attribute__((noinline)) void write_barrier(void)
{
    pagesz = sysconf(_SC_PAGESIZE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSEGV, &sa, NULL)) fail("sigaction");

    /* 1. write barrier */
    wpage = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (wpage == MAP_FAILED) fail("mmap");
    volatile int unchanged = 0;
    for (int k = 0; k < 3; k++) {
        scribble(wpage, 0, pagesz, 50);
        if (mprotect((void *)wpage, (size_t)pagesz, PROT_READ)) fail("mprotect ro");
        if (sigsetjmp(back, 1) == 0) wpage[0] = 0xee; /* faults */
        unchanged += wpage[0] == (uint8_t)49;         /* scribble's last round */
        if (mprotect((void *)wpage, (size_t)pagesz, PROT_READ | PROT_WRITE)) fail("mprotect rw");
    }
    say("write barrier: faults=%d unchanged=%d\n", faults, unchanged);
}

int main(void)
{
    write_barrier();
    /* 2. W^X code generation */
    uint8_t *code =
        mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) fail("mmap code");
    for (unsigned n = 1; n <= 3; n++) {
        scribble(code, 64, pagesz, 50);
        size_t len = emit_return(code, n * 111);
        __builtin___clear_cache((char *)code, (char *)code + len);
        if (mprotect(code, (size_t)pagesz, PROT_READ | PROT_EXEC)) fail("mprotect rx");
        say("w^x round %u: returned %u\n", n, call_generated(code));
        if (mprotect(code, (size_t)pagesz, PROT_READ | PROT_WRITE)) fail("mprotect rw");
    }

    /* 3. a writable and executable page, rewritten in place */
    uint8_t *rwx = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rwx == MAP_FAILED) fail("mmap rwx");
    for (unsigned n = 1; n <= 3; n++) {
        scribble(rwx, 64, pagesz, 50);
        size_t len = emit_return(rwx, n * 1000);
        __builtin___clear_cache((char *)rwx, (char *)rwx + len);
        say("rwx round %u: returned %u\n", n, call_generated(rwx));
    }
    return 0;
}
