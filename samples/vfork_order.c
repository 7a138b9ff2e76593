/*
 * vfork_order.c - IDEA: vfork() = clone(CLONE_VM|CLONE_VFORK|SIGCHLD). The
 * child borrows the parent's memory, and the parent is SUSPENDED until the
 * child calls _exit() or execve(); only then does vfork() return in the
 * parent.
 *
 * Part 1: the child stores 42 in a global and appends to an event log (both
 *   in the shared memory; legal-ish under vfork, fine in practice), then
 *   _exit(5)s. The parent, on resuming, already sees 42 and the child's
 *   events before its own.
 * Part 2: the child execve()s /proc/self/exe --child-mode. The parent
 *   resumes as soon as the exec succeeded, while the new program still runs:
 *   waitpid(WNOHANG) says "still running" because the exec'd child blocks on
 *   a pipe until the parent writes one byte. The exec'd image has fresh
 *   memory: it sees shared_value=0. It exits 9.
 */
#include "common.h"

#include <fcntl.h>
#include <sys/wait.h>

static volatile int shared_value;
static const char *volatile event_log[16];
static volatile int nevents;

static void ev(const char *what)
{
    event_log[nevents++] = what;
}

static int child_mode(char **argv)
{
    int go_fd = atoi(argv[2]);
    pid_t parent = (pid_t)atoi(argv[3]);
    char c;
    if (read(go_fd, &c, 1) != 1) fail("child-mode read");
    say("child-mode: after execve ppid_is_parent=%d shared_value=%d\n", getppid() == parent,
        shared_value);
    return 9;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--child-mode") == 0) return child_mode(argv);

    say("part 1: vfork + _exit\n");
    ev("parent: vfork()");
    pid_t pid = vfork();
    if (pid < 0) fail("vfork");
    if (pid == 0) {
        ev("child: runs, parent suspended");
        shared_value = 42;
        ev("child: wrote shared_value=42, _exit(5)");
        _exit(5);
    }
    ev("parent: vfork() returned");
    say("parent: resumed, shared_value=%d\n", shared_value);
    int st;
    pid_t r = waitpid(pid, &st, 0);
    say("parent: reaped pid_matches=%d status=%d\n", r == pid, WEXITSTATUS(st));

    say("part 2: vfork + execve(/proc/self/exe)\n");
    shared_value = 0;
    int go[2];
    if (pipe(go) < 0) fail("pipe");
    fcntl(go[1], F_SETFD, FD_CLOEXEC); /* only the read end crosses execve */
    char fdarg[16], pidarg[16];
    snprintf(fdarg, sizeof(fdarg), "%d", go[0]);
    snprintf(pidarg, sizeof(pidarg), "%d", (int)getpid());
    char *cargv[] = {argv[0], "--child-mode", fdarg, pidarg, NULL};

    ev("parent: vfork()");
    pid = vfork();
    if (pid < 0) fail("vfork");
    if (pid == 0) {
        ev("child: execve()");
        execve("/proc/self/exe", cargv, environ);
        _exit(127); /* only reached if execve failed */
    }
    ev("parent: vfork() returned");
    close(go[0]);
    r = waitpid(pid, &st, WNOHANG);
    say("parent: resumed after execve, child_still_running=%d\n", r == 0);
    if (write(go[1], "g", 1) != 1) fail("write");
    r = waitpid(pid, &st, 0);
    say("parent: reaped pid_matches=%d exited=%d status=%d\n", r == pid, WIFEXITED(st),
        WEXITSTATUS(st));

    say("event order:\n");
    for (int i = 0; i < nevents; i++)
        say("  %d %s\n", i + 1, event_log[i]);
    say("done\n");
    return 0;
}
