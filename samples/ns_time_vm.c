/*
 * ns_time_vm.c - IDEA: after unshare(CLONE_NEWTIME) only later children
 * that get their own address space enter the new time namespace; a thread
 * or a vfork child shares the caller's memory (and its vDSO clock page), so
 * it stays in the caller's time namespace. Kernels 5.6 to ~6.0 refused
 * CLONE_THREAD/CLONE_VM here with EINVAL; current kernels accept both.
 */
#include "common.h"

#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif

static void *thread_fn(void *arg)
{
    return arg;
}

int main(void)
{
    if (unshare(CLONE_NEWTIME) < 0) {
        say("unshare(CLONE_NEWTIME): %s\n", errno_name(errno));
        return 1;
    }
    say("unshare(CLONE_NEWTIME): ok\n");
    pthread_t t;
    int r = pthread_create(&t, NULL, thread_fn, NULL);
    say("pthread_create after it: %s\n", r ? errno_name(r) : "ok");
    if (!r) pthread_join(t, NULL);
    pid_t p = vfork();
    if (p == 0) _exit(3);
    int st = 0;
    if (p > 0) waitpid(p, &st, 0);
    say("vfork after it: %s, child status=%d\n", p < 0 ? errno_name(errno) : "ok",
        WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    pid_t f = fork();
    if (f == 0) _exit(4);
    if (f > 0) waitpid(f, &st, 0);
    say("fork after it: %s, child status=%d\n", f < 0 ? errno_name(errno) : "ok",
        WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    say("done\n");
    return 0;
}
