/*
 * clone_parent.c - IDEA: CLONE_PARENT makes the new task a SIBLING of the
 * caller: its parent is the caller's parent, so the caller cannot wait for
 * it and the grandparent reaps it (and gets its SIGCHLD).
 *
 *   T (top) --fork--> C --clone(CLONE_PARENT|SIGCHLD)--> G
 *   resulting tree:   T +-- C
 *                       +-- G
 *
 * C and G each send T one fixed-size record through their own pipe; T
 * prints all the relations in a fixed order, then reaps both. C reports that
 * waitpid(G) gives ECHILD. G's getppid() is T's pid, the same as C's.
 */
#include "common.h"

#include <sched.h>
#include <sys/wait.h>

#define STACK_SIZE (256 * 1024)

struct crec {
    pid_t g;
    int ppid_is_top;
    int clone_errno;
    int wait_errno;
};
struct grec {
    pid_t self;
    int ppid_is_top;
    int ppid_eq_c_ppid;
    int ppid_is_c;
};

static pid_t top, c_pid, c_ppid;
static int cpipe[2], gpipe[2];

static int g_main(void *arg)
{
    (void)arg;
    struct grec r = {getpid(), getppid() == top, getppid() == c_ppid, getppid() == c_pid};
    write_all(gpipe[1], &r, sizeof(r));
    return 22; /* the glibc clone() wrapper passes this to exit */
}

static void c_main(void)
{
    c_pid = getpid();
    c_ppid = getppid();
    char *stack = malloc(STACK_SIZE);
    if (!stack) _exit(1);
    struct crec r = {0, c_ppid == top, 0, 0};
    r.g = clone(g_main, stack + STACK_SIZE, CLONE_PARENT | SIGCHLD, NULL);
    if (r.g < 0)
        r.clone_errno = errno;
    else if (waitpid(r.g, NULL, __WALL) < 0)
        r.wait_errno = errno;
    write_all(cpipe[1], &r, sizeof(r));
    _exit(21);
}

int main(void)
{
    top = getpid();
    if (pipe(cpipe) < 0 || pipe(gpipe) < 0) fail("pipe");
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) c_main();

    struct crec cr;
    struct grec gr;
    if (read_all(cpipe[0], &cr, sizeof(cr)) < 0) fail("read C");
    if (cr.g < 0) {
        say("clone(CLONE_PARENT): %s\n", errno_name(cr.clone_errno));
        waitpid(c, NULL, 0);
        return 1;
    }
    if (read_all(gpipe[0], &gr, sizeof(gr)) < 0) fail("read G");

    say("C: ppid_is_top=%d\n", cr.ppid_is_top);
    say("C: waitpid(G) -> %s (G is not C's child)\n", errno_name(cr.wait_errno));
    say("G: ppid_is_top=%d ppid_eq_C_ppid=%d ppid_is_C=%d\n", gr.ppid_is_top, gr.ppid_eq_c_ppid,
        gr.ppid_is_c);
    say("G: clone_ret_eq_G_getpid=%d\n", cr.g == gr.self);

    int st;
    pid_t r = waitpid(c, &st, 0);
    say("top: reaped C pid_matches=%d status=%d\n", r == c, WEXITSTATUS(st));
    r = waitpid(cr.g, &st, 0);
    say("top: reaped G pid_matches=%d status=%d\n", r == cr.g, WEXITSTATUS(st));
    r = waitpid(-1, &st, 0);
    say("top: no more children: %s\n", errno_name(r < 0 ? errno : 0));
    say("done\n");
    return 0;
}
