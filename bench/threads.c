/* pthread_create + pthread_join, N times (default 10000). */
#include "bench.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static void *body(void *arg)
{
    return (void *)((uintptr_t)arg + 1);
}

int main(int argc, char **argv)
{
    long n = bench_count(argc, argv, 10000), sum = 0;
    for (long i = 0; i < n; i++) {
        pthread_t t;
        void *r = NULL;
        if (pthread_create(&t, NULL, body, (void *)(uintptr_t)(i & 1)) || pthread_join(t, &r))
            return 1;
        sum += (long)(uintptr_t)r;
    }
    printf("threads %ld sum %ld\n", n, sum);
    return 0;
}
