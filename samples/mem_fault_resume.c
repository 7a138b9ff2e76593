/*
 * mem_fault_resume.c - IDEA: a SIGSEGV handler may fix the cause of the
 * fault and return; the faulting instruction then runs again and succeeds
 * (write barriers of garbage collectors, user-space paging, guard pages
 * that grow a region).
 *
 * A page is made read-only; a store to it faults; the handler counts the
 * fault, makes the page writable and returns; the store is retried and
 * lands. Three rounds: exactly three faults and every value in place.
 *
 * Under clonemu (Unicorn 2.0.1) this failed on aarch64 and s390x until the
 * fault was made precise: Unicorn stops right after the refused store but
 * leaves a stale PC (often the start of the block), so returning from the
 * handler re-ran the block's first instructions -- here the test of
 * mprotect's result, whose register by then held the byte being stored,
 * so the sample failed with "mprotect ro". How the
 * PC is found now: emu/cpu_unicorn_fault.inc. mem_fault_precise checks
 * the same for loads and copies, and that nothing runs twice.
 */
#include "common.h"

#include <stdint.h>
#include <sys/mman.h>

static volatile uint8_t *page;
static volatile int faults;
static long pagesz;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if ((uintptr_t)si->si_addr - (uintptr_t)page >= (uintptr_t)pagesz) {
        say("unexpected %s %s\n", sig_name(sig), si_code_name(sig, si->si_code));
        _exit(3);
    }
    if (faults++ == 0) say("fault: %s %s\n", sig_name(sig), si_code_name(sig, si->si_code));
    if (mprotect((void *)page, (size_t)pagesz, PROT_READ | PROT_WRITE)) _exit(4);
}

int main(void)
{
    pagesz = sysconf(_SC_PAGESIZE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSEGV, &sa, NULL)) fail("sigaction");
    page = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) fail("mmap");
    int ok = 0;
    for (int k = 0; k < 3; k++) {
        if (mprotect((void *)page, (size_t)pagesz, PROT_READ)) fail("mprotect ro");
        page[k] = (uint8_t)(0x40 + k); /* faults once; the handler unprotects */
        ok += page[k] == 0x40 + k;
    }
    say("faults=%d values_ok=%d\n", faults, ok);
    return 0;
}
