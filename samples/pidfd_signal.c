/*
 * pidfd_signal.c - IDEA: a pidfd names a process by file descriptor instead
 * of by pid, so a signal sent through it can never hit a recycled pid.
 *
 * A child blocks reading a pipe nobody writes. The parent:
 *   pidfd_open(child)                    -> a pidfd
 *   poll(pidfd, timeout 0)               -> 0: the child has not exited
 *   pidfd_send_signal(flags=8)           -> EINVAL (no such flag)
 *   pidfd_send_signal(flags=3)           -> EINVAL (on kernels >= 6.9, where
 *                                           1 and 2 are signal scopes, two
 *                                           scopes at once; earlier, any
 *                                           nonzero flags)
 *   pidfd_send_signal(SIGTERM)           -> 0
 *   poll(pidfd, no timeout)              -> 1, POLLIN: the child exited
 *   waitid(P_PIDFD)                      -> CLD_KILLED, si_status SIGTERM
 * After the child is reaped its pid is free:
 *   pidfd_send_signal(old pidfd, 0)      -> ESRCH (the process is gone)
 *   pidfd_open(reaped pid)               -> ESRCH
 *   pidfd_open(0)                        -> EINVAL (pids are > 0)
 */
#include "common.h"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int pidfd_open(pid_t pid, unsigned flags)
{
    return (int)syscall(SYS_pidfd_open, pid, flags);
}

static int pidfd_send_signal(int fd, int sig, unsigned flags)
{
    return (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, flags);
}

static void show(const char *what, int r)
{
    if (r < 0)
        say("%s: -1 %s\n", what, errno_name(errno));
    else
        say("%s: %d\n", what, r);
}

int main(void)
{
    int p[2];
    if (pipe(p) < 0) fail("pipe");
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        char ch;
        close(p[1]);
        (void)read(p[0], &ch, 1); /* the parent keeps p[1] open and silent */
        _exit(1);
    }
    close(p[0]);

    int fd = pidfd_open(c, 0);
    if (fd < 0) fail("pidfd_open");
    say("pidfd_open(child): valid=1\n");

    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    show("poll(pidfd, timeout 0) while child runs", poll(&pfd, 1, 0));
    show("pidfd_send_signal(SIGTERM, flags=8)", pidfd_send_signal(fd, SIGTERM, 8));
    show("pidfd_send_signal(SIGTERM, flags=3)", pidfd_send_signal(fd, SIGTERM, 3));
    show("pidfd_send_signal(SIGTERM, flags=0)", pidfd_send_signal(fd, SIGTERM, 0));

    pfd.revents = 0;
    int n = poll(&pfd, 1, -1);
    say("poll(pidfd, no timeout): %d pollin=%d\n", n, (pfd.revents & POLLIN) != 0);

    siginfo_t si;
    memset(&si, 0, sizeof(si));
    if (waitid(P_PIDFD, (id_t)fd, &si, WEXITED) < 0) fail("waitid");
    say("waitid(P_PIDFD): si_signo=%s si_code=%s si_status=%s si_pid_eq_child=%d\n",
        sig_name(si.si_signo), cld_code_name(si.si_code), sig_name(si.si_status), si.si_pid == c);

    show("pidfd_send_signal(reaped child, 0)", pidfd_send_signal(fd, 0, 0));
    close(fd);
    show("pidfd_open(reaped pid)", pidfd_open(c, 0));
    show("pidfd_open(0)", pidfd_open(0, 0));
    close(p[1]);
    say("done\n");
    return 0;
}
