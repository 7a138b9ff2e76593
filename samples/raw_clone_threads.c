/*
 * raw_clone_threads.c - IDEA: a "thread" is just a task made by the raw clone
 * system call with the sharing flags pthreads uses.
 *
 * We call clone directly (inline assembly, no glibc wrapper) four times with
 *   CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|
 *   CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID
 * on stacks we mmap ourselves. The argument order differs per arch:
 *   x86-64:  rax=56,  rdi=flags rsi=stack rdx=ptid r10=ctid r8=tls, syscall
 *   aarch64: x8=220,  x0=flags  x1=stack  x2=ptid  x3=tls   x4=ctid, svc #0
 *   s390x:   svc 120, r2=stack r3=flags r4=ptid r5=ctid r6=tls (stack and
 *            flags swapped: "On the cris and s390 architectures, the order
 *            of the first two arguments is reversed")
 * The child starts on the new stack in the middle of the asm block. It must
 * never return into the compiler's code (that frame belongs to the parent),
 * so the asm calls a C function and then makes the raw exit syscall
 * (x86-64 60, aarch64 93, s390x 1), which ends only this thread.
 *
 * No CLONE_SETTLS: the children share the parent's TLS, so they must not
 * touch errno or other libc state; they use raw syscalls and write results
 * into shared memory, and the parent prints them.
 *
 * CLONE_PARENT_SETTID stores the new tid in ptid[i] (in the parent's memory,
 * before clone returns). CLONE_CHILD_CLEARTID makes the kernel store 0 in
 * ctid[i] when the thread exits and FUTEX_WAKE it: that is how pthread_join
 * works, and it is how the parent waits here.
 */
#include "common.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define NTHREADS   4
#define STACK_SIZE (64 * 1024)

struct result {
    long tid;  /* gettid() seen by the child */
    long tgid; /* getpid() seen by the child */
    long work; /* sum 1..(1000*(i+1)) */
};

static struct result results[NTHREADS];
static volatile int ptid[NTHREADS];
static volatile int ctid[NTHREADS];

#if defined(__x86_64__)
static long raw_syscall0(long nr)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
    return ret;
}

static long raw_clone(unsigned long flags, void *stack, volatile int *pt, volatile int *ct,
                      void (*fn)(void *), void *arg)
{
    register long rax __asm__("rax") = SYS_clone;
    register unsigned long rdi __asm__("rdi") = flags;
    register void *rsi __asm__("rsi") = stack;
    register volatile int *rdx __asm__("rdx") = pt;
    register volatile int *r10 __asm__("r10") = ct;
    register long r8 __asm__("r8") = 0; /* tls: unused without CLONE_SETTLS */
    register void (*r9)(void *) __asm__("r9") = fn;
    register void *r12 __asm__("r12") = arg;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     /* child: new stack, registers copied from the parent */
                     "xor %%ebp, %%ebp\n\t"
                     "and $-16, %%rsp\n\t"
                     "mov %%r12, %%rdi\n\t"
                     "call *%%r9\n\t"
                     "mov $60, %%eax\n\t" /* exit(0): this thread only */
                     "xor %%edi, %%edi\n\t"
                     "syscall\n\t"
                     "hlt\n"
                     "1:\n\t"
                     : "+r"(rax)
                     : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10), "r"(r8), "r"(r9), "r"(r12)
                     : "rcx", "r11", "memory");
    return rax;
}
#elif defined(__aarch64__)
static long raw_syscall0(long nr)
{
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
}

static long raw_clone(unsigned long flags, void *stack, volatile int *pt, volatile int *ct,
                      void (*fn)(void *), void *arg)
{
    register long x8 __asm__("x8") = SYS_clone;
    register unsigned long x0 __asm__("x0") = flags;
    register void *x1 __asm__("x1") = stack;
    register volatile int *x2 __asm__("x2") = pt;
    register long x3 __asm__("x3") = 0; /* tls: unused without CLONE_SETTLS */
    register volatile int *x4 __asm__("x4") = ct;
    register void (*x19)(void *) __asm__("x19") = fn;
    register void *x20 __asm__("x20") = arg;
    __asm__ volatile("svc #0\n\t"
                     "cbnz x0, 1f\n\t"
                     /* child: new stack, registers copied from the parent */
                     "mov x29, xzr\n\t"
                     "mov x30, xzr\n\t"
                     "mov x0, x20\n\t"
                     "blr x19\n\t"
                     "mov x0, #0\n\t" /* exit(0): this thread only */
                     "mov x8, #93\n\t"
                     "svc #0\n\t"
                     "brk #0\n"
                     "1:\n\t"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x19), "r"(x20)
                     : "memory");
    return (long)x0;
}
#elif defined(__s390x__)
static long raw_syscall0(long nr)
{
    register long r1 __asm__("r1") = nr;
    register long r2 __asm__("r2");
    __asm__ volatile("svc 0" : "=r"(r2) : "r"(r1) : "memory");
    return r2;
}

