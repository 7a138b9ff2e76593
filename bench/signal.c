/* kill(getpid(), SIGUSR1) and its handler, N times (default 100000). */
#include "bench.h"
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
    (void)sig;
    caught++;
}

int main(int argc, char **argv)
{
    long n = bench_count(argc, argv, 100000);
    struct sigaction sa = {.sa_handler = on_usr1};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    pid_t me = getpid();
    for (long i = 0; i < n; i++)
        kill(me, SIGUSR1);
    printf("signals %ld caught %ld\n", n, (long)caught);
    return caught == n ? 0 : 1;
}
