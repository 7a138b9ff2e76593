/*
 * stack_grow.c - IDEA: the main thread's stack is a mapping that GROWS DOWN
 * on demand (VM_GROWSDOWN): exec maps only its top, and a touch of any page
 * below it, up to the stack rlimit (8 MiB by default), extends it; a page
 * further down is a segmentation fault.
 *
 *  1. A 5 MiB local array, first written at its LOWEST byte (a fault far
 *     below the mapped part) and then at its highest.
 *  2. The kernel writes into untouched stack: read() from a pipe into the
 *     bottom of a 4 MiB local buffer nobody touched before.
 *  3. A fork child's copy of the stack grows too: the child recurses 3 MiB
 *     deep, the parent reads the checksum from its exit status.
 *
 * Everything printed is a checksum or a relation, never an address.
 */
#include "common.h"

#include <sys/wait.h>

#define MIB (1024 * 1024)

/* Keeps the compiler from folding the arrays away. */
static volatile unsigned sink;

static __attribute__((noinline)) unsigned big_array(void)
{
    volatile unsigned char a[5 * MIB];
    a[0] = 7; /* the lowest byte first: a fault far below the stack's end */
    a[sizeof(a) - 1] = 9;
    a[sizeof(a) / 2] = 11;
    return a[0] + a[sizeof(a) - 1] + a[sizeof(a) / 2];
}

static __attribute__((noinline)) unsigned kernel_fill(void)
{
    unsigned char buf[4 * MIB];
    int p[2];
    if (pipe(p)) fail("pipe");
    unsigned char msg[256];
    for (int i = 0; i < 256; i++)
        msg[i] = (unsigned char)i;
    if (write(p[1], msg, sizeof(msg)) != (ssize_t)sizeof(msg)) fail("write");
    /* buf[0] is 4 MiB below this frame: nobody has touched it */
    ssize_t n = read(p[0], buf, sizeof(msg));
    close(p[0]);
    close(p[1]);
    unsigned sum = 0;
    for (ssize_t i = 0; i < n; i++)
        sum += buf[i];
    sink = buf[4 * MIB - 1];
    return sum + (unsigned)n;
}

/* About 1 KiB of stack per level. */
static __attribute__((noinline)) unsigned deep(int level)
{
    volatile unsigned char frame[1000];
    frame[0] = (unsigned char)level;
    frame[999] = 1;
    if (level == 0) return frame[0] + frame[999];
    return deep(level - 1) + frame[0] % 3 + frame[999];
}

int main(void)
{
    say("big_array: %u\n", big_array());
    say("kernel_fill: %u\n", kernel_fill());
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) _exit((int)(deep(3000) & 0x7f));
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
    unsigned want = deep(3000) & 0x7f; /* the parent's own stack grows as deep */
    say("child deep: exited=%d checksum_ok=%d\n", WIFEXITED(st), WEXITSTATUS(st) == (int)want);
    say("deep checksum: %u\n", want);
    return 0;
}
