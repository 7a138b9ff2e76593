/*
 * sleep_order.c - IDEA: sleeping tasks wake in the order of their deadlines,
 * not in the order they went to sleep; and a timer can end a blocked task.
 *
 *   1. Three threads start together and nanosleep 300 ms, 100 ms and 200 ms.
 *      Each appends its duration to a list under a mutex when it wakes: the
 *      list reads 100 200 300 (100 ms apart, far more than any scheduling
 *      jitter).
 *   2. alarm(1) arms a one-second timer whose expiry sends SIGALRM. With no
 *      handler installed, SIGALRM's default action is to terminate. A child
 *      that arms it and then blocks - once in pause(), once in read() on a
 *      pipe nobody writes - is killed by SIGALRM, and the parent's waitpid
 *      says so.
 */
#include "common.h"

#include <pthread.h>
#include <sys/wait.h>
#include <time.h>

#define NSLEEPERS 3

static const int sleep_ms[NSLEEPERS] = {300, 100, 200};
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int woke[NSLEEPERS];
static int nwoke;
static pthread_barrier_t start;

static void *sleeper(void *arg)
{
    int ms = *(const int *)arg;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    pthread_barrier_wait(&start);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
    pthread_mutex_lock(&lock);
    woke[nwoke++] = ms;
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void alarm_child(int use_pipe)
{
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        alarm(1);
        if (use_pipe) {
            int p[2];
            char ch;
            if (pipe(p) < 0) _exit(2);
            (void)read(p[0], &ch, 1); /* nobody writes; p[1] is ours */
        } else {
            pause();
        }
        _exit(1); /* not reached */
    }
    int st;
    if (waitpid(c, &st, 0) != c) fail("waitpid");
    say("alarm(1) then %s: WIFSIGNALED=%d WTERMSIG=%s\n", use_pipe ? "read(pipe)" : "pause()",
        WIFSIGNALED(st), WIFSIGNALED(st) ? sig_name(WTERMSIG(st)) : "-");
}

int main(void)
{
    pthread_t th[NSLEEPERS];
    pthread_barrier_init(&start, NULL, NSLEEPERS);
    say("sleeping 300, 100, 200 ms in three threads\n");
    for (int i = 0; i < NSLEEPERS; i++) {
        int e = pthread_create(&th[i], NULL, sleeper, (void *)&sleep_ms[i]);
        if (e != 0) {
            errno = e;
            fail("pthread_create");
        }
    }
    for (int i = 0; i < NSLEEPERS; i++)
        pthread_join(th[i], NULL);
    say("woke in order: %d %d %d\n", woke[0], woke[1], woke[2]);

    alarm_child(0);
    alarm_child(1);
    say("done\n");
    return 0;
}
