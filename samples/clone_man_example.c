/*
 * clone_man_example.c - IDEA: the EXAMPLES program of clone(2): the glibc
 * clone() wrapper with CLONE_NEWUTS|SIGCHLD gives the child its own UTS
 * namespace, so its sethostname() does not change the parent's hostname.
 *
 * Adapted for a deterministic test: the real hostname is never printed.
 * The child sets the hostname to argv[1], reads it back with uname() and
 * prints it and whether it matches argv[1]; the parent waits for the child
 * first (instead of sleeping) and prints whether its own hostname is
 * unchanged. CLONE_NEWUTS needs CAP_SYS_ADMIN: without it clone fails and
 * we print "clone: EPERM". Run as: clone_man_example clonemu-demo
 */
#include "common.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define STACK_SIZE (1024 * 1024) /* stack size for the cloned child */

static int child_func(void *arg)
{
    struct utsname uts;
    /* Change the hostname in the child's UTS namespace. */
    if (sethostname(arg, strlen(arg)) == -1) fail("sethostname");
    if (uname(&uts) == -1) fail("uname");
    say("child_hostname=%s\n", uts.nodename);
    say("child_hostname_matches_arg=%d\n", strcmp(uts.nodename, arg) == 0);
    return 0; /* the child terminates now */
}

int main(int argc, char *argv[])
{
    struct utsname before, after;

    if (argc < 2) {
        say("usage: %s <child-hostname>\n", argv[0]);
        return 2;
    }
    if (uname(&before) == -1) fail("uname");

    /* Allocate memory for the child's stack; it grows down, pass the top. */
    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) fail("mmap");
    char *stack_top = stack + STACK_SIZE;

    pid_t pid = clone(child_func, stack_top, CLONE_NEWUTS | SIGCHLD, argv[1]);
    if (pid == -1) fail("clone");

    int st;
    if (waitpid(pid, &st, 0) == -1) /* wait for the child */
        fail("waitpid");
    say("child_exited=%d status=%d\n", WIFEXITED(st), WEXITSTATUS(st));

    if (uname(&after) == -1) fail("uname");
    say("parent_hostname_unchanged=%d\n", strcmp(before.nodename, after.nodename) == 0);
    say("parent_hostname_is_arg=%d\n", strcmp(after.nodename, argv[1]) == 0);
    say("done\n");
    return 0;
}
