/* N live processes at once (default 1000): each child blocks reading a
 * pipe until all exist; closing the write end lets them all exit. */
#include "bench.h"
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = bench_count(argc, argv, 1000), reaped = 0;
    int fd[2];
    if (pipe(fd)) return 1;
    for (long i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) {
            printf("fork failed at %ld\n", i);
            return 1;
        }
        if (p == 0) {
            char c;
            close(fd[1]);
            _exit((int)read(fd[0], &c, 1));
        }
    }
    close(fd[1]);
    int st;
    while (wait(&st) > 0)
        reaped++;
    printf("live processes %ld reaped %ld\n", n, reaped);
    return reaped == n ? 0 : 1;
}
