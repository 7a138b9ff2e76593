/* fork + _exit + waitpid, N times (default 1000). */
#include "bench.h"
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = bench_count(argc, argv, 1000), ok = 0;
    for (long i = 0; i < n; i++) {
        pid_t p = fork();
        if (p == 0) _exit((int)(i & 0x7f));
        int st;
        if (p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == (i & 0x7f))
            ok++;
    }
    printf("fork %ld ok %ld\n", n, ok);
    return ok == n ? 0 : 1;
}
