/* store_loop N: N stores into a 32 KiB array, then a checksum. Store-heavy
 * on purpose: tests/emu/fastw.sh times it with and without clonemu's store
 * fast path (emu/cpu_unicorn_fastw.inc). */
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned long a[4096];

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    for (long i = 0; i < n; i++)
        a[(i * 7) & 4095] = (unsigned long)i;
    unsigned long sum = 0;
    for (int i = 0; i < 4096; i++)
        sum = sum * 31 + a[i];
    printf("store_loop %ld %lu\n", n, sum);
    return 0;
}
