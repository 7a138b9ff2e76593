/*
 * pidfd_getfd.c - IDEA: pidfd_getfd(pidfd, targetfd, 0) duplicates another
 * process's file descriptor into the caller (kernel/pid.c), close-on-exec,
 * sharing the open file description (kcmp KCMP_FILE says equal, the data
 * the target wrote into its pipe is read through the copy). It is allowed
 * only when the caller may ptrace-attach to the target with its REAL ids
 * (PTRACE_MODE_ATTACH_REALCREDS): same real uid/gid as all of the target's
 * ids and a dumpable target whose permitted set is within the caller's,
 * or CAP_SYS_PTRACE.
 *
 *   flags != 0 -> EINVAL; not a pidfd / no such fd -> EBADF;
 *   root, target non-dumpable: allowed (CAP_SYS_PTRACE);
 *   seteuid(65534) (real uid still 0): allowed for a dumpable root target,
 *   EPERM once it is non-dumpable (no effective capability left);
 *   uid 1000 peer on a uid 1000 target: EPERM while the target is
 *   non-dumpable (its setuid made it so), allowed after
 *   PR_SET_DUMPABLE 1; a zombie or reaped target -> ESRCH.
 *
 * Run as root.
 */
#include "common.h"

#include <linux/kcmp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static int getfd(int pidfd, int fd, unsigned flags)
{
    return (int)syscall(SYS_pidfd_getfd, pidfd, fd, flags);
}

static const char *res(long r)
{
    return errno_name(r < 0 ? errno : 0);
}

struct target {
    pid_t pid;
    int pidfd, cmd, ack, fd; /* fd: the target's pipe read end, by number */
};

/* The target: a pipe holding "x", its read end's number told to the
 * parent, then commands: P non-dumpable, D dumpable, U become uid 1000. */
static void target_main(int cmd, int ack)
{
    int data[2];
    if (pipe(data) < 0 || write(data[1], "x", 1) != 1) fail("pipe");
    if (write(ack, &data[0], sizeof data[0]) != sizeof data[0]) fail("ack");
    char c;
    while (read(cmd, &c, 1) == 1) {
        int r = 0;
        if (c == 'P') r = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        if (c == 'D') r = prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        if (c == 'U') r = setresgid(1000, 1000, 1000) | setresuid(1000, 1000, 1000);
        if (r < 0) fail("command");
        if (write(ack, &c, 1) != 1) fail("ack");
    }
    _exit(0);
}

static struct target start(void)
{
    int c[2], a[2];
    if (pipe(c) < 0 || pipe(a) < 0) fail("pipe");
    struct target t;
    t.pid = fork();
    if (t.pid < 0) fail("fork");
    if (t.pid == 0) {
        close(c[1]);
        close(a[0]);
        target_main(c[0], a[1]);
    }
    close(c[0]);
    close(a[1]);
    t.cmd = c[1];
    t.ack = a[0];
    if (read(t.ack, &t.fd, sizeof t.fd) != sizeof t.fd) fail("read fd");
    t.pidfd = (int)syscall(SYS_pidfd_open, t.pid, 0);
    if (t.pidfd < 0) fail("pidfd_open");
    return t;
}

static void command(struct target *t, char c)
{
    char back;
    if (write(t->cmd, &c, 1) != 1 || read(t->ack, &back, 1) != 1 || back != c) fail("command");
}

static void try_getfd(const char *who, struct target *t)
{
    int fd = getfd(t->pidfd, t->fd, 0);
    say("%s: %s\n", who, res(fd));
    if (fd >= 0) close(fd);
}

int main(void)
{
    say("flags 1: %s\n", res(getfd(0, 0, 1)));
    say("not a pidfd (stdout): %s\n", res(getfd(1, 0, 0)));
    say("closed pidfd: %s\n", res(getfd(100, 0, 0)));

    struct target t = start();
    int fd = getfd(t.pidfd, t.fd, 0);
    say("getfd: %s, new fd above stdio %d, FD_CLOEXEC %d\n", res(fd), fd > 2,
        fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
    say("kcmp KCMP_FILE with the target's fd: %ld\n",
        syscall(SYS_kcmp, getpid(), t.pid, KCMP_FILE, fd, t.fd));
    char c = 0;
    ssize_t n = read(fd, &c, 1);
    say("read through the copy: %zd '%c'\n", n, c);
    close(fd);
    say("target fd 111: %s\n", res(getfd(t.pidfd, 111, 0)));
    say("target fd -1: %s\n", res(getfd(t.pidfd, -1, 0)));

    if (seteuid(65534) < 0) fail("seteuid");
    try_getfd("euid 65534, dumpable root target", &t);
    command(&t, 'P');
    try_getfd("euid 65534, non-dumpable root target", &t);
    if (seteuid(0) < 0) fail("seteuid back");
    try_getfd("root, non-dumpable target", &t);

    command(&t, 'D');
    command(&t, 'U');
    say("target's setuid(1000) made it non-dumpable\n");
    for (int round = 0; round < 2; round++) {
        pid_t peer = fork();
        if (peer == 0) {
            if (setresgid(1000, 1000, 1000) < 0 || setresuid(1000, 1000, 1000) < 0)
                fail("peer setuid");
            try_getfd(round ? "uid 1000 peer, target dumpable again" : "uid 1000 peer", &t);
            _exit(0);
        }
        if (peer < 0 || waitpid(peer, NULL, 0) != peer) fail("peer");
        if (!round) command(&t, 'D');
    }

    close(t.cmd); /* the target exits */
    siginfo_t si;
    if (waitid(P_PID, t.pid, &si, WEXITED | WNOWAIT) < 0) fail("waitid");
    try_getfd("zombie target", &t);
    if (waitpid(t.pid, NULL, 0) != t.pid) fail("waitpid");
    try_getfd("reaped target", &t);
    return 0;
}
