/*
 * clone3_pidfd.c - IDEA: clone3() takes a versioned struct clone_args; with
 * CLONE_PIDFD it also returns a pidfd, a file descriptor for the child that
 * becomes readable (POLLIN) when the child exits and can be waited on with
 * waitid(P_PIDFD, ...).
 *
 * Then the copy-in and validation rules of clone3 (kernel/fork.c), each
 * printed as the errno NAME the kernel returned:
 *   size 63 (< CLONE_ARGS_SIZE_VER0 = 64)            -> EINVAL
 *   size 4097 (> PAGE_SIZE)                          -> E2BIG
 *   exit_signal 65 (> _NSIG)                         -> EINVAL
 *   flags CLONE_DETACHED (reserved in clone3)        -> EINVAL
 *   96-byte struct, nonzero byte at offset 88 (past
 *   the last field the kernel knows, VER2)           -> E2BIG
 * Each of these calls must fail; if one ever succeeded, the child exits at
 * once and the parent reaps it.
 */
#include "common.h"

#include <linux/sched.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLONE_DETACHED
#define CLONE_DETACHED 0x00400000
#endif

static long clone3(void *args, size_t size)
{
    return syscall(SYS_clone3, args, size);
}

/* Expect clone3 to fail; print the errno name. */
static void expect_fail(const char *what, void *args, size_t size)
{
    long r = clone3(args, size);
    if (r == 0) _exit(99);
    if (r > 0) {
        waitpid((pid_t)r, NULL, __WALL);
        say("%s: unexpectedly succeeded\n", what);
        return;
    }
    say("%s: %s\n", what, errno_name(errno));
}

int main(void)
{
    int pidfd = -1;
    struct clone_args ca;
    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_PIDFD;
    ca.pidfd = (unsigned long)&pidfd;
    ca.exit_signal = SIGCHLD;

    long pid = clone3(&ca, sizeof(ca));
    if (pid < 0) fail("clone3");
    if (pid == 0) _exit(7);
    say("clone3(CLONE_PIDFD): pid_positive=1 pidfd_valid=%d\n", pidfd >= 0);

    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    int n = poll(&pfd, 1, -1);
    say("poll(pidfd): ready=%d pollin=%d\n", n, (pfd.revents & POLLIN) != 0);

    siginfo_t si;
    memset(&si, 0, sizeof(si));
    if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0) fail("waitid");
    say("waitid(P_PIDFD): si_signo=%s si_code=%s si_status=%d si_pid_eq_child=%d\n",
        sig_name(si.si_signo), cld_code_name(si.si_code), si.si_status, si.si_pid == pid);
    close(pidfd);

    /* Validation: a big, zeroed buffer holds every struct we pass. */
    static unsigned char big[8192] __attribute__((aligned(8)));
    struct clone_args *a = (struct clone_args *)big;

    memset(big, 0, sizeof(big));
    a->exit_signal = SIGCHLD;
    expect_fail("clone3(size=63)", a, 63);
    expect_fail("clone3(size=4097)", a, 4097);

    a->exit_signal = 65;
    expect_fail("clone3(exit_signal=65)", a, sizeof(*a));

    a->exit_signal = SIGCHLD;
    a->flags = CLONE_DETACHED;
    expect_fail("clone3(CLONE_DETACHED)", a, sizeof(*a));

    a->flags = 0;
    big[88] = 1; /* first byte past the VER2 struct (88 bytes) */
    expect_fail("clone3(size=96, byte 88 nonzero)", a, 96);
    big[88] = 0;

    say("done\n");
    return 0;
}
