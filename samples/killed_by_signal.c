/*
 * killed_by_signal.c - IDEA: a process that dies of a signal has no exit
 * code; its parent's wait status says WIFSIGNALED with the signal number
 * (WTERMSIG) and whether a core was dumped (WCOREDUMP), and a shell reports
 * such a death as exit status 128 + signal.
 *
 *   1. The parent kills a child that is blocked in read() with SIGKILL:
 *      WIFSIGNALED=1 WTERMSIG=SIGKILL WCOREDUMP=0 (SIGKILL never dumps).
 *   2. A child writes through a NULL pointer: the fault is SIGSEGV, whose
 *      default action is "core". Whether a core file is written depends on
 *      RLIMIT_CORE, so we set it to 0 first (inherited over fork): the child
 *      dies of SIGSEGV with WCOREDUMP=0 on every machine.
 *   3. Finally the process sends itself SIGTERM with kill(getpid(), ...). A
 *      signal a single-threaded process sends to itself is delivered before
 *      kill() returns to user mode, so the "not reached" line never prints
 *      and whoever runs us (the shell, clonemu run) sees status 128+15=143.
 */
#include "common.h"

#include <sys/resource.h>
#include <sys/wait.h>

static void report(const char *who, int status)
{
    say("%s: WIFEXITED=%d WIFSIGNALED=%d WTERMSIG=%s WCOREDUMP=%d\n", who, WIFEXITED(status),
        WIFSIGNALED(status), WIFSIGNALED(status) ? sig_name(WTERMSIG(status)) : "-",
        WIFSIGNALED(status) ? (WCOREDUMP(status) != 0) : 0);
}

int main(void)
{
    struct rlimit rl = {.rlim_cur = 0, .rlim_max = 0};
    if (setrlimit(RLIMIT_CORE, &rl) < 0) fail("setrlimit");
    say("RLIMIT_CORE set to 0\n");

    /* 1. SIGKILL a child blocked reading a pipe that nobody writes. */
    int p[2];
    if (pipe(p) < 0) fail("pipe");
    pid_t c1 = fork();
    if (c1 < 0) fail("fork");
    if (c1 == 0) {
        char ch;
        (void)read(p[0], &ch, 1); /* blocks: our own p[1] stays open */
        _exit(1);
    }
    if (kill(c1, SIGKILL) < 0) fail("kill");
    int st;
    if (waitpid(c1, &st, 0) != c1) fail("waitpid");
    report("child killed with SIGKILL", st);
    close(p[0]);
    close(p[1]);

    /* 2. A child that writes through a NULL pointer. */
    pid_t c2 = fork();
    if (c2 < 0) fail("fork");
    if (c2 == 0) {
        *(volatile int *)0 = 1;
        _exit(2); /* not reached */
    }
    if (waitpid(c2, &st, 0) != c2) fail("waitpid");
    report("child writing to NULL", st);

    /* 3. Ourselves. */
    say("sending SIGTERM to myself; expect exit status 143\n");
    kill(getpid(), SIGTERM);
    say("not reached: still alive after kill(getpid(), SIGTERM)\n");
    return 3;
}
