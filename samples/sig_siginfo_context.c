/*
 * sig_siginfo_context.c - IDEA: an SA_SIGINFO handler gets a siginfo_t that
 * says WHO sent the signal and HOW (si_code), and a ucontext_t holding the
 * interrupted registers; when the handler returns, rt_sigreturn restores
 * every register and the interrupted code carries on as if nothing happened.
 *
 *   1. kill(getpid())            si_code SI_USER,  si_pid == getpid()
 *      tgkill(getpid(), gettid()) si_code SI_TKILL, si_pid == getpid()
 *      sigqueue(getpid(), v=42)  si_code SI_QUEUE, si_value 42
 *      (single-threaded: a signal we send ourselves unblocked is handled
 *      before kill/tgkill/sigqueue return.)
 *   2. Faults: writing to an address we just munmap()ed gives SIGSEGV with
 *      SEGV_MAPERR and si_addr == that address; writing to a PROT_READ page
 *      gives SEGV_ACCERR. The handler cannot return (the write would fault
 *      again), so it leaves with siglongjmp.
 *   3. A signal in a tight loop: thread S spins in spin_loop() (alone in
 *      its own section "spinsec", so the linker's __start_spinsec and
 *      __stop_spinsec bound its code) mixing a checksum in registers until a
 *      flag is set. Once S is spinning, main sends tgkill(S, SIGUSR1). The
 *      handler reads the interrupted PC from uc_mcontext (RIP on x86-64, pc
 *      on aarch64, psw.addr on s390x), checks it lies inside spin_loop, and
 *      sets the flag. Back in the loop, the checksum must equal the one
 *      recomputed from the iteration count: every register survived.
 */
#include "common.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

static volatile int got_sig, got_code, got_pid_is_me, got_value;
static void *volatile got_addr;
static sigjmp_buf fault_env;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_pid_is_me = si->si_pid == getpid();
    got_value = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(fault_env, 1);
}

static void report(const char *how)
{
    say("%s: %s si_code=%s si_pid_is_me=%d", how, sig_name(got_sig),
        si_code_name(got_sig, got_code), got_pid_is_me);
    if (got_code == SI_QUEUE)
        say(" si_value=%d\n", got_value);
    else
        say("\n");
}

static void fault_at(const char *what, volatile char *addr)
{
    got_sig = 0;
    got_addr = NULL;
    if (sigsetjmp(fault_env, 1) == 0) {
        *addr = 1;
        say("%s: no fault?\n", what);
        return;
    }
    say("%s: %s si_code=%s si_addr_is_target=%d\n", what, sig_name(got_sig),
        si_code_name(got_sig, got_code), got_addr == (void *)addr);
}

/* ---- 3. a signal in a tight loop ---- */

extern const char __start_spinsec[], __stop_spinsec[];
static volatile sig_atomic_t stop_flag;
static volatile unsigned long spins;
static volatile int pc_in_loop = -1;
static pid_t spinner_tid;

static uintptr_t context_pc(void *ucv)
{
    ucontext_t *uc = ucv;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__s390x__)
    return (uintptr_t)uc->uc_mcontext.psw.addr;
#else
#error "context_pc: unknown arch"
#endif
}

static void on_tight_loop_signal(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    uintptr_t pc = context_pc(uc);
    pc_in_loop = pc >= (uintptr_t)__start_spinsec && pc < (uintptr_t)__stop_spinsec;
    stop_flag = 1;
}

static inline uint64_t mix(uint64_t x, uint64_t n)
{
    return (x ^ (x >> 29)) * 0x9e3779b97f4a7c15ull + n;
}

/* Spins until stop_flag; returns 1 if the in-register checksum is right. */
__attribute__((noinline, section("spinsec"))) static int spin_loop(void)
{
    uint64_t a = 0x0123456789abcdefull, b = 0xfedcba9876543210ull, n = 0;
    while (!stop_flag) {
        a = mix(a, n);
        b = mix(b, a) ^ n;
        n++;
        spins = n;
    }
    uint64_t a2 = 0x0123456789abcdefull, b2 = 0xfedcba9876543210ull;
    for (uint64_t i = 0; i < n; i++) {
        a2 = mix(a2, i);
        b2 = mix(b2, a2) ^ i;
    }
    return a == a2 && b == b2;
}

static void *spinner(void *arg)
{
    int *ok = arg;
    spinner_tid = gettid();
    *ok = spin_loop();
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = on_usr1;
    if (sigaction(SIGUSR1, &sa, NULL) < 0) fail("sigaction");
    sa.sa_sigaction = on_segv;
    if (sigaction(SIGSEGV, &sa, NULL) < 0) fail("sigaction");

    /* 1. who sent it, and how */
    if (kill(getpid(), SIGUSR1) < 0) fail("kill");
    report("kill");
    if (syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1) < 0) fail("tgkill");
    report("tgkill");
    union sigval v = {.sival_int = 42};
    if (sigqueue(getpid(), SIGUSR1, v) < 0) fail("sigqueue");
    report("sigqueue");

    /* 2. faults */
    long pg = sysconf(_SC_PAGESIZE);
    char *p =
        mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) fail("mmap");
    if (munmap(p, (size_t)pg) < 0) fail("munmap");
    fault_at("write to unmapped page", p + 8);
    if (mprotect(p + pg, (size_t)pg, PROT_READ) < 0) fail("mprotect");
    fault_at("write to read-only page", p + pg + 16);
    say("after the faults the program goes on\n");

    /* 3. a signal arriving in a tight loop */
    sa.sa_sigaction = on_tight_loop_signal;
    if (sigaction(SIGUSR1, &sa, NULL) < 0) fail("sigaction");
    pthread_t t;
    int regs_ok = -1;
    if (pthread_create(&t, NULL, spinner, &regs_ok) != 0) fail("pthread_create");
    while (spins < 1000) /* S is in the loop */
        sched_yield();
    if (syscall(SYS_tgkill, getpid(), spinner_tid, SIGUSR1) < 0) fail("tgkill");
    pthread_join(t, NULL);
    say("tight loop: in_loop_function=%d regs_ok=%d spun_at_least_1000=%d\n", pc_in_loop, regs_ok,
        spins >= 1000);
    say("done\n");
    return 0;
}
