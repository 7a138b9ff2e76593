/*
 * sig_chld_nocldwait.c - IDEA: SIGCHLD tells a parent that a child PROCESS
 * changed state, with the details in siginfo; threads are not children and
 * send nothing; and a parent that sets SA_NOCLDWAIT (or SIGCHLD to SIG_IGN)
 * asks the kernel to reap its children itself, so wait() finds none.
 *
 *   1. A child _exit(7)s: the SA_SIGINFO handler sees si_code CLD_EXITED,
 *      si_status 7, si_pid == the child; waitpid then reaps it.
 *   2. A child killed by SIGTERM: CLD_KILLED, si_status SIGTERM.
 *   3. A thread that exits (pthread_join) sends no SIGCHLD: nothing pending,
 *      the handler did not run.
 *   4. SIGCHLD SIG_DFL + SA_NOCLDWAIT, two children exit: wait() blocks
 *      until they have exited and then fails with ECHILD - there is nothing
 *      left to reap.
 *   5. The same with SIGCHLD set to SIG_IGN.
 * SIGCHLD stays blocked except inside sigsuspend, so each notification is
 * taken on its own.
 */
#include "common.h"

#include <pthread.h>
#include <sys/wait.h>

static volatile int nsig, last_code, last_status, last_from_child;
static volatile pid_t expect_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    nsig++;
    last_code = si->si_code;
    last_status = si->si_status;
    last_from_child = si->si_pid == expect_pid;
}

static void *thread_fn(void *arg)
{
    return arg;
}

static void set_chld(void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGCHLD, &sa, NULL) < 0) fail("sigaction");
}

static void auto_reap_case(const char *what)
{
    pid_t a = fork();
    if (a == 0) _exit(0);
    pid_t b = fork();
    if (b == 0) _exit(0);
    if (a < 0 || b < 0) fail("fork");
    int st;
    pid_t r = wait(&st);
    int e = errno;
    say("%s: wait() after two children exited -> %d %s\n", what, r < 0 ? -1 : 1,
        r < 0 ? errno_name(e) : "reaped");
    r = waitpid(a, &st, WNOHANG);
    say("%s: waitpid(first child) -> %d %s\n", what, r < 0 ? -1 : (int)(r != 0),
        r < 0 ? errno_name(errno) : "?");
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGCHLD, &sa, NULL) < 0) fail("sigaction");
    sigset_t chld, unblocked;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, &unblocked) < 0) fail("sigprocmask");

    /* 1. */
    nsig = 0;
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) _exit(7);
    expect_pid = c;
    while (nsig < 1)
        sigsuspend(&unblocked);
    say("1. child _exit(7): SIGCHLD si_code=%s si_status=%d si_pid_is_child=%d\n",
        cld_code_name(last_code), last_status, last_from_child);
    int st;
    pid_t r = waitpid(c, &st, 0);
    say("   waitpid reaped it=%d WEXITSTATUS=%d\n", r == c, WEXITSTATUS(st));

    /* 2. */
    nsig = 0;
    int p[2];
    if (pipe(p) < 0) fail("pipe");
    c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        char ch;
        (void)read(p[0], &ch, 1); /* waits to be killed */
        _exit(1);
    }
    expect_pid = c;
    if (kill(c, SIGTERM) < 0) fail("kill");
    while (nsig < 1)
        sigsuspend(&unblocked);
    say("2. child killed by SIGTERM: SIGCHLD si_code=%s si_status=%s si_pid_is_child=%d\n",
        cld_code_name(last_code), sig_name(last_status), last_from_child);
    r = waitpid(c, &st, 0);
    say("   waitpid reaped it=%d WTERMSIG=%s\n", r == c, sig_name(WTERMSIG(st)));

    /* 3. */
    nsig = 0;
    pthread_t t;
    if (pthread_create(&t, NULL, thread_fn, NULL) != 0) fail("pthread_create");
    pthread_join(t, NULL);
    sigset_t pend;
    sigpending(&pend);
    say("3. a thread exited: SIGCHLD pending=%d handler runs=%d\n", sigismember(&pend, SIGCHLD),
        nsig);
    if (sigprocmask(SIG_SETMASK, &unblocked, NULL) < 0) fail("sigprocmask");

    /* 4. */
    set_chld(SIG_DFL, SA_NOCLDWAIT);
    auto_reap_case("4. SA_NOCLDWAIT");
    /* 5. */
    set_chld(SIG_IGN, 0);
    auto_reap_case("5. SIG_IGN");
    say("done\n");
    return 0;
}
