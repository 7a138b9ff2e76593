/*
 * exit_signal_wclone.c - IDEA: the low byte of clone()'s flags is the
 * child's EXIT SIGNAL, and wait only sees children whose exit signal is
 * SIGCHLD unless you pass __WCLONE (only the others) or __WALL (all).
 *
 *   A = clone(exit_signal 0)        nothing is sent when A exits
 *   B = clone(exit_signal SIGUSR1)  SIGUSR1 is sent (we keep it blocked, so
 *                                   it stays pending and we can look at it)
 *   C = fork()                      exit signal SIGCHLD, an ordinary child
 *
 * waitpid(A or B, 0) fails with ECHILD: without __WCLONE they are not
 * eligible, even once they are zombies. waitpid(A, __WCLONE) and
 * waitpid(B, __WALL) reap them. waitpid(C, __WCLONE) is ECHILD the other way
 * round. Raw clone with stack 0 works like fork: the child runs on a copy
 * of the parent's stack. (Argument orders differ per arch, but with ptid,
 * ctid and tls all 0 the same call works on x86-64 and aarch64.)
 */
#include "common.h"

#include <sys/syscall.h>
#include <sys/wait.h>

static pid_t raw_clone_child(unsigned long flags, int code)
{
#if defined(__s390x__) || defined(__s390__)
    /* s390: clone(stack, flags, ptid, ctid, tls) -- the first two swapped */
    long pid = syscall(SYS_clone, 0L, flags, 0L, 0L, 0L);
#else
    long pid = syscall(SYS_clone, flags, 0L, 0L, 0L, 0L);
#endif
    if (pid < 0) fail("clone");
    if (pid == 0) _exit(code);
    return (pid_t)pid;
}

static void try_wait(const char *name, pid_t pid, int options, const char *optname)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, options);
    if (r < 0)
        say("waitpid(%s, %s): %s\n", name, optname, errno_name(errno));
    else
        say("waitpid(%s, %s): reaped pid_matches=%d status=%d\n", name, optname, r == pid,
            WEXITSTATUS(st));
}

int main(void)
{
    sigset_t usr1, pending;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &usr1, NULL) < 0) fail("sigprocmask");

    pid_t a = raw_clone_child(0, 10);
    pid_t b = raw_clone_child(SIGUSR1, 11);
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) _exit(12);
    say("A: exit_signal=0, B: exit_signal=%s, C: fork (exit_signal=%s)\n", sig_name(SIGUSR1),
        sig_name(SIGCHLD));

    try_wait("A", a, 0, "0");
    try_wait("A", a, __WCLONE, "__WCLONE");
    try_wait("B", b, 0, "0");
    try_wait("B", b, __WALL, "__WALL");
    try_wait("C", c, __WCLONE, "__WCLONE");
    try_wait("C", c, 0, "0");

    sigpending(&pending);
    say("after B exited: %s pending=%d\n", sig_name(SIGUSR1), sigismember(&pending, SIGUSR1));
    try_wait("any", -1, __WALL, "__WALL");
    say("done\n");
    return 0;
}
