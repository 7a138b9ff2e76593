/*
 * spin_preempt.c - IDEA: the scheduler preempts. A thread that spins on a
 * flag without ever making a system call cannot starve the others: its time
 * slice ends, other threads run, and eventually one of them sets the flag.
 *
 * Thread A starts spinning on a volatile flag (a pure user-mode loop: no
 * syscall, no yield, no futex). Only while A is already spinning does main
 * create thread B, which computes a sum and then sets the flag. Without
 * preemption, main could never run again to create B once A spins on the
 * same CPU (pin the program to one CPU with taskset to see that it still
 * finishes), and A would spin forever.
 */
#include "common.h"

#include <pthread.h>
#include <sched.h>

static volatile int a_spinning; /* A has entered its loop */
static volatile int flag;       /* set by B when its work is done */
static volatile long b_result;  /* B's work, published before flag */
static long a_saw_result;       /* what A read after the flag */

static void *thread_a(void *arg)
{
    (void)arg;
    a_spinning = 1;
    while (!flag) {
        /* spin: no syscalls, the only way out is another thread */
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    a_saw_result = b_result;
    return NULL;
}

static void *thread_b(void *arg)
{
    (void)arg;
    long sum = 0;
    for (long k = 1; k <= 200000; k++)
        sum += k % 7;
    b_result = sum;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    flag = 1;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    int e;
    say("creating spinner A\n");
    if ((e = pthread_create(&a, NULL, thread_a, NULL)) != 0) {
        errno = e;
        fail("pthread_create A");
    }
    while (!a_spinning)
        sched_yield(); /* main only goes on once A is in its loop */
    say("A is spinning; creating B\n");
    if ((e = pthread_create(&b, NULL, thread_b, NULL)) != 0) {
        errno = e;
        fail("pthread_create B");
    }
    pthread_join(b, NULL);
    say("B done: flag=%d result=%ld\n", flag, b_result);
    pthread_join(a, NULL);
    say("A left its loop: saw_result=%ld same_as_B=%d\n", a_saw_result, a_saw_result == b_result);
    say("done\n");
    return 0;
}
