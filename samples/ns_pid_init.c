/*
 * ns_pid_init.c - IDEA: the first process of a pid namespace is its init.
 * Orphans inside the namespace are reparented to it (not to the system's
 * init), it does not die of signals it has no handler for when they come
 * from inside its namespace (not even SIGKILL), and when it exits the
 * kernel SIGKILLs everything left in the namespace (zap_pid_ns_processes).
 *
 * Inside (pids as seen there): init (1) forks A (2); A forks B (3) and
 * exits; B sees getppid() become 1 and exits; init reaps 2 and 3. Then C
 * (4) sends SIGTERM and SIGKILL to pid 1 - both are dropped - and waits
 * forever. init exits; the parent, outside, sees C die: the pipe C held
 * open reaches end of file. Needs CAP_SYS_ADMIN (run as root).
 */
#include "common.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define STACK_SIZE (256 * 1024)

static int held[2]; /* C keeps held[1] open until it dies */

static void b_orphan(void)
{
    while (getppid() != 1) /* A exits: B is adopted by the namespace init */
        sched_yield();
    say("B: orphaned, getppid=%d\n", (int)getppid());
    _exit(0);
}

static void a_parent(void)
{
    pid_t b = fork();
    if (b < 0) fail("fork");
    if (b == 0) b_orphan();
    _exit(0);
}

static void c_signals_init(int sent)
{
    say("C: getpid=%d kill(1, SIGTERM)=%s kill(1, SIGKILL)=%s\n", (int)getpid(),
        errno_name(kill(1, SIGTERM) == 0 ? 0 : errno),
        errno_name(kill(1, SIGKILL) == 0 ? 0 : errno));
    if (write(sent, "s", 1) != 1) fail("write");
    for (;;)
        pause();
}

static int init_fn(void *arg)
{
    (void)arg;
    close(held[0]);
    pid_t a = fork();
    if (a < 0) fail("fork");
    if (a == 0) a_parent();
    int reaped[2], n = 0, st;
    pid_t w;
    while (n < 2 && (w = waitpid(-1, &st, 0)) > 0)
        reaped[n++] = w;
    say("init: reaped %d and %d\n", n > 0 ? reaped[0] : -1, n > 1 ? reaped[1] : -1);

    int sent[2];
    if (pipe(sent) < 0) fail("pipe");
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        close(sent[0]);
        c_signals_init(sent[1]);
    }
    close(held[1]); /* only C holds the write end now */
    close(sent[1]);
    char ch;
    if (read(sent[0], &ch, 1) != 1) fail("read");
    say("init: still alive after C's SIGTERM and SIGKILL, C is %d\n", (int)c);
    return 5; /* C is still running: the kernel kills it */
}

int main(void)
{
    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) fail("mmap");
    if (pipe(held) < 0) fail("pipe");
    pid_t pid = clone(init_fn, stack + STACK_SIZE, CLONE_NEWPID | SIGCHLD, NULL);
    if (pid < 0) fail("clone");
    close(held[1]);
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
    say("parent: init exited=%d code=%d\n", WIFEXITED(st), WEXITSTATUS(st));
    char ch;
    ssize_t r = read(held[0], &ch, 1);
    say("parent: C's end of the pipe is closed (C is dead): %d\n", r == 0);
    return 0;
}
