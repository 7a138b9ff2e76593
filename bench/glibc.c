/* glibc-heavy work: N rounds (default 20) of malloc'ing 20,000 strings with
 * snprintf, qsort'ing them with strcmp, and freeing them. */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M 20000

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    long n = bench_count(argc, argv, 20);
    static char *v[M];
    unsigned long h = 0, seed = 1;
    for (long r = 0; r < n; r++) {
        for (int i = 0; i < M; i++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            char buf[64];
            int len = snprintf(buf, sizeof buf, "%lx-%d-%.3f", seed >> 20, i, (double)i / 7.0);
            v[i] = malloc((size_t)len + 1 + (size_t)(i % 50));
            memcpy(v[i], buf, (size_t)len + 1);
        }
        qsort(v, M, sizeof v[0], cmp);
        for (int i = 0; i < M; i++) {
            h = h * 31 + (unsigned char)v[i][0];
            free(v[i]);
        }
    }
    printf("glibc %ld %lu\n", n, h);
    return 0;
}
