/* Shared by the bench workloads: the repetition count from argv[1]. */
#ifndef CLONEMU_BENCH_H
#define CLONEMU_BENCH_H
#include <stdlib.h>

static inline long bench_count(int argc, char **argv, long dflt)
{
    return argc > 1 ? strtol(argv[1], NULL, 10) : dflt;
}
#endif
