/*
 * mm_many_maps.c - IDEA: every mapping keeps its exact protection however
 * many there are. A process may hold thousands of mappings (each pthread
 * stack is one, with a PROT_NONE guard page below it); each still reads
 * back what was written to it, a guard page still faults, and munmap and
 * mprotect still take effect at once.
 *
 *   1. 1500 mappings of 3 pages: mmap PROT_NONE, then mprotect the top two
 *      pages read-write (glibc's thread-stack recipe). Write a pattern into
 *      each, then check every one in two passes (the second in reverse).
 *   2. Faults, each caught with sigsetjmp/siglongjmp: reading the guard
 *      page of mapping 700 is SIGSEGV/SEGV_ACCERR at exactly that address;
 *      writing to mapping 3 after mprotect(PROT_READ) is SEGV_ACCERR (and it
 *      still reads its pattern); mapping 10 after munmap is SEGV_MAPERR.
 *   3. 300 threads with 64 KiB stacks each fill a 16 KiB local array on
 *      their stack and sum it after all of them exist (a barrier), so every
 *      stack holds live data at once.
 */
#include "common.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>

#define NMAPS    1500
#define NTHREADS 300
#define PAGE     4096

static unsigned char *maps[NMAPS];
static sigjmp_buf env;
static volatile sig_atomic_t got_sig, got_code;
static void *volatile got_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(env, 1);
}

static unsigned char pattern(int i, int off)
{
    return (unsigned char)(i * 31 + off * 7 + 1);
}

static int check_map(int i)
{
    for (int off = 0; off < 2 * PAGE; off += 509)
        if (maps[i][PAGE + off] != pattern(i, off)) return 0;
    return 1;
}

/* Run op (a read or a write of *p) and report the signal it raised. */
static void probe(const char *what, volatile unsigned char *p, int write)
{
    got_sig = 0;
    got_addr = NULL;
    if (sigsetjmp(env, 1) == 0) {
        if (write)
            *p = 1;
        else
            (void)*p;
    }
    say("%s: %s %s addr_exact=%d\n", what, got_sig ? sig_name(got_sig) : "no signal",
        got_sig ? si_code_name(got_sig, got_code) : "-", got_addr == (void *)p);
}

static pthread_barrier_t bar;

static void *worker(void *arg)
{
    volatile unsigned char buf[16384];
    long k = (long)arg;
    for (int j = 0; j < (int)sizeof(buf); j++)
        buf[j] = (unsigned char)(k + j);
    pthread_barrier_wait(&bar);
    long sum = 0;
    for (int j = 0; j < (int)sizeof(buf); j++)
        sum += buf[j] ^ (unsigned char)(k + j);
    return (void *)sum; /* 0 when the stack kept its data */
}

int main(void)
{
    for (int i = 0; i < NMAPS; i++) {
        void *m = mmap(NULL, 3 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) fail("mmap");
        if (mprotect((char *)m + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE)) fail("mprotect");
        maps[i] = m;
        for (int off = 0; off < 2 * PAGE; off += 509)
            maps[i][PAGE + off] = pattern(i, off);
    }
    int good = 0;
    for (int i = 0; i < NMAPS; i++)
        good += check_map(i);
    for (int i = NMAPS - 1; i >= 0; i--)
        good += check_map(i);
    say("%d mappings: %d of %d checks kept their data\n", NMAPS, good, 2 * NMAPS);

    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    probe("read guard page of mapping 700", maps[700], 0);
    if (mprotect(maps[3] + PAGE, 2 * PAGE, PROT_READ)) fail("mprotect read-only");
    probe("write read-only mapping 3", maps[3] + PAGE + 100, 1);
    say("mapping 3 still reads its data: %d\n", check_map(3));
    if (munmap(maps[10], 3 * PAGE)) fail("munmap");
    probe("write unmapped mapping 10", maps[10] + PAGE, 1);
    probe("write mapping 11", maps[11] + PAGE, 1);

    pthread_t t[NTHREADS];
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 * 1024);
    pthread_barrier_init(&bar, NULL, NTHREADS);
    for (long k = 0; k < NTHREADS; k++)
        if (pthread_create(&t[k], &a, worker, (void *)k)) fail("pthread_create");
    long bad = 0;
    for (int k = 0; k < NTHREADS; k++) {
        void *r;
        pthread_join(t[k], &r);
        bad += r != NULL;
    }
    say("%d threads: %ld stacks lost data\n", NTHREADS, bad);
    return 0;
}
