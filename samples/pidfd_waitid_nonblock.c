/*
 * pidfd_waitid_nonblock.c - IDEA: waitid(P_PIDFD) on a pidfd opened with
 * PIDFD_NONBLOCK does not sleep: with a live child it fails with EAGAIN
 * instead of blocking (kernel_waitid adds WNOHANG for an O_NONBLOCK pidfd and
 * turns "nothing yet" into EAGAIN), unless the caller asked for WNOHANG
 * itself, which still returns 0. Clearing O_NONBLOCK with F_SETFL makes the
 * same pidfd block again.
 *
 * Also what waitid stores: si_signo, si_errno, si_code, si_pid, si_uid and
 * si_status, even when the call fails or finds nothing (then all zero), and
 * nothing else: the rest of the caller's siginfo_t keeps its old bytes.
 *
 *   pidfd_open(self, PIDFD_NONBLOCK) + waitid  -> ECHILD (not our child)
 *   pidfd_open(child, PIDFD_NONBLOCK)          -> F_GETFL has O_NONBLOCK
 *   waitid(WEXITED)                            -> EAGAIN
 *   waitid(WEXITED|WNOHANG)                    -> 0, si_pid 0
 *   F_SETFL(~O_NONBLOCK), child told to exit 7 -> waitid blocks, CLD_EXITED 7
 *   waitid(P_ALL, WEXITED|WNOHANG)             -> ECHILD (no children left)
 */
#include "common.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define FILL 0xa5

static unsigned char si_buf[128];

static int pidfd_open(pid_t pid, unsigned flags)
{
    return (int)syscall(SYS_pidfd_open, pid, flags);
}

/* waitid straight to the kernel into a buffer filled with FILL bytes. */
static int raw_waitid(int idtype, int id, int options)
{
    memset(si_buf, FILL, sizeof si_buf);
    return (int)syscall(SYS_waitid, idtype, id, si_buf, options, NULL);
}

/* The fields waitid stores, and whether bytes 28..127 kept their FILL. */
static void show(const char *what, int r)
{
    siginfo_t si;
    memcpy(&si, si_buf, sizeof si);
    int tail_kept = 1;
    for (size_t i = 28; i < sizeof si_buf; i++)
        if (si_buf[i] != FILL) tail_kept = 0;
    if (r < 0)
        say("%s: -1 %s", what, errno_name(errno));
    else
        say("%s: %d", what, r);
    say(" si_signo=%s si_errno=%d si_code=%s si_pid_zero=%d si_status=%d tail_kept=%d\n",
        si.si_signo ? sig_name(si.si_signo) : "0", si.si_errno,
        si.si_code ? cld_code_name(si.si_code) : "0", si.si_pid == 0, si.si_status, tail_kept);
}

int main(void)
{
    int self = pidfd_open(getpid(), O_NONBLOCK);
    if (self < 0) fail("pidfd_open(self)");
    show("waitid(pidfd of self, WEXITED)", raw_waitid(P_PIDFD, self, WEXITED));
    close(self);

    int p[2];
    if (pipe(p) < 0) fail("pipe");
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        char ch;
        close(p[1]);
        (void)read(p[0], &ch, 1);
        _exit(7);
    }
    close(p[0]);

    int fd = pidfd_open(c, O_NONBLOCK);
    if (fd < 0) fail("pidfd_open(child)");
    int fl = fcntl(fd, F_GETFL);
    say("pidfd_open(child, PIDFD_NONBLOCK): O_NONBLOCK=%d O_RDWR=%d\n", (fl & O_NONBLOCK) != 0,
        (fl & O_ACCMODE) == O_RDWR);

    show("waitid(nonblocking pidfd, WEXITED)", raw_waitid(P_PIDFD, fd, WEXITED));
    show("waitid(nonblocking pidfd, WEXITED|WNOHANG)", raw_waitid(P_PIDFD, fd, WEXITED | WNOHANG));

    if (fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) fail("F_SETFL");
    if (write(p[1], "x", 1) != 1) fail("write");
    int r = raw_waitid(P_PIDFD, fd, WEXITED);
    show("waitid(blocking pidfd, WEXITED)", r);
    siginfo_t si;
    memcpy(&si, si_buf, sizeof si);
    say("  si_pid_eq_child=%d\n", si.si_pid == c);

    show("waitid(P_ALL, WEXITED|WNOHANG) without children",
         raw_waitid(P_ALL, 0, WEXITED | WNOHANG));
    close(fd);
    close(p[1]);
    say("done\n");
    return 0;
}
