/*
 * sig_eintr_restart.c - IDEA: a handled signal that arrives while a thread is
 * blocked in a system call either makes the call fail with EINTR or, if the
 * handler was installed with SA_RESTART, restarts it - but Linux decides per
 * system call, and some calls never restart.
 *
 *   1. read() on an empty pipe, handler WITHOUT SA_RESTART: -1 EINTR.
 *   2. the same read() WITH SA_RESTART: three signals come and go (the
 *      handler runs each time), the read restarts and finally returns the
 *      byte written after them.
 *   3. nanosleep() WITH SA_RESTART: still -1 EINTR (it returns
 *      -ERESTART_RESTARTBLOCK, which becomes EINTR when a handler runs), and
 *      the remaining time is > 0.
 *   4. sigsuspend(): returns -1 EINTR once the handler has run (always).
 *   5. sigwaitinfo/sigtimedwait take a BLOCKED signal without running the
 *      handler: the signal and its siginfo (SI_QUEUE, value 7); with a zero
 *      timeout and nothing pending: -1 EAGAIN.
 *   6. A process-directed kill() while EVERY thread blocks the signal and one
 *      thread waits for it in sigwaitinfo: that thread gets it (while it
 *      waits Linux unblocks the waited set for it, so it is the only thread
 *      that "wants" the signal). Not asserted here: if another thread left
 *      the signal unblocked, Linux could hand the signal to that thread
 *      instead of the waiter.
 *
 * The interrupting signals come from main via tgkill. Main cannot know
 * whether the target thread is already inside the blocking call, so for the
 * EINTR cases it repeats the signal every 5 ms until the call returns (an
 * early signal just runs the handler before the call). Only the results are
 * printed, never how many signals were needed.
 */
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

static atomic_int handler_runs;
static atomic_int entering; /* the worker is about to block */
static atomic_int finished; /* the worker's call returned */
static pid_t worker_tid;
static int pfd[2];

static void on_usr1(int sig)
{
    (void)sig;
    atomic_fetch_add(&handler_runs, 1);
}

static void set_handler(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) < 0) fail("sigaction");
}

static void pause_ms(long ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static void poke(void)
{
    if (syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1) < 0) fail("tgkill");
}

static void *reader(void *arg)
{
    (void)arg;
    worker_tid = gettid();
    char c = 0;
    atomic_store(&entering, 1);
    ssize_t n = read(pfd[0], &c, 1);
    int e = errno;
    atomic_store(&finished, 1);
    if (n < 0)
        say("  read returned -1 %s\n", errno_name(e));
    else
        say("  read returned %zd byte '%c'\n", n, c);
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    worker_tid = gettid();
    struct timespec ts = {.tv_sec = 30, .tv_nsec = 0}, rem = {0, 0};
    atomic_store(&entering, 1);
    int r = nanosleep(&ts, &rem);
    int e = errno;
    atomic_store(&finished, 1);
    say("  nanosleep returned %d %s remaining_gt_0=%d\n", r, r < 0 ? errno_name(e) : "OK",
        rem.tv_sec > 0 || rem.tv_nsec > 0);
    return NULL;
}

static void start(void *(*fn)(void *), pthread_t *t)
{
    atomic_store(&entering, 0);
    atomic_store(&finished, 0);
    atomic_store(&handler_runs, 0);
    if (pthread_create(t, NULL, fn, NULL) != 0) fail("pthread_create");
    while (!atomic_load(&entering))
        pause_ms(1);
}

static void poke_until_finished(pthread_t t)
{
    while (!atomic_load(&finished)) {
        poke();
        pause_ms(5);
    }
    pthread_join(t, NULL);
}

static atomic_int waiter_ready;

static void *waiter(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    siginfo_t si;
    atomic_store(&waiter_ready, 1);
    int sig = sigwaitinfo(&s, &si);
    say("  waiting thread: sigwaitinfo -> %s si_code=%s si_pid_is_me=%d\n",
        sig > 0 ? sig_name(sig) : errno_name(errno), sig > 0 ? si_code_name(sig, si.si_code) : "-",
        sig > 0 && si.si_pid == getpid());
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pipe(pfd) < 0) fail("pipe");

    say("1. read on an empty pipe, handler without SA_RESTART:\n");
    set_handler(0);
    start(reader, &t);
    poke_until_finished(t);

    say("2. the same read, handler with SA_RESTART, 3 signals then a write:\n");
    set_handler(SA_RESTART);
    start(reader, &t);
    pause_ms(20);
    for (int i = 1; i <= 3; i++) {
        poke();
        while (atomic_load(&handler_runs) < i)
            pause_ms(1);
        pause_ms(5);
    }
    int early = atomic_load(&finished);
    if (write_all(pfd[1], "x", 1) < 0) fail("write");
    pthread_join(t, NULL);
    say("  handler runs=%d, read returned before the write=%d\n", atomic_load(&handler_runs),
        early);

    say("3. nanosleep(30 s), handler with SA_RESTART:\n");
    start(sleeper, &t);
    poke_until_finished(t);

    say("4. sigsuspend with the signal pending:\n");
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigaddset(&usr1, SIGUSR2);
    if (sigprocmask(SIG_BLOCK, &usr1, &old) < 0) fail("sigprocmask");
    atomic_store(&handler_runs, 0);
    if (syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1) < 0) fail("tgkill");
    int r = sigsuspend(&old);
    say("  sigsuspend returned %d %s, handler runs=%d\n", r, errno_name(errno),
        atomic_load(&handler_runs));

    say("5. sigwaitinfo/sigtimedwait on a blocked signal:\n");
    union sigval v = {.sival_int = 7};
    if (sigqueue(getpid(), SIGUSR2, v) < 0) fail("sigqueue");
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    siginfo_t si;
    int sig = sigwaitinfo(&usr2, &si);
    say("  sigwaitinfo -> %s si_code=%s si_value=%d\n", sig > 0 ? sig_name(sig) : errno_name(errno),
        sig > 0 ? si_code_name(sig, si.si_code) : "-", sig > 0 ? si.si_value.sival_int : 0);
    struct timespec zero = {0, 0};
    r = sigtimedwait(&usr2, &si, &zero);
    say("  sigtimedwait(zero timeout), nothing pending -> %d %s\n", r, errno_name(errno));

    say("6. kill(getpid(), SIGUSR2), all threads block it, one waits in sigwaitinfo:\n");
    if (pthread_create(&t, NULL, waiter, NULL) != 0) fail("pthread_create");
    while (!atomic_load(&waiter_ready))
        pause_ms(1);
    if (kill(getpid(), SIGUSR2) < 0) fail("kill");
    pthread_join(t, NULL);
    say("done\n");
    return 0;
}
