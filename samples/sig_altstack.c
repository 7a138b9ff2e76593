/*
 * sig_altstack.c - IDEA: sigaltstack() gives a thread a second stack for
 * handlers installed with SA_ONSTACK, which is the only way to handle a
 * stack overflow: the overflowing stack has no room for a signal frame.
 *
 *   1. Main installs an alternate stack and a SA_ONSTACK handler for
 *      SIGUSR1, then raises it: inside the handler the address of a local
 *      variable lies inside the alternate stack, and sigaltstack(NULL, &cur)
 *      reports SS_ONSTACK. After the handler, sigaltstack reports it is no
 *      longer on it (ss_flags 0).
 *   2. A thread with a small (256 KiB) stack installs its own alternate
 *      stack (the setting is per thread) and recurses without end. The access
 *      below its stack hits the guard area: SIGSEGV. The SA_ONSTACK handler
 *      runs on the alternate stack (checked as above) and leaves with
 *      siglongjmp to the point before the recursion.
 *   3. Without SA_ONSTACK the same handler would run on the normal stack:
 *      SIGUSR1 with a handler installed without the flag is not on it.
 */
#include "common.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/syscall.h>

#define ALT_SIZE (64 * 1024)

static char main_alt[ALT_SIZE], thread_alt[ALT_SIZE];
static __thread char *alt_base;
static __thread volatile int on_alt, ss_onstack, handled_sig;
static __thread sigjmp_buf overflow_env;
static __thread volatile int overflowing;

static void on_signal(int sig)
{
    char local;
    uintptr_t a = (uintptr_t)&local, lo = (uintptr_t)alt_base;
    on_alt = a >= lo && a < lo + ALT_SIZE;
    stack_t cur;
    ss_onstack = sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_ONSTACK) != 0;
    handled_sig = sig;
    if (overflowing) siglongjmp(overflow_env, 1);
}

static void install(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) < 0) fail("sigaction");
}

static void use_altstack(char *base)
{
    stack_t ss = {.ss_sp = base, .ss_size = ALT_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) < 0) fail("sigaltstack");
    alt_base = base;
}

/* Not a tail call: the array is used after the recursive call returns.
 * never_depth is -1, so the recursion has no end (the compiler cannot know). */
static volatile int never_depth = -1;
static int recurse(int depth)
{
    if (depth == never_depth) return 0;
    volatile char pad[512];
    pad[0] = (char)depth;
    pad[511] = (char)depth;
    return recurse(depth + 1) + pad[0] + pad[511];
}

static void *overflow_thread(void *arg)
{
    (void)arg;
    use_altstack(thread_alt);
    handled_sig = 0;
    if (sigsetjmp(overflow_env, 1) == 0) {
        overflowing = 1;
        recurse(0);
        say("not reached: recursion ended\n");
    }
    overflowing = 0;
    say("2. overflow: caught %s on_alternate_stack=%d SS_ONSTACK=%d\n", sig_name(handled_sig),
        on_alt, ss_onstack);
    return NULL;
}

int main(void)
{
    /* 1. */
    use_altstack(main_alt);
    install(SIGUSR1, SA_ONSTACK);
    raise(SIGUSR1);
    say("1. %s with SA_ONSTACK: on_alternate_stack=%d SS_ONSTACK=%d\n", sig_name(handled_sig),
        on_alt, ss_onstack);
    stack_t cur;
    if (sigaltstack(NULL, &cur) < 0) fail("sigaltstack");
    say("   after the handler: SS_ONSTACK=%d size_matches=%d\n", (cur.ss_flags & SS_ONSTACK) != 0,
        cur.ss_size == ALT_SIZE);

    /* 2. */
    install(SIGSEGV, SA_ONSTACK);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 256 * 1024);
    pthread_t t;
    if (pthread_create(&t, &at, overflow_thread, NULL) != 0) fail("pthread_create");
    pthread_join(t, NULL);

    /* 3. */
    install(SIGUSR1, 0);
    raise(SIGUSR1);
    say("3. %s without SA_ONSTACK: on_alternate_stack=%d SS_ONSTACK=%d\n", sig_name(handled_sig),
        on_alt, ss_onstack);
    say("done\n");
    return 0;
}
