/*
 * ns_newpid.c - IDEA: CLONE_NEWPID gives the child a new pid namespace in
 * which it is pid 1 (its init) and its parent, outside, does not exist:
 * getppid() is 0. The child's first child is pid 2 there. The parent still
 * sees the child under the number clone() returned, which is not 1: a task
 * has a pid at every level, and each process sees the one of its own level
 * (/proc/<pid>/status NSpid lists them, outermost first).
 *
 * Needs CAP_SYS_ADMIN (run as root); without it: "clone: EPERM".
 */
#include "common.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define STACK_SIZE (256 * 1024)

static int grandchild(void)
{
    say("grandchild: getpid=%d getppid=%d\n", (int)getpid(), (int)getppid());
    return 0;
}

static int ready[2], go[2];

static int child_fn(void *arg)
{
    (void)arg;
    close(ready[0]);
    close(go[1]);
    say("child: getpid=%d gettid=%d getppid=%d\n", (int)getpid(), (int)gettid(), (int)getppid());
    pid_t g = fork();
    if (g < 0) fail("fork");
    if (g == 0) _exit(grandchild());
    int st;
    pid_t w = waitpid(-1, &st, 0); /* print after the grandchild did */
    say("child: fork returned %d\n", (int)g);
    say("child: waitpid returned %d, exited=%d code=%d\n", (int)w, WIFEXITED(st), WEXITSTATUS(st));
    /* tell the parent we are done talking, then wait until it looked */
    if (write(ready[1], "r", 1) != 1) fail("write");
    char c;
    while (read(go[0], &c, 1) > 0) {
    }
    return 3;
}

/* The NSpid line of /proc/<pid>/status: how many levels, first and last. */
static void nspid(pid_t pid, int *levels, long *first, long *last)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    *levels = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = 0;
    char *p = strstr(buf, "\nNSpid:");
    if (!p) return;
    p += 7;
    while (*p && *p != '\n') {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p) break;
        if (*levels == 0) *first = v;
        *last = v;
        (*levels)++;
        p = end;
    }
}

int main(void)
{
    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) fail("mmap");
    int self_levels = 0, child_levels = 0;
    long first = 0, last = 0;
    nspid(getpid(), &self_levels, &first, &last);
    if (pipe(ready) < 0 || pipe(go) < 0) fail("pipe");

    pid_t pid = clone(child_fn, stack + STACK_SIZE, CLONE_NEWPID | SIGCHLD, NULL);
    if (pid < 0) fail("clone");
    close(ready[1]);
    close(go[0]);
    char c;
    if (read(ready[0], &c, 1) != 1) fail("read");
    say("parent: clone returned 1: %d\n", pid == 1);
    /* The child is alive and blocked: its NSpid has one more level than ours. */
    nspid(pid, &child_levels, &first, &last);
    say("parent: child's NSpid: one more level than ours=%d, outermost is clone's result=%d, "
        "innermost=%ld\n",
        child_levels == self_levels + 1, first == pid, last);
    close(go[1]);
    int st;
    pid_t w = waitpid(pid, &st, 0);
    say("parent: waitpid returned the clone result: %d, code=%d\n", w == pid, WEXITSTATUS(st));
    say("parent: getpid is not 1: %d\n", getpid() != 1);
    return 0;
}
