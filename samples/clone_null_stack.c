/*
 * clone_null_stack.c - IDEA: the raw clone system call with stack = NULL
 * (and no CLONE_VM) is fork: the child keeps running on "the same" stack
 * pointer, but in its own copy-on-write copy of the parent's memory.
 *
 * We make the raw clone syscall with flags = SIGCHLD and stack = NULL
 * (inline assembly, no glibc wrapper):
 *   x86-64:  rax=56, rdi=flags rsi=stack rdx=ptid r10=ctid r8=tls, syscall
 *   aarch64: x8=220, x0=flags  x1=stack  x2=ptid  x3=tls   x4=ctid, svc #0
 *   s390x:   svc 120, r2=stack r3=flags r4=ptid r5=ctid r6=tls (the first
 *            two swapped)
 * Both tasks return from the same instruction, with the same stack pointer.
 * Unlike raw_clone_threads.c, the child may simply return into compiled
 * code: without CLONE_VM the stack frame it returns through is its own copy.
 *
 * The child checks that its stack variable lives at the same address as the
 * parent's, changes it (10 -> 42), changes a global and a heap byte too, and
 * exits with the stack variable as its exit code. The parent, after waitpid,
 * still sees 10 and the old global and heap values.
 */
#include "common.h"

#include <sys/syscall.h>
#include <sys/wait.h>

#if defined(__x86_64__)
static long raw_clone_fork(unsigned long flags)
{
    register long rax __asm__("rax") = SYS_clone;
    register unsigned long rdi __asm__("rdi") = flags;
    register long rsi __asm__("rsi") = 0; /* stack: NULL = keep the current sp */
    register long rdx __asm__("rdx") = 0; /* ptid */
    register long r10 __asm__("r10") = 0; /* ctid */
    register long r8 __asm__("r8") = 0;   /* tls */
    __asm__ volatile("syscall"
                     : "+r"(rax)
                     : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return rax;
}
#elif defined(__aarch64__)
static long raw_clone_fork(unsigned long flags)
{
    register long x8 __asm__("x8") = SYS_clone;
    register unsigned long x0 __asm__("x0") = flags;
    register long x1 __asm__("x1") = 0; /* stack: NULL = keep the current sp */
    register long x2 __asm__("x2") = 0; /* ptid */
    register long x3 __asm__("x3") = 0; /* tls */
    register long x4 __asm__("x4") = 0; /* ctid */
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
    return (long)x0;
}
#elif defined(__s390x__)
static long raw_clone_fork(unsigned long flags)
{
    register long r2 __asm__("r2") = 0; /* stack: NULL = keep the current sp */
    register unsigned long r3 __asm__("r3") = flags;
    register long r4 __asm__("r4") = 0; /* ptid */
    register long r5 __asm__("r5") = 0; /* ctid */
    register long r6 __asm__("r6") = 0; /* tls */
    __asm__ volatile("svc 120" : "+r"(r2) : "r"(r3), "r"(r4), "r"(r5), "r"(r6) : "memory");
    return r2;
}
#else
#error "clone_null_stack.c: add the clone convention of this arch"
#endif

static volatile int global_value = 100;

int main(void)
{
    volatile int on_stack = 10;
    volatile int *const parent_addr = &on_stack; /* compared, never printed */
    char *heap = malloc(16);
    if (!heap) fail("malloc");
    heap[0] = 'P';
    pid_t me = getpid();

    say("before clone: on_stack=%d global=%d heap=%c\n", on_stack, global_value, heap[0]);
    long r = raw_clone_fork(SIGCHLD);
    if (r < 0) {
        errno = (int)-r;
        fail("clone");
    }
    if (r == 0) {
        /* Child: same addresses, private copies. Exit code says what we saw:
         * 42 if everything held, something else otherwise. */
        int ok = (&on_stack == parent_addr) && getppid() == me && getpid() != me;
        on_stack += 32;
        global_value = 200;
        heap[0] = 'C';
        _exit(ok ? on_stack : 1);
    }

    int st;
    if (waitpid((pid_t)r, &st, 0) != (pid_t)r) fail("waitpid");
    say("waitpid: WIFEXITED=%d WEXITSTATUS=%d (child's on_stack after += 32, same address)\n",
        WIFEXITED(st), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    say("after child exit: on_stack=%d global=%d heap=%c (parent's copies unchanged)\n", on_stack,
        global_value, heap[0]);
    free(heap);
    say("done\n");
    return 0;
}
