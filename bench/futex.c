/* Two threads hand a token back and forth N times (default 100000) through
 * one futex word: each waits with FUTEX_WAIT until the word has its value. */
#include "bench.h"
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static _Atomic int word; /* whose turn: 0 main, 1 the other thread */
static long rounds;

static void pass_to(int me, int other)
{
    atomic_store(&word, other);
    syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    while (atomic_load(&word) != me)
        syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, other, NULL, NULL, 0);
}

static void *peer(void *arg)
{
    (void)arg;
    while (atomic_load(&word) != 1)
        syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    for (long i = 0; i < rounds; i++)
        pass_to(1, 0);
    return NULL;
}

int main(int argc, char **argv)
{
    rounds = bench_count(argc, argv, 100000);
    pthread_t t;
    if (pthread_create(&t, NULL, peer, NULL)) return 1;
    for (long i = 0; i < rounds; i++)
        pass_to(0, 1);
    atomic_store(&word, 1);
    syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    pthread_join(t, NULL);
    printf("futex ping-pong %ld\n", rounds);
    return 0;
}
