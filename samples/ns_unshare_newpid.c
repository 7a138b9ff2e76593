/*
 * ns_unshare_newpid.c - IDEA: unshare(CLONE_NEWPID) does not move the
 * caller: its pid stays; only its children to come are created in the new
 * pid namespace (pid_ns_for_children). The first one is pid 1, the init of
 * that namespace, and sees its parent as 0; the next one is pid 2. While
 * the caller's children go to another namespace it cannot create threads
 * (EINVAL) nor unshare a pid namespace again (EINVAL). Once the init has
 * exited the namespace is dead and fork() fails with ENOMEM.
 *
 * Needs CAP_SYS_ADMIN (run as root); without it: "unshare: EPERM".
 */
#include "common.h"

#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>

static void *thread_fn(void *arg)
{
    return arg;
}

int main(void)
{
    pid_t before = getpid();
    if (unshare(CLONE_NEWPID) < 0) fail("unshare");
    say("pid unchanged by unshare: %d\n", getpid() == before);

    int ready[2], go[2];
    if (pipe(ready) < 0 || pipe(go) < 0) fail("pipe");
    pid_t first = fork();
    if (first < 0) fail("fork");
    if (first == 0) {
        close(go[1]);
        say("first child: getpid=%d getppid=%d\n", (int)getpid(), (int)getppid());
        if (write(ready[1], "r", 1) != 1) fail("write");
        char c;
        while (read(go[0], &c, 1) > 0) {
        }
        _exit(0); /* the init exits */
    }
    close(go[0]);
    char c;
    if (read(ready[0], &c, 1) != 1) fail("read");
    say("fork returned 1: %d\n", first == 1);

    pid_t second = fork();
    if (second < 0) fail("fork");
    if (second == 0) {
        say("second child: getpid=%d getppid=%d\n", (int)getpid(), (int)getppid());
        _exit(0);
    }
    int st;
    say("second child reaped: %d\n", waitpid(second, &st, 0) == second);

    pthread_t th;
    int e = pthread_create(&th, NULL, thread_fn, NULL);
    say("pthread_create: %s\n", errno_name(e));
    if (e == 0) pthread_join(th, NULL);
    say("unshare(CLONE_NEWPID) again: %s\n", errno_name(unshare(CLONE_NEWPID) == 0 ? 0 : errno));

    close(go[1]); /* let the init exit */
    say("init reaped: %d\n", waitpid(first, &st, 0) == first);
    pid_t third = fork();
    if (third == 0) _exit(0);
    say("fork after the init died: %s\n", errno_name(third < 0 ? errno : 0));
    if (third > 0) waitpid(third, &st, 0);
    return 0;
}
