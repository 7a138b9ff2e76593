/*
 * sig_stop_continue.c - IDEA: SIGSTOP stops the WHOLE thread group (a "group
 * stop"), SIGCONT resumes it, and the parent hears about both: waitpid()
 * with WUNTRACED / WCONTINUED, and a SIGCHLD whose si_code is CLD_STOPPED /
 * CLD_CONTINUED.
 *
 * The child has two threads, each answering a "ping" byte on a pipe with a
 * "pong" byte. The parent:
 *   1. sends two pings and waits for two pongs (the child is running);
 *   2. kill(child, SIGSTOP); waitpid(WUNTRACED) reports WIFSTOPPED with
 *      WSTOPSIG=SIGSTOP - Linux reports it only once EVERY thread stopped;
 *   3. sends two pings: a non-blocking read of the pongs gives EAGAIN, since
 *      no thread of a stopped group runs;
 *   4. kill(child, SIGCONT); waitpid(WCONTINUED) reports WIFCONTINUED; now
 *      both pongs arrive;
 *   5. tells the child to exit(0) and reaps it: WIFEXITED, status 0.
 * SIGCHLD stays blocked in the parent except inside sigsuspend(), so the
 * three notifications (CLD_STOPPED, CLD_CONTINUED, CLD_EXITED) are taken one
 * at a time and never merge; the SA_SIGINFO handler records their si_code
 * and si_status, which are printed at the end.
 */
#include "common.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>

static int ping[2], pong[2];
static volatile int ncodes;
static volatile int codes[8], statuses[8], from_child[8];
static volatile pid_t child;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (ncodes < 8) {
        codes[ncodes] = si->si_code;
        statuses[ncodes] = si->si_status;
        from_child[ncodes] = si->si_pid == child;
        ncodes++;
    }
}

static void *answer(void *arg)
{
    (void)arg;
    char c;
    while (read_all(ping[0], &c, 1) == 0) {
        if (c == 'q') exit(0); /* exit_group: the whole child ends, status 0 */
        if (write_all(pong[1], "o", 1) < 0) _exit(2);
    }
    _exit(3);
}

static void wait_chld(int n, const sigset_t *unblocked)
{
    while (ncodes < n)
        sigsuspend(unblocked);
}

int main(void)
{
    if (pipe(ping) < 0 || pipe(pong) < 0) fail("pipe");
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

    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        pthread_t t;
        if (pthread_create(&t, NULL, answer, NULL) != 0) _exit(4);
        answer(NULL);
    }
    child = c;

    /* 1. both threads answer */
    char buf[2];
    if (write_all(ping[1], "pp", 2) < 0 || read_all(pong[0], buf, 2) < 0) fail("ping");
    say("child running: 2 pongs\n");

    /* 2. stop */
    if (kill(c, SIGSTOP) < 0) fail("kill SIGSTOP");
    int st;
    if (waitpid(c, &st, WUNTRACED) != c) fail("waitpid WUNTRACED");
    say("waitpid(WUNTRACED): WIFSTOPPED=%d WSTOPSIG=%s\n", WIFSTOPPED(st),
        WIFSTOPPED(st) ? sig_name(WSTOPSIG(st)) : "-");
    wait_chld(1, &unblocked);

    /* 3. a stopped group does not answer */
    if (write_all(ping[1], "pp", 2) < 0) fail("ping");
    int fl = fcntl(pong[0], F_GETFL);
    fcntl(pong[0], F_SETFL, fl | O_NONBLOCK);
    ssize_t n = read(pong[0], buf, 2);
    say("while stopped: read pongs -> %zd %s\n", n, n < 0 ? errno_name(errno) : "OK");
    fcntl(pong[0], F_SETFL, fl);

    /* 4. continue */
    if (kill(c, SIGCONT) < 0) fail("kill SIGCONT");
    if (waitpid(c, &st, WCONTINUED) != c) fail("waitpid WCONTINUED");
    say("waitpid(WCONTINUED): WIFCONTINUED=%d\n", WIFCONTINUED(st));
    if (read_all(pong[0], buf, 2) < 0) fail("read pongs");
    say("after SIGCONT: 2 pongs\n");
    wait_chld(2, &unblocked);

    /* 5. finish */
    if (write_all(ping[1], "q", 1) < 0) fail("quit");
    if (waitpid(c, &st, 0) != c) fail("waitpid");
    say("waitpid: WIFEXITED=%d WEXITSTATUS=%d\n", WIFEXITED(st), WEXITSTATUS(st));
    wait_chld(3, &unblocked);

    for (int i = 0; i < ncodes; i++) {
        int code = codes[i];
        say("SIGCHLD %d: si_code=%s si_status=", i + 1, cld_code_name(code));
        if (code == CLD_EXITED)
            say("%d", statuses[i]);
        else
            say("%s", sig_name(statuses[i]));
        say(" si_pid_is_child=%d\n", from_child[i]);
    }
    say("done\n");
    return 0;
}
