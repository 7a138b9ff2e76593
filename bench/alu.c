/* A register-only integer loop, N iterations (default 100,000,000). */
#include "bench.h"
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    long n = bench_count(argc, argv, 100000000);
    uint64_t x = 88172645463325252ULL, s = 0;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s += x & 0xff;
    }
    printf("alu %ld %llu\n", n, (unsigned long long)s);
    return 0;
}
