/*
 * pthreads_counter.c - IDEA: pthreads are clone(CLONE_THREAD|CLONE_VM|...)
 * tasks: one process id (the thread group id), a distinct thread id each, one
 * shared address space, so a plain counter needs a mutex.
 *
 * 8 threads each add 1 to a shared counter 1000 times under a pthread_mutex
 * (the mutex is a futex word: contended lock/unlock become FUTEX_WAIT/WAKE).
 * After joining all of them we print the sum (always 8000 thanks to the
 * mutex), and compare the ids each thread saw: all getpid() equal to the
 * main thread's, all gettid() distinct and different from the pid.
 */
#include "common.h"

#include <pthread.h>
#include <sys/syscall.h>

#define NTHREADS 8
#define NADDS    1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

struct ids {
    pid_t tid;
    pid_t pid;
};
static struct ids seen[NTHREADS];

static void *worker(void *arg)
{
    struct ids *me = arg;
    me->tid = (pid_t)syscall(SYS_gettid);
    me->pid = getpid();
    for (int k = 0; k < NADDS; k++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t th[NTHREADS];

    for (int i = 0; i < NTHREADS; i++) {
        int err = pthread_create(&th[i], NULL, worker, &seen[i]);
        if (err != 0) {
            errno = err;
            fail("pthread_create");
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);

    pid_t pid = getpid();
    int same_pid = 1, distinct = 1, tid_ne_pid = 1;
    for (int i = 0; i < NTHREADS; i++) {
        same_pid &= seen[i].pid == pid;
        tid_ne_pid &= seen[i].tid != pid;
        for (int j = i + 1; j < NTHREADS; j++)
            distinct &= seen[i].tid != seen[j].tid;
    }
    say("threads=%d adds_each=%d\n", NTHREADS, NADDS);
    say("counter=%ld\n", counter);
    say("all_same_pid=%d\n", same_pid);
    say("tids_distinct=%d\n", distinct);
    say("no_tid_eq_pid=%d\n", tid_ne_pid);
    say("done\n");
    return 0;
}
