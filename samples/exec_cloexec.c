/*
 * exec_cloexec.c - IDEA: execve() keeps the process but replaces the
 * program, and some per-process state is filtered on the way:
 *   - file descriptors stay open, except those marked close-on-exec
 *     (O_CLOEXEC / FD_CLOEXEC), which execve closes;
 *   - a signal set to SIG_IGN stays ignored, but a signal with a handler is
 *     reset to SIG_DFL (the handler's code no longer exists in the new
 *     program).
 *
 * The parent opens /dev/null twice, once with O_CLOEXEC, ignores SIGUSR1 and
 * installs a handler for SIGUSR2. A forked child then execs this same
 * program (/proc/self/exe) with "--child FD FD". In child mode we ask
 * fcntl(F_GETFD) about both descriptor numbers (the close-on-exec one is
 * gone: EBADF) and sigaction() about both signals.
 */
#include "common.h"

#include <fcntl.h>
#include <sys/wait.h>

static void on_usr2(int sig)
{
    (void)sig;
}

static const char *disposition(int sig)
{
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) < 0) return errno_name(errno);
    if (sa.sa_handler == SIG_IGN) return "SIG_IGN";
    if (sa.sa_handler == SIG_DFL) return "SIG_DFL";
    return "handler";
}

static void show_fd(const char *who, const char *what, int fd)
{
    int f = fcntl(fd, F_GETFD);
    if (f < 0)
        say("%s: %s fd: F_GETFD -> %s\n", who, what, errno_name(errno));
    else
        say("%s: %s fd: open, FD_CLOEXEC=%d\n", who, what, (f & FD_CLOEXEC) != 0);
}

static int child_mode(int argc, char **argv)
{
    if (argc != 4) {
        say("child: bad arguments\n");
        return 2;
    }
    int plain = atoi(argv[2]), cloexec = atoi(argv[3]);
    show_fd("after exec", "plain", plain);
    show_fd("after exec", "O_CLOEXEC", cloexec);
    say("after exec: SIGUSR1 %s, SIGUSR2 %s\n", disposition(SIGUSR1), disposition(SIGUSR2));
    return 5;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--child") == 0) return child_mode(argc, argv);

    int plain = open("/dev/null", O_RDONLY);
    int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (plain < 0 || cloexec < 0) fail("open /dev/null");
    show_fd("before exec", "plain", plain);
    show_fd("before exec", "O_CLOEXEC", cloexec);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGUSR1, &sa, NULL) < 0) fail("sigaction SIGUSR1");
    sa.sa_handler = on_usr2;
    if (sigaction(SIGUSR2, &sa, NULL) < 0) fail("sigaction SIGUSR2");
    say("before exec: SIGUSR1 %s, SIGUSR2 %s\n", disposition(SIGUSR1), disposition(SIGUSR2));

    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", plain);
        snprintf(b, sizeof(b), "%d", cloexec);
        char *args[] = {"x", "--child", a, b, NULL};
        char *env[] = {NULL};
        execve("/proc/self/exe", args, env);
        fail("execve");
    }
    int st;
    if (waitpid(c, &st, 0) != c) fail("waitpid");
    say("child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    say("done\n");
    return 0;
}
