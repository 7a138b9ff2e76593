/*
 * sig_kill_targets.c - IDEA: kill()'s pid argument picks the TARGETS:
 * pid > 0 one process, 0 every process in the caller's process group,
 * -pgrp every process in group pgrp. And the ITIMER_REAL timer (which
 * alarm() also uses) sends SIGALRM to the process when it expires.
 *
 * kill(-1, sig) (every process we may signal) is NOT shown: natively, as
 * root, it would hit every process on the machine.
 *
 * A "director" child D makes itself a new process group (setpgid(0, 0)) so
 * nobody outside is touched. D forks c1, c2 (they stay in D's group) and c3,
 * c4, which move to a group of their own led by c3 (both D and the child
 * call setpgid, so the move is done whichever runs first). D blocks SIGUSR1
 * and the children inherit that; each child unblocks it and waits, so a
 * signal sent early is simply delivered at the unblock. Then:
 *   kill(0, SIGUSR1)    -> c1 and c2 die of SIGUSR1; D itself has it pending;
 *                          c3, c4 (other group) are untouched
 *   kill(-c3, SIGUSR2)  -> c3 and c4 die of SIGUSR2
 *   kill(-c3, 0)        -> ESRCH once the group is gone (all reaped)
 * D prints each child's WTERMSIG.
 *
 * Timers: setitimer(ITIMER_REAL, 10 ms every 10 ms): three SIGALRMs taken
 * with sigsuspend; getitimer while it runs shows the 10 ms interval and a
 * value in (0, 10 ms]; after cancelling, both are 0. alarm(100) returns 0
 * (no alarm before), alarm(5) returns 100 (seconds left, rounded), alarm(0)
 * returns 5 - and getitimer(ITIMER_REAL) sees the alarm: it is the same
 * timer.
 */
#include "common.h"

#include <sys/time.h>
#include <sys/wait.h>

static pid_t spawn(pid_t pgid, int never_fd)
{
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        if (pgid >= 0) setpgid(0, pgid);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        char ch;
        (void)read(never_fd, &ch, 1); /* waits for a signal */
        _exit(0);
    }
    if (pgid >= 0 && setpgid(c, pgid == 0 ? c : pgid) < 0) fail("setpgid");
    return c;
}

static void report(const char *name, pid_t c)
{
    int st;
    if (waitpid(c, &st, 0) != c) fail("waitpid");
    if (WIFSIGNALED(st))
        say("  %s: killed by %s\n", name, sig_name(WTERMSIG(st)));
    else
        say("  %s: exited %d\n", name, WEXITSTATUS(st));
}

static int director(void)
{
    if (setpgid(0, 0) < 0) fail("setpgid");
    int p[2];
    if (pipe(p) < 0) fail("pipe");
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &usr1, NULL) < 0) fail("sigprocmask");

    pid_t c1 = spawn(-1, p[0]);
    pid_t c2 = spawn(-1, p[0]);
    pid_t c3 = spawn(0, p[0]);
    pid_t c4 = spawn(c3, p[0]);
    say("groups: c1,c2 in the director's group; c3,c4 in c3's group\n");
    say("  getpgid(c1)==getpgrp()=%d getpgid(c4)==c3=%d\n", getpgid(c1) == getpgrp(),
        getpgid(c4) == c3);

    say("kill(0, SIGUSR1):\n");
    if (kill(0, SIGUSR1) < 0) fail("kill 0");
    report("c1", c1);
    report("c2", c2);
    sigset_t pend;
    sigpending(&pend);
    say("  director: SIGUSR1 pending=%d\n", sigismember(&pend, SIGUSR1));

    say("kill(-c3, SIGUSR2):\n");
    if (kill(-c3, SIGUSR2) < 0) fail("kill -c3");
    report("c3", c3);
    report("c4", c4);
    int r = kill(-c3, 0);
    say("kill(-c3, 0) after the group is gone: %d %s\n", r, r < 0 ? errno_name(errno) : "OK");
    return 0;
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void timers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) < 0) fail("sigaction");
    sigset_t alrm, unblocked;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, &unblocked);

    struct itimerval it = {.it_interval = {0, 10000}, .it_value = {0, 10000}}, cur;
    if (setitimer(ITIMER_REAL, &it, NULL) < 0) fail("setitimer");
    if (getitimer(ITIMER_REAL, &cur) < 0) fail("getitimer");
    say("getitimer while running: interval_usec=%ld value_in_(0,interval]=%d\n",
        (long)(cur.it_interval.tv_sec * 1000000 + cur.it_interval.tv_usec),
        cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 10000);
    while (alarms < 3)
        sigsuspend(&unblocked);
    struct itimerval off = {{0, 0}, {0, 0}};
    if (setitimer(ITIMER_REAL, &off, NULL) < 0) fail("setitimer");
    say("SIGALRM handled %d times\n", (int)alarms);
    getitimer(ITIMER_REAL, &cur);
    say("after cancel: interval_zero=%d value_zero=%d\n",
        cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0,
        cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    sigset_t pend;
    sigpending(&pend);
    if (sigismember(&pend, SIGALRM)) { /* a 4th expiry raced the cancel: drop it */
        int s;
        sigwait(&alrm, &s);
    }

    unsigned a1 = alarm(100);
    unsigned a2 = alarm(5);
    getitimer(ITIMER_REAL, &cur);
    int seen = cur.it_value.tv_sec > 0;
    unsigned a3 = alarm(0);
    say("alarm(100)=%u alarm(5)=%u alarm(0)=%u; getitimer sees the alarm=%d\n", a1, a2, a3, seen);
    sigprocmask(SIG_SETMASK, &unblocked, NULL);
}

int main(void)
{
    pid_t d = fork();
    if (d < 0) fail("fork");
    if (d == 0) _exit(director());
    int st;
    if (waitpid(d, &st, 0) != d) fail("waitpid");
    say("director exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    timers();
    say("done\n");
    return 0;
}
