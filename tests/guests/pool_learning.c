/* pool_learning [STORES [ITERS [alu-first]]]: a store-heavy child (STORES
 * stores spread over 4 MiB), and after it has exited an ALU-loop child
 * (ITERS iterations, no stores), or the other way round. The second child's
 * mm gets the first child's engine from clonemu's pool: tests/emu/pool.sh
 * checks that it learns afresh (and drops the block hook) instead of
 * keeping what the store-heavy child taught the engine. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGES 1024

static volatile uint64_t mem[PAGES * 512];

static int run_child(int (*fn)(long), long n)
{
    pid_t p = fork();
    if (p == 0) _exit(fn(n));
    int st = 0;
    if (p < 0 || waitpid(p, &st, 0) != p) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int stores(long n)
{
    for (long i = 0; i < n; i++)
        mem[((uint64_t)i * 7 % PAGES) * 512 + (uint64_t)i % 512] = (uint64_t)i;
    uint64_t sum = 0;
    for (long i = 0; i < PAGES * 512; i++)
        sum = sum * 31 + mem[i];
    printf("stores %ld %llu\n", n, (unsigned long long)sum);
    return 0;
}

static int alu(long n)
{
    uint64_t x = 1, s = 0; /* registers only: a 64-bit LCG */
    for (long i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        s += x >> 56;
    }
    printf("alu %ld %llu\n", n, (unsigned long long)s);
    return 0;
}

int main(int argc, char **argv)
{
    long ns = argc > 1 ? atol(argv[1]) : 4000000, na = argc > 2 ? atol(argv[2]) : 20000000;
    setvbuf(stdout, NULL, _IONBF, 0);
    int a, b;
    if (argc > 3) {
        b = run_child(alu, na);
        a = run_child(stores, ns);
    } else {
        a = run_child(stores, ns);
        b = run_child(alu, na);
    }
    printf("children %d %d\n", a, b);
    return a || b;
}
