/*
 * pidfd_send_siginfo.c - IDEA: pidfd_send_signal(2) with the caller's own
 * siginfo (kernel/signal.c): it arrives as given (si_code SI_QUEUE, the
 * si_value, the si_pid the caller wrote), si_signo must equal the signal
 * (EINVAL), and a kernel-looking si_code (SI_USER >= 0, or SI_TKILL) may
 * only be sent to oneself: EPERM for another process, fine for one's own
 * pidfd. (LTP's clone301 sends SI_QUEUE through a CLONE_PIDFD pidfd.)
 */
#include "common.h"

#include <sys/syscall.h>
#include <sys/wait.h>

static volatile sig_atomic_t got_code, got_value, got_pid;

static void on_usr1(int s, siginfo_t *si, void *uc)
{
    (void)s;
    (void)uc;
    got_code = si->si_code;
    got_value = si->si_value.sival_int;
    got_pid = si->si_pid;
}

static long send_info(int fd, int sig, siginfo_t *si)
{
    return syscall(SYS_pidfd_send_signal, fd, sig, si, 0);
}

int main(void)
{
    sigset_t usr1, none;
    sigemptyset(&usr1);
    sigemptyset(&none);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_usr1;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGUSR1, &sa, NULL);
        while (!got_code)
            sigsuspend(&none);
        say("child: %s, value %d, si_pid is the parent %d\n", si_code_name(SIGUSR1, got_code),
            (int)got_value, got_pid == getppid());
        _exit(0);
    }
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) fail("pidfd_open");
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR2;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = 777;
    say("si_signo differs: %s\n", errno_name(send_info(fd, SIGUSR1, &si) < 0 ? errno : 0));
    si.si_signo = SIGUSR1;
    si.si_code = SI_USER;
    say("SI_USER to another process: %s\n",
        errno_name(send_info(fd, SIGUSR1, &si) < 0 ? errno : 0));
    si.si_code = SI_TKILL;
    say("SI_TKILL to another process: %s\n",
        errno_name(send_info(fd, SIGUSR1, &si) < 0 ? errno : 0));
    si.si_code = SI_QUEUE;
    long q = send_info(fd, SIGUSR1, &si);
    int qerr = q < 0 ? errno : 0;
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid"); /* the child printed first */
    say("SI_QUEUE: %s\n", errno_name(qerr));

    int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
    si.si_code = SI_USER;
    say("SI_USER to oneself: %s\n", errno_name(send_info(self, SIGUSR1, &si) < 0 ? errno : 0));
    siginfo_t got;
    struct timespec zero = {0, 0};
    if (sigtimedwait(&usr1, &got, &zero) != SIGUSR1) fail("sigtimedwait");
    say("self: %s\n", si_code_name(SIGUSR1, got.si_code));
    return 0;
}
