/*
 * wait_signal_race.c - IDEA: a wait that a signal interrupts still reaps a
 * child that is ready. The child's exit sends SIGCHLD and wakes the waiting
 * parent; do_wait (kernel/exit.c) scans the children first and only gives
 * up with ERESTARTSYS (EINTR without SA_RESTART) when none is ready. So
 * with a SIGCHLD handler installed without SA_RESTART, waitpid(pid, __WALL)
 * and waitid(P_PID, WEXITED) return the child (the handler runs too), while
 * a wait for a child that is still running is EINTR when SIGALRM comes, and
 * with SA_RESTART it goes on waiting until the child exits. (LTP's
 * clone301 stopped at its first case with waitpid EINTR.)
 */
#include "common.h"

#include <sys/wait.h>

static volatile sig_atomic_t got_chld, got_alrm;

static void on_chld(int s)
{
    (void)s;
    got_chld++;
}
static void on_alrm(int s)
{
    (void)s;
    got_alrm++;
}

static void handle(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    if (sigaction(sig, &sa, NULL) < 0) fail("sigaction");
}

int main(void)
{
    handle(SIGCHLD, on_chld, 0);
    pid_t pid = fork();
    if (pid == 0) _exit(3);
    int st = 0;
    pid_t r = waitpid(pid, &st, __WALL);
    say("waitpid __WALL, SIGCHLD handler: %s, status %d, handler ran %d\n",
        r == pid ? "the child" : errno_name(errno), WEXITSTATUS(st), got_chld);

    got_chld = 0;
    pid = fork();
    if (pid == 0) _exit(4);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int w = waitid(P_PID, (id_t)pid, &si, WEXITED);
    say("waitid WEXITED, SIGCHLD handler: %s, pid match %d, %s %d, handler ran %d\n",
        w == 0 ? "OK" : errno_name(errno), si.si_pid == pid, cld_code_name(si.si_code),
        si.si_status, got_chld);

    handle(SIGCHLD, SIG_DFL, 0);
    handle(SIGALRM, on_alrm, 0);
    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    alarm(1);
    r = waitpid(pid, &st, 0);
    say("waitpid on a running child, SIGALRM without SA_RESTART: %s, handler ran %d\n",
        r < 0 ? errno_name(errno) : "returned", got_alrm);
    kill(pid, SIGKILL);
    r = waitpid(pid, &st, 0);
    say("after SIGKILL: %s, %s\n", r == pid ? "the child" : errno_name(errno),
        WIFSIGNALED(st) ? sig_name(WTERMSIG(st)) : "exited");

    got_alrm = 0;
    handle(SIGALRM, on_alrm, SA_RESTART);
    pid = fork();
    if (pid == 0) {
        sleep(2);
        _exit(5);
    }
    alarm(1);
    r = waitpid(pid, &st, 0);
    say("waitpid, SIGALRM with SA_RESTART: %s, status %d, handler ran %d\n",
        r == pid ? "the child" : errno_name(errno), WEXITSTATUS(st), got_alrm);
    return 0;
}
