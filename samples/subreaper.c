/*
 * subreaper.c - IDEA: when a process dies, its children are reparented -
 * to the nearest ancestor that called prctl(PR_SET_CHILD_SUBREAPER, 1), or
 * to init if there is none - and that new parent is the one that reaps them.
 *
 *   1. Without a subreaper (in a sub-process S, so that nobody above us in
 *      this program is a subreaper): S forks C, C forks G and exits at once.
 *      G waits (bounded) until getppid() is no longer C, and reports through
 *      a pipe that it was reparented away from C. Who the new parent is
 *      depends on the machine (init, a container's init, a service
 *      manager), so only "not C" is printed.
 *   2. With a subreaper: the top process sets PR_SET_CHILD_SUBREAPER, forks
 *      C, C forks G and exits. G now gets the top process as its parent,
 *      says so through a pipe, and exits; the top process reaps C (its own
 *      child) and then G (its adopted grandchild).
 */
#include "common.h"

#include <sys/prctl.h>
#include <sys/wait.h>

struct report {
    int g_pid;         /* used only to waitpid() for G, never printed */
    int left_c;        /* getppid() changed away from C within the bound */
    int parent_is_top; /* the new parent is the top process */
};

/* G: wait until C is gone, then report to fd. */
static void grandchild(int fd, pid_t c, pid_t top)
{
    struct report r = {.g_pid = getpid()};
    for (int i = 0; i < 10000 && getppid() == c; i++)
        usleep(1000); /* at most 10 s; C exits right after fork */
    pid_t pp = getppid();
    r.left_c = pp != c;
    r.parent_is_top = pp == top;
    if (write_all(fd, &r, sizeof(r)) < 0) _exit(9);
    _exit(4);
}

/* C: fork G, exit 3. Called in the forked child. */
static void middle(int fd, pid_t top)
{
    pid_t c = getpid();
    pid_t g = fork();
    if (g < 0) _exit(8);
    if (g == 0) grandchild(fd, c, top);
    _exit(3);
}

static void without_subreaper(void)
{
    int p[2];
    if (pipe(p) < 0) fail("pipe");
    pid_t s = fork();
    if (s < 0) fail("fork");
    if (s == 0) {
        pid_t self = getpid();
        pid_t c = fork();
        if (c < 0) fail("fork");
        if (c == 0) middle(p[1], self);
        close(p[1]);
        int st;
        if (waitpid(c, &st, 0) != c) fail("waitpid C");
        struct report r;
        if (read_all(p[0], &r, sizeof(r)) < 0) fail("read report");
        say("no subreaper: C exited %d; G reparented_away_from_C=%d\n", WEXITSTATUS(st), r.left_c);
        /* G is no longer anybody's child here: S cannot wait for it. */
        errno = 0;
        pid_t w = waitpid(r.g_pid, &st, WNOHANG);
        say("no subreaper: waitpid(G) in the old grandparent: %d %s\n", w < 0 ? -1 : w,
            errno_name(errno));
        _exit(0);
    }
    close(p[0]);
    close(p[1]);
    int st;
    if (waitpid(s, &st, 0) != s) fail("waitpid S");
}

static void with_subreaper(void)
{
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) fail("prctl(PR_SET_CHILD_SUBREAPER)");
    int on = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) < 0) fail("prctl(PR_GET_CHILD_SUBREAPER)");
    say("subreaper: PR_GET_CHILD_SUBREAPER=%d\n", on);

    int p[2];
    if (pipe(p) < 0) fail("pipe");
    pid_t top = getpid();
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) middle(p[1], top);
    close(p[1]);

    int st;
    if (waitpid(c, &st, 0) != c) fail("waitpid C");
    say("subreaper: reaped C, exited %d\n", WEXITSTATUS(st));
    struct report r;
    if (read_all(p[0], &r, sizeof(r)) < 0) fail("read report");
    say("subreaper: G reparented_away_from_C=%d new_parent_is_top=%d\n", r.left_c, r.parent_is_top);
    pid_t w = waitpid(r.g_pid, &st, 0);
    say("subreaper: reaped G=%d, exited %d\n", w == r.g_pid, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    close(p[0]);
}

int main(void)
{
    without_subreaper();
    with_subreaper();
    say("done\n");
    return 0;
}