static long raw_clone(unsigned long flags, void *stack, volatile int *pt, volatile int *ct,
                      void (*fn)(void *), void *arg)
{
    register void *r2 __asm__("r2") = stack;
    register unsigned long r3 __asm__("r3") = flags;
    register volatile int *r4 __asm__("r4") = pt;
    register volatile int *r5 __asm__("r5") = ct;
    register long r6 __asm__("r6") = 0; /* tls: unused without CLONE_SETTLS */
    register void (*r8)(void *) __asm__("r8") = fn;
    register void *r9 __asm__("r9") = arg;
    __asm__ volatile("svc 120\n\t"
                     "ltgr %%r2, %%r2\n\t"
                     "jnz 1f\n\t"
                     /* child: new stack (the ABI's 160-byte register save
                      * area below it), registers copied from the parent */
                     "aghi %%r15, -160\n\t"
                     "xc 0(8,%%r15), 0(%%r15)\n\t" /* back chain: none */
                     "lgr %%r2, %%r9\n\t"
                     "basr %%r14, %%r8\n\t"
                     "lghi %%r2, 0\n\t" /* exit(0): this thread only */
                     "svc 1\n\t"
                     ".short 0\n" /* never reached: illegal opcode */
                     "1:\n\t"
                     : "+r"(r2)
                     : "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r8), "r"(r9)
                     : "r0", "r1", "r14", "cc", "memory");
    return (long)r2;
}
#else
#error "raw_clone_threads.c: add the clone convention of this arch"
#endif

/* Runs in the child on its own stack. Raw syscalls only: no errno, no TLS. */
static void thread_main(void *arg)
{
    struct result *r = arg;
    long n = 1000 * (long)(r - results + 1);
    long sum = 0;
    for (long k = 1; k <= n; k++)
        sum += k;
    r->work = sum;
    r->tid = raw_syscall0(SYS_gettid);
    r->tgid = raw_syscall0(SYS_getpid);
}

int main(void)
{
    const unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    void *stacks[NTHREADS];
    long tids[NTHREADS];

    say("raw clone: creating %d threads without glibc\n", NTHREADS);
    for (int i = 0; i < NTHREADS; i++) {
        stacks[i] = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (stacks[i] == MAP_FAILED) fail("mmap");
        ctid[i] = 1; /* nonzero while the thread lives; the kernel clears it */
        long ret = raw_clone(flags, (char *)stacks[i] + STACK_SIZE, &ptid[i], &ctid[i], thread_main,
                             &results[i]);
        if (ret < 0) {
            errno = (int)-ret;
            fail("clone");
        }
        tids[i] = ret;
    }

    /* Join: wait until CLONE_CHILD_CLEARTID has zeroed ctid[i]. */
    for (int i = 0; i < NTHREADS; i++) {
        int v;
        while ((v = __atomic_load_n(&ctid[i], __ATOMIC_ACQUIRE)) != 0)
            syscall(SYS_futex, &ctid[i], FUTEX_WAIT, v, NULL, NULL, 0);
    }

    long me = getpid(), total = 0;
    for (int i = 0; i < NTHREADS; i++) {
        const struct result *r = &results[i];
        say("thread %d: tid_ne_pid=%d child_tgid_eq_parent=%d ptid_eq_ret=%d "
            "gettid_eq_ret=%d ctid_cleared=%d work=%ld\n",
            i, r->tid != r->tgid, r->tgid == me, ptid[i] == tids[i], r->tid == tids[i],
            ctid[i] == 0, r->work);
        total += r->work;
        munmap(stacks[i], STACK_SIZE);
    }
    int distinct = 1;
    for (int i = 0; i < NTHREADS; i++)
        for (int j = i + 1; j < NTHREADS; j++)
            distinct &= tids[i] != tids[j];
    say("tids_distinct=%d\n", distinct);
    say("sum_of_work=%ld\n", total);
    say("done\n");
    return 0;
}
