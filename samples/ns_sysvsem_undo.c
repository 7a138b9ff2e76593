/*
 * ns_sysvsem_undo.c - IDEA: System V semaphore operations with SEM_UNDO
 * are recorded in the process's undo list and reverted when it exits.
 * CLONE_SYSVSEM makes parent and child share ONE undo list: then the
 * adjustments are applied only when the last process sharing it exits, not
 * when the child does. (A child without CLONE_SYSVSEM starts without one.)
 * Also: a semop that cannot proceed sleeps until another process changes
 * the set (GETNCNT counts it), and IPC_RMID wakes it with EIDRM.
 */
#include "common.h"

#include <sched.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define STACK_SIZE   (256 * 1024)
#define KCMP_SYSVSEM 6

static int semid;

static int op(int delta, int flags)
{
    struct sembuf b = {0, (short)delta, (short)flags};
    return semop(semid, &b, 1) == 0 ? 0 : errno;
}

static int val(void)
{
    return semctl(semid, 0, GETVAL);
}

static void wait_for(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
}

static const char *err_name(int e)
{
    return e == EIDRM ? "EIDRM" : errno_name(e);
}

/* A child that waits to decrement; its exit status is semop's errno. */
static pid_t waiter(void)
{
    pid_t w = fork();
    if (w == 0) _exit(op(-1, 0));
    while (semctl(semid, 0, GETNCNT) != 1)
        sched_yield();
    return w;
}

static const char *waiter_result(pid_t w)
{
    int st;
    if (waitpid(w, &st, 0) != w) fail("waitpid");
    return err_name(WEXITSTATUS(st));
}

static int shares_undo_list(pid_t a, pid_t b)
{
    return syscall(SYS_kcmp, a, b, KCMP_SYSVSEM, 0, 0) == 0;
}

static int sharer_fn(void *arg)
{
    (void)arg;
    say("  A: shares the undo list with its parent=%d\n", shares_undo_list(getppid(), getpid()));
    int e = op(2, SEM_UNDO);
    say("  A: semop(+2, SEM_UNDO)=%s val=%d\n", errno_name(e), val());
    return 0; /* the shared list is not applied: the parent still uses it */
}

/* P: a process whose child A shares its undo list. */
static void p_main(void)
{
    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) fail("mmap");
    pid_t a = clone(sharer_fn, stack + STACK_SIZE, CLONE_SYSVSEM | SIGCHLD, NULL);
    if (a < 0) fail("clone");
    wait_for(a);
    say("  P: after A exited val=%d (A's adjustment is still pending)\n", val());
    pid_t b = fork();
    if (b == 0) {
        say("  B (forked without CLONE_SYSVSEM) shares P's undo list=%d\n",
            shares_undo_list(getppid(), getpid()));
        _exit(0);
    }
    wait_for(b);
    _exit(0); /* the last user of the list: now it is applied */
}

int main(void)
{
    semid = semget(IPC_PRIVATE, 1, 0600);
    if (semid < 0) fail("semget");
    say("semget(IPC_PRIVATE, 0 semaphores): %s\n",
        errno_name(semget(IPC_PRIVATE, 0, 0600) < 0 ? errno : 0));

    pid_t c = fork();
    if (c == 0) {
        int e = op(1, SEM_UNDO);
        say("child: semop(+1, SEM_UNDO)=%s val=%d\n", errno_name(e), val());
        _exit(0);
    }
    wait_for(c);
    say("after the child exited: val=%d (its SEM_UNDO was reverted)\n", val());

    say("CLONE_SYSVSEM:\n");
    pid_t p = fork();
    if (p == 0) p_main();
    wait_for(p);
    say("after P exited: val=%d (the shared list was applied once, by its last user)\n", val());

    pid_t w = waiter();
    say("one process waits to decrement (GETNCNT=1)\n");
    int e = op(1, 0);
    say("semop(+1)=%s; the waiter's semop(-1)=%s\n", errno_name(e), waiter_result(w));
    say("after the waiter got it: val=%d\n", val());

    w = waiter();
    e = semctl(semid, 0, IPC_RMID) == 0 ? 0 : errno;
    say("IPC_RMID: %s; the waiter's semop(-1)=%s\n", errno_name(e), waiter_result(w));
    say("semop on the removed set: %s\n", errno_name(op(1, 0)));
    return 0;
}
