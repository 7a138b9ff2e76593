/* N live threads at once (default 10000): each is created with a 64 KiB
 * stack and waits on a barrier until all exist; then all are joined. */
#include "bench.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_barrier_t bar;

static void *body(void *arg)
{
    pthread_barrier_wait(&bar);
    return arg;
}

int main(int argc, char **argv)
{
    long n = bench_count(argc, argv, 10000);
    pthread_t *t = calloc((size_t)n, sizeof *t);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 * 1024);
    pthread_barrier_init(&bar, NULL, (unsigned)n + 1);
    for (long i = 0; i < n; i++)
        if (pthread_create(&t[i], &a, body, NULL)) {
            printf("pthread_create failed at %ld\n", i);
            return 1;
        }
    pthread_barrier_wait(&bar);
    for (long i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    printf("live threads %ld\n", n);
    return 0;
}
