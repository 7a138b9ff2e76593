/*
 * pidfd_procdir.c - IDEA: pidfd_send_signal(2) also takes a /proc/<pid>
 * directory fd as a pidfd (kernel/signal.c pidfd_to_pid ->
 * tgid_pidfd_to_pid), as Linux's selftest pidfd_test does with
 * open("/proc/self"). It names the process it was opened for: a signal
 * through it arrives; once that process is reaped the fd gives ESRCH.
 * Anything else is EBADF: /proc/self/task/<tid> (a thread directory), a
 * /proc file, a pipe. waitid(P_PIDFD) and pidfd_getfd take real pidfds
 * only (EBADF for the directory).
 */
#include "common.h"

#include <sys/syscall.h>
#include <sys/wait.h>

static volatile sig_atomic_t got;

static void on_usr1(int s)
{
    (void)s;
    got++;
}

static const char *res(long r)
{
    return errno_name(r < 0 ? errno : 0);
}

static long send_sig(int fd, int sig)
{
    return syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

int main(void)
{
    signal(SIGUSR1, on_usr1);
    int self = open("/proc/self", O_DIRECTORY | O_CLOEXEC);
    if (self < 0) fail("open /proc/self");
    say("/proc/self, signal 0: %s\n", res(send_sig(self, 0)));
    const char *r = res(send_sig(self, SIGUSR1));
    say("/proc/self, SIGUSR1: %s, received %d\n", r, (int)got);

    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", (int)syscall(SYS_gettid));
    int task = open(path, O_DIRECTORY | O_CLOEXEC);
    say("/proc/self/task/<tid>: %s\n", res(send_sig(task, 0)));
    int status = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    say("/proc/self/status: %s\n", res(send_sig(status, 0)));
    int p[2];
    if (pipe(p) < 0) fail("pipe");
    say("a pipe: %s\n", res(send_sig(p[0], 0)));
    say("a closed fd: %s\n", res(send_sig(999, 0)));

    pid_t pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    if (pid < 0) fail("fork");
    snprintf(path, sizeof path, "/proc/%d", (int)pid);
    int child = open(path, O_DIRECTORY | O_CLOEXEC);
    if (child < 0) fail("open /proc/<child>");
    siginfo_t si;
    memset(&si, 0, sizeof si);
    say("waitid(P_PIDFD, /proc/<child>): %s\n",
        res(waitid(P_PIDFD, child, &si, WEXITED | WNOHANG)));
    say("pidfd_getfd(/proc/<child>): %s\n", res(syscall(SYS_pidfd_getfd, child, 0, 0)));
    say("/proc/<child>, SIGTERM: %s\n", res(send_sig(child, SIGTERM)));
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
    say("child killed by %s\n", WIFSIGNALED(st) ? sig_name(WTERMSIG(st)) : "nothing");
    say("/proc/<child> after reaping, signal 0: %s\n", res(send_sig(child, 0)));
    /* a forked child inherits the fd: it still names the parent */
    pid = fork();
    if (pid == 0) {
        int before = got;
        long r = send_sig(self, SIGUSR1);
        say("child through the inherited /proc/self fd: %s, child received %d\n", res(r),
            (int)got - before);
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, NULL, 0) != pid) fail("wait");
    say("parent received %d in all\n", (int)got);
    return 0;
}
